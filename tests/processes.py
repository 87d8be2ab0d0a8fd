"""Helpers of the tests that run the platform (or one service) as a process of its own."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sitegroup_command() -> str:
    for candidate in (Path(sys.executable).parent / "sitegroup", ROOT / ".venv" / "bin" / "sitegroup"):
        if candidate.exists():
            return str(candidate)
    raise RuntimeError("no sitegroup command next to this Python nor in .venv/bin (run make)")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # uvicorn shuts down gracefully on SIGTERM
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
