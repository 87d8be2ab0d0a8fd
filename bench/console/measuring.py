"""`run`'s measuring: the rows, both people signed in, each row timed over one keep-alive connection, and the
wait for a quiet machine."""

from __future__ import annotations

import argparse
import asyncio
import html
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench.common import console, summary_ms
from bench.console import API, DOCS, SITE, WORD
from bench.console.seeding import Platform, bearer, platform, total, until_idle
from bench.processes import cpu_between, cpu_sample
from bench.rawhttp import RawConnection

PASSWORD = "Zhengwu@2026"
EDITOR, REVIEWER = "hefei-editor", "hefei-chushen"


# the rows ------------------------------------------------------------------------------------------
@dataclass
class Row:
    """One page or API call timed: who asks for it, what it must contain."""

    name: str
    path: str
    who: str  # editor | reviewer (console cookie) | api-editor | api-reviewer (bearer)
    expect: str = ""
    peer: str | None = None  # the API row a console row wraps

    @property
    def api(self) -> bool:
        """Whether the row is an API call (a bearer token) rather than a console page (a cookie)."""
        return self.who.startswith("api-")


def rows(info: dict[str, Any], facts: dict[str, Any]) -> list[Row]:
    """The console pages and, after each, the API call it wraps."""
    doc, title = info["document_id"], html.escape(info["document_title"])
    filtered = f"workflow_state=in_review&q={quote(info['word'])}"
    console_rows = [
        Row("dashboard", "/console/", "editor", f'<span class="count">{facts["drafts"]}</span>', "api drafts count"),
        Row("list page 1", f"/console/content/{SITE}/", "editor", f"共 {facts['documents']} 篇", "api list page 1"),
        Row("list page 400", f"/console/content/{SITE}/?page=400", "editor", "第 400 /", "api list page 400"),
        Row(
            "filtered list",
            f"/console/content/{SITE}/?{filtered}",
            "editor",
            f"共 {facts['filtered']} 篇",
            "api filtered",
        ),
        Row("document", f"/console/content/{SITE}/{doc}", "editor", title, "api document"),
        Row("editor", f"/console/content/{SITE}/{doc}/edit", "editor", title, "api document"),
        Row("review queue (初审)", "/console/review/", "reviewer", f"（{facts['queue']}）", "api review queue"),
    ]
    calls = {row.name: row for row in api_rows(doc, filtered)}
    ordered = [r for row in console_rows for r in (row, calls.pop(row.peer, None)) if r is not None]
    return ordered + list(calls.values())  # each page timed right before the call it wraps


def api_rows(doc: int, filtered: str) -> list[Row]:
    """The content API calls the console pages make, with the same person's rights."""
    return [
        Row("api drafts count", f"{DOCS}?workflow_state=draft&size=1", "api-editor", '"total"'),
        Row("api list page 1", f"{DOCS}?page=1&size=20", "api-editor", '"total"'),
        Row("api list page 400", f"{DOCS}?page=400&size=20", "api-editor", '"page":400'),
        Row("api filtered", f"{DOCS}?{filtered}&page=1&size=20", "api-editor", '"total"'),
        Row("api document", f"{DOCS}/{doc}", "api-editor", '"body_html"'),
        Row("api review queue", f"{API}/sites/{SITE}/review-queue?size=100", "api-reviewer", '"total"'),
        Row("api site directory", f"{API}/sites", "api-editor", f'"id":"{SITE}"'),
        Row("api channels", f"{API}/sites/{SITE}/channels", "api-editor", '"path"'),
    ]


# the people ----------------------------------------------------------------------------------------
async def sign_in(base_url: str, username: str) -> str:
    """The provider's login page reached from /console/, its form posted; the console's session cookie."""
    from services.console.tests.browsing import Person

    async with httpx.AsyncClient(base_url=base_url, follow_redirects=True, timeout=60) as http:
        page = await Person(http).sign_in(username, PASSWORD)
        if page.status_code != 200 or str(page.url) != f"{base_url}/console/":
            raise SystemExit(f"sign-in of {username} ended at {page.url} ({page.status_code})")
        return http.cookies["sg_console"]


async def facts_of(base_url: str, editor: str, reviewer: str) -> dict[str, int]:
    """What the pages must show, read from the API: totals of the lists and the queue."""
    async with httpx.AsyncClient(base_url=base_url, headers=bearer(editor)) as http:
        found = {
            "documents": await total(http, DOCS),
            "drafts": await total(http, DOCS, workflow_state="draft"),
            "in_review": await total(http, DOCS, workflow_state="in_review"),
            "filtered": await total(http, DOCS, workflow_state="in_review", q=WORD),
        }
        queue = await http.get(f"{API}/sites/{SITE}/review-queue", headers=bearer(reviewer))
        found["queue"] = queue.json()["total"]
    return found


