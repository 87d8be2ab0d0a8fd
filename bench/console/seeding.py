"""The platform served on a data directory, and `prepare`: hefei filled with the demo corpus' department
articles through the content API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, console, document_body
from bench.console import API, DOCS, MARKER, SITE, WORD
from bench.processes import cpu_sample, free_port, spawn, stop, taskset, wait_ready

SITEGROUP = ROOT / ".venv" / "bin" / "sitegroup"
SITE_CODE = "3401000001"
OWN_PREFIXES = ("SITEGROUP_", "CONTENT_", "RENDER_", "IDENTITY_", "CONSOLE_", "GATEWAY_")
PER_DEPARTMENT = 600  # distinct demo articles the corpus makes for any one department (its capacity is ~700)
DEPARTMENTS = (
    "教育局", "财政局", "生态环境局", "卫生健康委员会", "交通运输局", "住房和城乡建设局", "自然资源和规划局",
    "人力资源和社会保障局", "商务局", "农业农村局", "市场监督管理局", "数据资源局", "民政局", "文化和旅游局",
    "应急管理局", "科学技术局", "水务局", "审计局", "统计局", "公安局",
)  # fmt: skip


# the platform process ------------------------------------------------------------------------------
def server_env(data: Path, port: int) -> dict[str, str]:
    """The caller's environment without platform settings, plus the data dir, the port and no rate limits."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    env.update(SITEGROUP_DATA_DIR=str(data), PORT=str(port), GATEWAY_RATE_PER_IP="0", GATEWAY_PAGE_RATE_PER_IP="0")
    return env | {"GATEWAY_ACCESS_LOG": "false"}


@dataclass
class Platform:
    """A running `sitegroup serve` on a data directory."""

    process: subprocess.Popen
    data: Path
    port: int

    @property
    def base_url(self) -> str:
        """The server's own address."""
        return f"http://127.0.0.1:{self.port}"

    def token(self, role: str, subject: str) -> str:
        """`sitegroup dev-token` for hefei, run with the server's environment."""
        command = [str(SITEGROUP), "dev-token", "--site", SITE, "--role", role, "--subject", subject]
        env = server_env(self.data, self.port)
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
        return done.stdout.strip()


@contextlib.asynccontextmanager
async def platform(data: Path, *, pin: bool, log: Path) -> AsyncIterator[Platform]:
    """`[taskset -c 0] sitegroup serve` on `data` (seeds the demo on first start), ready; always stopped."""
    port = free_port()
    command = [*taskset(pin), str(SITEGROUP), "serve", "--port", str(port)]
    process = spawn(command, log, server_env(data, port))
    try:
        await wait_ready(process, f"http://127.0.0.1:{port}/readyz", log, timeout=900.0)
        yield Platform(process, data, port)
    finally:
        await stop(process)


async def until_idle(pid: int, limit: float = 120.0) -> float:
    """Wait until the server uses < 3 % of a core over a second (relay and consumers done); seconds waited."""
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        before = cpu_sample(pid)["server"]
        await asyncio.sleep(1.0)
        if cpu_sample(pid)["server"] - before < 0.03:
            break
    return time.perf_counter() - began


def bearer(token: str) -> dict[str, str]:
    """The Authorization header carrying `token`."""
    return {"authorization": f"Bearer {token}"}


async def total(http: httpx.AsyncClient, path: str, **params: Any) -> int:
    """The `total` of a paged API answer."""
    answer = await http.get(path, params=params | {"size": 1})
    answer.raise_for_status()
    return answer.json()["total"]


# prepare -------------------------------------------------------------------------------------------
def department_articles(count: int) -> list:
    """`count` demo articles written for the city's departments (Chinese, from the seed texts)."""
    from sitegroup.demo.corpus import articles_for_site

    found: list = []
    for name in DEPARTMENTS:
        if len(found) >= count:
            break
        found += articles_for_site(SITE_CODE, f"合肥市{name}", PER_DEPARTMENT)
    if len(found) < count:
        raise SystemExit(f"the demo corpus gives {len(found)} department articles, {count} asked for")
    return found[:count]


