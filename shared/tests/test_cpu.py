"""Worker processes end with the process that started them, even one killed outright."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARENT = """
    import asyncio, os, time
    from shared.cpu import WorkerPool

    async def main() -> None:
        pool = WorkerPool("测试", 1)
        print(await pool.run(os.getpid), flush=True)
        time.sleep(60)

    if __name__ == "__main__":  # a spawned worker imports this file again
        asyncio.run(main())
"""


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(PARENT), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        worker = int(parent.stdout.readline())
        assert worker != parent.pid and alive(worker)
    finally:
        parent.kill()  # SIGKILL: no atexit, no pool shutdown
        parent.wait()
    deadline = time.monotonic() + 15
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(worker)