async def people(server: Platform) -> tuple[dict[str, str], dict[str, int]]:
    """Both people signed in, the API tokens, as request headers; what the pages must show."""
    tokens = {"api-editor": server.token("editor", "bench-editor")}
    tokens["api-reviewer"] = server.token("reviewer:初审", "bench-chushen")
    cookies = {"editor": await sign_in(server.base_url, EDITOR), "reviewer": await sign_in(server.base_url, REVIEWER)}
    facts = await facts_of(server.base_url, tokens["api-editor"], tokens["api-reviewer"])
    credentials = {k: f"Authorization: Bearer {v}" for k, v in tokens.items()}
    return credentials | {k: f"Cookie: sg_console={v}" for k, v in cookies.items()}, facts


# timing --------------------------------------------------------------------------------------------
def request_bytes(port: int, path: str, credential: str) -> bytes:
    """A GET as a browser on the platform's own address sends it (Host with the port: the console insists)."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Accept: text/html,application/json", credential]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def time_row(port: int, request: bytes, row: Row, pid: int, requests: int, warmup: int) -> dict[str, Any]:
    """`warmup` then `requests` sequential GETs on one keep-alive connection; latency, sizes, server CPU."""
    connection = await RawConnection.open(port)
    try:
        status, body = await connection.exchange(request)
        if status != 200 or row.expect.encode() not in body:
            raise SystemExit(f"{row.name} {row.path}: {status}, {row.expect!r} not in {body[:300]!r}")
        for _ in range(warmup - 1):
            await connection.exchange(request)
        return await timed(connection, request, pid, requests)
    finally:
        await connection.close()


async def timed(connection: RawConnection, request: bytes, pid: int, requests: int) -> dict[str, Any]:
    """The measured part of a row."""
    seconds, statuses, sizes = [], {}, set()
    before = cpu_sample(pid)
    for _ in range(requests):
        began = time.perf_counter()
        status, body = await connection.exchange(request)
        seconds.append(time.perf_counter() - began)
        statuses[status] = statuses.get(status, 0) + 1
        sizes.add(len(body))
    cpu = cpu_between(before, cpu_sample(pid))
    per_request = cpu["server_pct"] * cpu["interval_s"] / 100 / requests
    return summary_ms(seconds) | {
        "req_per_s": requests / sum(seconds),
        "statuses": statuses,
        "bytes": max(sizes),
        "server_cpu_ms_per_req": 1000 * per_request,
        "cpu": cpu,
    }


# a quiet machine -----------------------------------------------------------------------------------
def machine_state(load_limit: float | None) -> tuple[float, bool, bool]:
    """The 1-minute load average, whether a pytest process runs, and whether either makes the machine busy."""
    load = float(Path("/proc/loadavg").read_text().split()[0])
    running = subprocess.run(["pgrep", "-f", "pytest"], capture_output=True).returncode == 0
    return load, running, running or (load_limit is not None and load >= load_limit)


async def wait_quiet(minutes: float, load_limit: float | None = 0.5) -> dict[str, Any]:
    """Poll every 10 s, up to `minutes`, until no pytest runs and (if given) the load average is below the limit."""
    began = time.perf_counter()
    load, running, busy = machine_state(load_limit)
    while busy and time.perf_counter() - began < 60 * minutes:
        console.print(f"[dim]waiting for a quiet machine: load {load:.2f}, pytest {'running' if running else 'no'}[/]")
        await asyncio.sleep(10)
        load, running, busy = machine_state(load_limit)
    if busy:
        console.print(f"[yellow]measuring on a busy machine: load {load:.2f}, pytest running: {running}[/]")
    return {"quiet": not busy, "waited_s": time.perf_counter() - began, "loadavg_1m": load, "pytest_running": running}


# run -----------------------------------------------------------------------------------------------
async def measure(data: Path, info: dict[str, Any], args: argparse.Namespace, pin: bool) -> dict[str, Any]:
    """Serve `data` on core 0, sign both people in, time every row (none while a pytest runs); the figures."""
    async with platform(data, pin=pin, log=data / "run.log") as server:
        credentials, facts = await people(server)
        idle = await until_idle(server.process.pid)
        results = {}
        for row in rows(info, facts):
            gate = await wait_quiet(args.quiet_minutes, load_limit=None)  # our own server keeps the load up
            request = request_bytes(server.port, row.path, credentials[row.who])
            timing = await time_row(server.port, request, row, server.process.pid, args.requests, args.warmup)
            results[row.name] = timing | {"path": row.path, "who": row.who, "peer": row.peer, "api": row.api}
            results[row.name]["quiet"] = gate
    return {"facts": facts, "idle_wait_s": idle, "rows": results}
