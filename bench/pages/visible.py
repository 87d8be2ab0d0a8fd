"""`visible`: over HTTP against `serve` on the server's core, seconds from sending a document's final
approve until its article page answers 200 and the channel list shows its title."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table
from rich.text import Text

from bench.common import console, fmt, machine, summary_ms, warn_if_busy, write_json
from bench.pages import API, CHANNEL, HOST, LIST_DOCS, LIST_PATH, SITE, STEPS, VISIBLE_ROWS, VISIBLE_TARGET
from bench.pages.seeding import demo_bodies, prepare
from bench.pages.server import platform_settings, serving
from bench.pages.workflow import Staff, approve, expect, submit
from bench.processes import CLIENT_CORE, SERVER_CORE, pin_this_process


@dataclass(slots=True)
class Sample:
    """Seconds from sending the final approve to: its response, the article's first 200, the list with the title."""

    answered: float
    article: float | None
    listed: float | None
    polls: int


def predicted_path(doc_id: int) -> str:
    """The URL publication will give the document (services.content.service.publishing)."""
    from shared.clock import china_time

    local = china_time(datetime.now(UTC))
    return f"/{CHANNEL}/{local:%Y%m}/t{local:%Y%m%d}_{doc_id}.html"


async def poll(http: httpx.AsyncClient, path: str, seen: Callable[[httpx.Response], bool], began: float, limit: float):
    """Seconds from `began` to the first response `seen` accepts (GET every 2 ms), or None; and the polls made."""
    polls = 0
    while time.perf_counter() - began < limit:
        response = await http.get(path, headers={"host": HOST})
        polls += 1
        if seen(response):
            return time.perf_counter() - began, polls
        await asyncio.sleep(0.002)
    return None, polls


async def timed_approve(http: httpx.AsyncClient, staff: Staff, doc_id: int, began: float) -> tuple[dict, float]:
    """The final approve, and the seconds from `began` to its response."""
    doc = await approve(http, staff, doc_id, STEPS[-1])
    return doc, time.perf_counter() - began


async def one_publication(http: httpx.AsyncClient, staff: Staff, body: dict[str, Any], limit: float) -> Sample:
    """Create, submit, approve 初审 and 审核; then time 审发 until the article and the list show it."""
    from markupsafe import escape

    doc_id = await submit(http, staff, body)
    for step in STEPS[:-1]:
        await approve(http, staff, doc_id, step)
    path, marker = predicted_path(doc_id), str(escape(body["title"]))
    began = time.perf_counter()
    (doc, answered), (article, p1), (listed, p2) = await asyncio.gather(
        timed_approve(http, staff, doc_id, began),
        poll(http, path, lambda r: r.status_code == 200, began, limit),
        poll(http, LIST_PATH, lambda r: r.status_code == 200 and marker in r.text, began, limit),
    )
    if doc["url_path"] != path:
        raise RuntimeError(f"published at {doc['url_path']}, polled {path} (midnight in China?)")
    return Sample(answered, article, listed, p1 + p2)


async def measure_visible(port: int, data: Path, count: int, pause: float, limit: float) -> list[Sample]:
    """`count` publications one after another, `pause` seconds apart, each timed by one_publication."""
    from sitegroup.devtokens import provider_signer

    async with provider_signer(platform_settings(data, port)) as signer:
        staff = Staff(signer)  # tokens as the platform's identity provider issues them
    channel_id = await _channel_id(port)
    samples = []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        for i, body in enumerate(demo_bodies(channel_id, LIST_DOCS, count)):
            samples.append(await one_publication(http, staff, body, limit))
            if (i + 1) % 50 == 0:
                console.print(f"[dim]{i + 1}/{count} published[/]")
            await asyncio.sleep(pause)
    return samples


async def _channel_id(port: int) -> int:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        channels = expect(await http.get(f"{API}/sites/{SITE}/channels"), 200)
    return next(c["id"] for c in channels if c["path"] == CHANNEL)


async def measure_on_server(data: Path, args: argparse.Namespace, log: Path) -> list[Sample]:
    """The server on its core, this process on the client's core, then the publications timed."""
    async with serving(data, args.port, log):
        pin_this_process(CLIENT_CORE)
        return await measure_visible(args.port, data, args.count, args.pause, args.limit)


def visible_table(samples: list[Sample]) -> tuple[Table, dict[str, Any]]:
    """The latency table, and its figures for the JSON."""
    table = Table(title=f"Publish → visible over HTTP, {len(samples)} documents (ms from sending the 审发 approve)")
    for name in ("until", "n", "p50", "p95", "p99", "max", "not seen"):
        table.add_column(name, justify="left" if name == "until" else "right")
    table.add_column("target p99")
    figures = {}
    for key, label in VISIBLE_ROWS:
        values = [getattr(s, key) for s in samples]
        stats = summary_ms(v for v in values if v is not None)
        figures[key] = stats | {"not_seen": values.count(None)}
        cells = [fmt(stats.get(k), 1) for k in ("p50", "p95", "p99", "max")]
        goal = VISIBLE_TARGET.verdict(stats["p99"]) if key != "answered" and stats["n"] else Text("")
        table.add_row(label, str(stats["n"]), *cells, str(values.count(None)), goal)
    return table, figures


def cmd_visible(args: argparse.Namespace) -> int:
    """Prepare a throwaway directory, time the publications against `serve`, print and write the figures."""
    warn_if_busy()
    with tempfile.TemporaryDirectory(prefix="sgbench-visible-") as tmp:
        data = Path(tmp) / "data"
        info = asyncio.run(prepare(data))
        console.print(f"prepared {data}: {info['documents']} documents in {CHANNEL}; server on core {SERVER_CORE}")
        import uvloop

        samples = uvloop.run(measure_on_server(data, args, Path(tmp) / "server.log"))
    table, figures = visible_table(samples)
    console.print(table)
    polls = sum(s.polls for s in samples)
    console.print(f"[dim]{polls:,} polling GETs; {args.pause:g} s pause between documents[/]")
    payload = {"bench": "pages-visible", "machine": machine(), "args": vars(args)}
    write_json(args.json, payload | {"figures": figures, "samples": [asdict(s) for s in samples]})
    return 0
