"""Sampling the benchmark process with pyinstrument (an optional tool: `pip install pyinstrument`).

The profiler samples the event-loop thread whatever task runs (async_mode="disabled"), so the report is a
CPU view of the whole process: the API calls, the relay and the consumers together. Time the loop spends
waiting (for the aiosqlite thread, PostgreSQL or Kafka) shows as the selector's poll.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from rich.table import Table

from bench.common import ROOT, console, fmt

# Functions whose inclusive time is worth reading off the call path, by (file suffix, function name).
KEY_FUNCTIONS = (
    ("services/content/service/documents.py", "create_document"),
    ("services/content/service/workflow.py", "approve_document"),
    ("services/content/service/workflow.py", "submit_in"),
    ("services/content/service/publishing.py", "go_live"),
    ("services/content/service/publishing.py", "complete_review"),
    ("services/content/service/checks.py", "enforce_checks"),
    ("services/content/events.py", "document_event"),
    ("services/content/sanitize.py", "sanitize_html"),
    ("shared/auth/verifier.py", "verify"),
    ("shared/db/uow.py", "emit"),
    ("shared/db/uow.py", "commit"),
    ("shared/tenancy.py", "_scope_orm_execution"),
    ("shared/tenancy.py", "_check_writes"),
    ("shared/messaging/relay.py", "relay_once"),
    ("shared/messaging/consumer.py", "__call__"),
    ("shared/web.py", "current_principal"),
    ("fastapi/routing.py", "serialize_response"),
    ("fastapi/dependencies/utils.py", "solve_dependencies"),
    ("sqlalchemy/orm/session.py", "flush"),
    ("sqlalchemy/orm/session.py", "_autobegin_t"),
    ("sqlalchemy/sql/compiler.py", "__init__"),
    ("sqlalchemy/engine/default.py", "_init_compiled"),
    ("sqlalchemy/util/_concurrency_py3k.py", "await_"),
    ("asyncio/base_events.py", "_run_once"),
    ("selectors.py", "select"),
    ("httpx/_transports/asgi.py", "handle_async_request"),
)


def start(interval: float = 0.001):
    try:
        from pyinstrument import Profiler
    except ImportError as exc:  # pragma: no cover - optional tool
        raise SystemExit("--profile needs pyinstrument: .venv/bin/pip install pyinstrument") from exc
    profiler = Profiler(interval=interval, async_mode="disabled")
    profiler.start()
    return profiler


def _short(path: str) -> str:
    for marker in ("site-packages/", "lib/python3"):
        if marker in path:
            tail = path.split(marker, 1)[1]
            return tail.split("/", 1)[1] if marker == "lib/python3" and "/" in tail else tail
    with_root = str(ROOT) + os.sep
    return path.removeprefix(with_root)


def _package(path: str) -> str:
    short = _short(path)
    if short.startswith(("services/", "shared/", "gateway/", "sitegroup/", "bench/")):
        return "/".join(short.split("/")[:2]) if short.startswith("services/") else short.split("/")[0]
    if "site-packages/" in path:
        return short.split("/", 1)[0].removesuffix(".py")
    if path.startswith("<"):
        return path
    return "stdlib:" + short.split("/", 1)[0].removesuffix(".py")


def report(profiler, out: Path, *, calls: dict[str, int], top: int = 25) -> dict[str, Any]:
    """Write the HTML and text renderings, print the hot spots, and return them for the JSON."""
    session = profiler.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    html = out.with_suffix(".html")
    html.write_text(profiler.output_html(), encoding="utf-8")
    txt = out.with_suffix(".txt")
    txt.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    root = session.root_frame(trim_stem=False)
    total = session.duration
    self_by_fn: dict[tuple[str, str, int], float] = defaultdict(float)
    self_by_pkg: dict[str, float] = defaultdict(float)
    inclusive: dict[tuple[str, str], float] = defaultdict(float)

    def walk(frame, open_keys: frozenset) -> None:
        if frame.is_synthetic:  # [self]/[await] markers: their time is already the parent's self time
            return
        path = frame.file_path or ""
        own = frame.total_self_time
        self_by_fn[(frame.function, _short(path), frame.line_no or 0)] += own
        self_by_pkg[_package(path)] += own
        keys = open_keys
        for suffix, name in KEY_FUNCTIONS:
            if frame.function == name and path.endswith(suffix) and (suffix, name) not in open_keys:
                inclusive[(suffix, name)] += frame.time
                keys = keys | {(suffix, name)}
        for child in frame.children:
            walk(child, keys)

    # SQLAlchemy's async layer runs the ORM's synchronous code in greenlets: their samples have no
    # coroutine above them, so they appear as extra roots beside the event loop's stack.
    greenlet_roots: dict[str, float] = defaultdict(float)
    if root is not None:
        walk(root, frozenset())
        thread_frames = [root] if root.file_path and "<thread>" in root.file_path else list(root.children)
        for thread in thread_frames:
            for top_frame in thread.children:
                if top_frame.is_synthetic or "runpy" in (top_frame.file_path or ""):
                    continue
                greenlet_roots[f"{top_frame.function}  ({_short(top_frame.file_path or '')})"] += top_frame.time
    total_calls = sum(calls.values()) or 1
    hot = sorted(self_by_fn.items(), key=lambda kv: kv[1], reverse=True)[:top]
    table = Table(title=f"pyinstrument: top {top} functions by self time ({fmt(total, 2)} s sampled)")
    table.add_column("function")
    table.add_column("where")
    table.add_column("self s", justify="right")
    table.add_column("% of run", justify="right")
    for (fn, where, line), seconds in hot:
        table.add_row(fn, f"{where}:{line}", fmt(seconds, 2), fmt(100 * seconds / total))
    console.print(table)

    packages = sorted(self_by_pkg.items(), key=lambda kv: kv[1], reverse=True)[:18]
    table = Table(title="self time by package (where the event-loop thread spends its time)")
    table.add_column("package")
    table.add_column("self s", justify="right")
    table.add_column("% of run", justify="right")
    table.add_column("ms per API call", justify="right")
    for pkg, seconds in packages:
        table.add_row(pkg, fmt(seconds, 2), fmt(100 * seconds / total), fmt(1000 * seconds / total_calls, 2))
    console.print(table)

    table = Table(title=f"inclusive time of key functions ({total_calls} API calls)")
    table.add_column("function")
    table.add_column("incl. s", justify="right")
    table.add_column("% of run", justify="right")
    table.add_column("ms per API call", justify="right")
    for (suffix, name), seconds in sorted(inclusive.items(), key=lambda kv: kv[1], reverse=True):
        per_call = fmt(1000 * seconds / total_calls, 2)
        table.add_row(f"{suffix}:{name}", fmt(seconds, 2), fmt(100 * seconds / total), per_call)
    console.print(table)
    greenlet_total = sum(greenlet_roots.values())
    table = Table(title="ORM work run in SQLAlchemy greenlets (not under any request's stack in the profile)")
    table.add_column("entry point")
    table.add_column("incl. s", justify="right")
    table.add_column("% of run", justify="right")
    table.add_column("ms per API call", justify="right")
    for entry, seconds in sorted(greenlet_roots.items(), key=lambda kv: kv[1], reverse=True)[:10]:
        table.add_row(entry, fmt(seconds, 2), fmt(100 * seconds / total), fmt(1000 * seconds / total_calls, 2))
    table.add_row(
        "[bold]all greenlet roots[/]",
        fmt(greenlet_total, 2),
        fmt(100 * greenlet_total / total),
        fmt(1000 * greenlet_total / total_calls, 2),
    )
    console.print(table)
    console.print(f"[dim]profile written to {html} and {txt}[/]")
    return {
        "sampled_seconds": total,
        "html": str(html),
        "text": str(txt),
        "top_self": [
            {"function": fn, "where": f"{where}:{line}", "self_s": s, "share": s / total}
            for (fn, where, line), s in hot
        ],
        "greenlet_roots_s": greenlet_total,
        "greenlet_roots": [
            {"entry": e, "seconds": v} for e, v in sorted(greenlet_roots.items(), key=lambda kv: -kv[1])
        ],
        "by_package": [{"package": p, "self_s": s, "share": s / total} for p, s in packages],
        "inclusive": [
            {"function": f"{suffix}:{name}", "seconds": s, "share": s / total, "ms_per_call": 1000 * s / total_calls}
            for (suffix, name), s in sorted(inclusive.items(), key=lambda kv: kv[1], reverse=True)
        ],
    }