def review_positions(count: int, in_review: int) -> set[int]:
    """Which of `count` new documents are submitted: `in_review` of them, spread evenly."""
    return {k * count // in_review for k in range(in_review)} if in_review else set()


async def new_bodies(http: httpx.AsyncClient, count: int, submitted: set[int]) -> list[dict[str, Any]]:
    """`count` POST bodies in the demo's channels, those at the `submitted` positions sent into review."""
    channels = {c["path"]: c["id"] for c in (await http.get(f"{API}/sites/{SITE}/channels")).json()}
    return [document_body(a, channels, submit=i in submitted) for i, a in enumerate(department_articles(count))]


async def post_documents(http: httpx.AsyncClient, bodies: list[dict[str, Any]], workers: int) -> list[int]:
    """POST every body with `workers` in flight; the new ids in the bodies' order."""
    ids: list[int] = [0] * len(bodies)
    todo = iter(range(len(bodies)))

    async def worker() -> None:
        for i in todo:
            answer = await http.post(DOCS, json=bodies[i])
            if answer.status_code != 201:
                raise SystemExit(f"POST {DOCS}: {answer.status_code} {answer.text[:300]}")
            ids[i] = answer.json()["id"]
            if (i + 1) % 1000 == 0:
                console.print(f"[dim]  {i + 1:,} / {len(bodies):,} posted[/]")

    await asyncio.gather(*(worker() for _ in range(workers)))
    return ids


def middle_draft(ids: list[int], submitted: set[int]) -> int:
    """The first draft of the second half: the document the single-document rows open."""
    return next(ids[i] for i in range(len(ids) // 2, len(ids)) if i not in submitted)


async def fill_site(server: Platform, documents: int, in_review: int, workers: int) -> dict[str, Any]:
    """Add documents to hefei until it has `documents`, `in_review` of them submitted; what was made."""
    headers = bearer(server.token("editor", "bench-editor"))
    limits = httpx.Limits(max_connections=workers)
    async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=60, limits=limits) as http:
        seeded = await total(http, DOCS)
        count = documents - seeded
        submitted = review_positions(count, in_review)
        bodies = await new_bodies(http, count, submitted)
        began = time.perf_counter()
        ids = await post_documents(http, bodies, workers)
        took = time.perf_counter() - began
        doc = middle_draft(ids, submitted)
        title = (await http.get(f"{DOCS}/{doc}")).json()["title"]
        found = await total(http, DOCS)
    rate = count / took
    console.print(f"posted {count:,} documents in {took:.0f} s ({rate:.0f}/s); hefei has {found:,}")
    made = {"seeded": seeded, "added": count, "documents": found, "submitted": len(submitted)}
    return made | {"post_seconds": took, "posts_per_s": rate, "document_id": doc, "document_title": title, "word": WORD}


def fresh_dir(data: Path) -> None:
    """Empty `data` for prepare: only a directory prepare made before may be deleted."""
    if data.exists() and any(data.iterdir()):
        if not ((data / MARKER).exists() or (data / "prepare.log").exists()):
            raise SystemExit(f"{data} is not empty and was not made by bench.console prepare")
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)


async def prepare(data: Path, documents: int, in_review: int, workers: int) -> dict[str, Any]:
    """A fresh data directory: the demo province, then hefei filled to `documents`; DIR/console.json."""
    fresh_dir(data)
    began = time.perf_counter()
    async with platform(data, pin=False, log=data / "prepare.log") as server:
        console.print(f"demo province seeded in {time.perf_counter() - began:.0f} s; adding documents to {SITE}")
        info = await fill_site(server, documents, in_review, workers)
        info["settle_seconds"] = await until_idle(server.process.pid)
    (data / MARKER).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


def prepared(data: Path) -> dict[str, Any] | None:
    """What prepare left in `data`, if it did."""
    marker = data / MARKER
    return json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else None
