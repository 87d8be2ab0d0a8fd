"""bench.migration — a legacy county site of 100,000 pages imported into the consolidated platform: documents per
second (with their attachments: one PDF per tenth article) and the platform's memory over the run.

The legacy site (services/transition/tests/legacy_site.py: a GBK home page, lists of 20, articles with the
national meta tags, ETags) is served by bench/legacy_server.py, a lean server as an old site's static pages are
served, pinned to core 1; `sitegroup serve` (embedded backends, a fresh
data directory, no demo) runs on both cores, its crawl in a child process (sitegroup/runner_process.py). A site is
opened through the API, a job planned for it, and its progress and the platform's resident memory (with its
children's) read every second until the content library has answered for every document.
Target: ≥ 500 documents/s, and memory that does not grow with the site's size.

    .venv/bin/python -m bench.migration [--articles 100000] [--json bench/results/migration.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.table import Table

from bench.common import Target, console, fmt, machine, warn_if_busy, write_json
from bench.processes import (
    CLIENT_CORE,
    CLK_TCK,
    SERVER_CORE,
    free_port,
    pinning_possible,
    process_tree,
    spawn,
    stat_fields,
    stop,
    tree_cpu,
    wait_ready,
)
from bench.rss import memory

RATE = Target(500, True, "documents/s")
LEGACY = "old.feixi.gov.cn"
QUIET_SECONDS = 3  # seconds in a row the platform must be idle, its mirror written, to count as settled
SITES = (
    {"id": "ah", "name": "安徽省人民政府", "host_unit": "安徽省人民政府办公厅", "site_code": "3400000001",
     "org_code": "003014349", "level": "province", "main_domain": "www.ah.gov.cn", "status": "online"},
    {"id": "hefei", "parent_id": "ah", "name": "合肥市人民政府", "host_unit": "合肥市人民政府办公室",
     "site_code": "3401000001", "org_code": "003254560", "level": "city", "main_domain": "www.hefei.gov.cn",
     "status": "online"},
    {"id": "feixi", "name": "肥西县人民政府", "host_unit": "肥西县人民政府办公室", "site_code": "3401230001",
     "org_code": "003275128", "level": "county", "parent_id": "hefei", "main_domain": "www.feixi.gov.cn",
     "status": "online"},
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight to the legacy site")
    parser.add_argument(
        "--platform-cores", type=int, choices=(1, 2), default=2,
        help="2: the platform on both cores (its crawl runs in a child process; the legacy site, ~0.3 ms of CPU a"
        " page, stays pinned to core 1); 1: the platform and its children on core 0 alone",
    )  # fmt: skip
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    warn_if_busy()
    measured = machine()  # before the run: the commit checked out then is the code the run measures
    result = asyncio.run(run(args.articles, args.concurrency, args.platform_cores))
    report(result)
    write_json(args.json, {"machine": measured, **result})


async def run(articles: int, concurrency: int, platform_cores: int = 2) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-migration-"))
    pin = pinning_possible()
    legacy_port, platform_port = free_port(), free_port()
    legacy = spawn(
        [*(["taskset", "-c", str(CLIENT_CORE)] if pin else []), sys.executable, "-m", "bench.legacy_server",
         "--port", str(legacy_port)],
        work / "legacy.log", env={**os.environ, "LEGACY_ARTICLES": str(articles)},
    )  # fmt: skip
    env = {
        **os.environ, "SITEGROUP_DATA_DIR": str(work / "var"), "PORT": str(platform_port),
        "SITEGROUP_SEED_DEMO": "false", "SITEGROUP_LOG_LEVEL": "WARNING",
        "TRANSITION_CRAWL_CONCURRENCY": str(concurrency),
    }  # fmt: skip
    cores = str(SERVER_CORE) if platform_cores == 1 else f"{SERVER_CORE},{CLIENT_CORE}"
    platform = spawn(
        [*(["taskset", "-c", cores] if pin else []), ".venv/bin/sitegroup", "serve"],
        work / "platform.log", env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{platform_port}"
        await wait_ready(legacy, f"http://127.0.0.1:{legacy_port}/robots.txt", work / "legacy.log")
        await wait_ready(platform, f"{base}/readyz", work / "platform.log", timeout=300)
        token = _operator_token(env)
        async with httpx.AsyncClient(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=60) as http:
            channel = await _open_sites(http)
            found = await _import(http, platform.pid, articles, channel, f"127.0.0.1:{legacy_port}")
            return found | {
                "pinned": pin,
                "platform_cores": platform_cores,
                "legacy_cpu_s": round(tree_cpu(legacy.pid), 1),
            }
    finally:
        await stop(platform)
        await stop(legacy)
        # The platform's data (2–5 GB a run: databases, blobs, the index) goes; its logs stay for reading.
        shutil.rmtree(work / "var", ignore_errors=True)


def _operator_token(env: dict) -> str:
    made = subprocess.run([".venv/bin/sitegroup", "dev-token"], env=env, capture_output=True, text=True, check=True)
    return made.stdout.strip()


async def _open_sites(http: httpx.AsyncClient) -> int:
    for body in SITES:
        answer = await http.post("/api/v1/content/sites", json=body)
        assert answer.status_code == 201, answer.text
    channels = {c["path"]: c["id"] for c in (await http.get("/api/v1/content/sites/feixi/channels")).json()}
    return channels["zwdt/tzgg"]


async def _import(http: httpx.AsyncClient, pid: int, articles: int, channel: int, server: str) -> dict:
    idle = await _idle_share(pid)
    body = {"source": f"http://{LEGACY}/", "resolve": {LEGACY: server}, "per_second": 10_000,
            "mapping": {"通知公告": channel}}  # fmt: skip
    for _ in range(100):  # the migration service hears of the site's channels from the content library
        created = await http.post("/api/v1/transition/sites/feixi/jobs", json=body)
        if created.status_code == 201:
            break
        await asyncio.sleep(0.1)
    job_id, began, samples = created.json()["id"], time.perf_counter(), []
    cpu_before = _cpu(pid)
    while True:
        await asyncio.sleep(1.0)
        job = (await http.get(f"/api/v1/transition/sites/feixi/jobs/{job_id}")).json()
        progress, mem, tree = job["progress"], memory(pid), _tree_memory(pid)
        cpu = {k: round(v - cpu_before[k], 2) for k, v in _cpu(pid).items()}
        samples.append(_sample(time.perf_counter() - began, progress, mem, cpu) | tree)
        console.print(f"{samples[-1]['s']:>7.1f} s  pages {progress['pages']:>7}  imported {progress['imported']:>7}"
                      f"  waiting {progress['staged']:>5}"
                      f"  RSS {mem['VmRSS']:.0f} MB (heap {mem['RssAnon']:.0f}, files {mem['RssFile']:.0f});"
                      f" with its children {tree['tree_rss_mb']:.0f} (heap {tree['tree_anon_mb']:.0f})",
                      highlight=False)  # fmt: skip
        if job["state"] in ("done", "failed", "cancelled"):
            break
    took, cpu = time.perf_counter() - began, samples[-1]["cpu_s"]
    per_document = {k: round(1000 * v / max(progress["imported"], 1), 2) for k, v in cpu.items()}
    settled = await _settled(pid, began, cpu_before, idle, http)
    settled["cpu_ms_per_document"] = round(1000 * settled["cpu_s"] / max(progress["imported"], 1), 2)
    return {"articles": articles, "state": job["state"], "seconds": round(took, 1), "progress": progress,
            "documents_per_s": round(progress["imported"] / took, 1), "cpu_ms_per_document": per_document,
            "settled": settled,
            "samples": samples}  # fmt: skip


async def _idle_share(pid: int, seconds: int = 10) -> float:
    """The share of a core the platform uses idle (its relay's and checkpointer's polls): on a slow machine it
    passed the 5 % a run waited for, and a run never fell quiet. The quietest second of the first ten (the
    sites just opened are still being handled at first), or the first under 5 %."""
    shares = []
    for _ in range(seconds):
        before = _cpu(pid)["with_children"]
        await asyncio.sleep(1.0)
        shares.append(_cpu(pid)["with_children"] - before)
        if shares[-1] < 0.05:
            break
    return min(shares)


async def _settled(pid: int, began: float, cpu_before: dict[str, float], idle: float, http: httpx.AsyncClient) -> dict:
    """When the platform fell quiet after the import (the renderer's mirror and the index's last pages done): the
    first of QUIET_SECONDS seconds in a row in which it used under 5 % of a core more than it did idle before the
    job, with nothing left for the mirror to write, and its CPU until then. (One quiet second was not enough: the
    mirror and the indexer pause between passes, and the mirror once paused for minutes with 80,000 pages unwritten.)"""
    last, streak, noted = _cpu(pid)["with_children"], [], time.perf_counter()
    while time.perf_counter() - began < 7200:
        await asyncio.sleep(1.0)
        now = _cpu(pid)["with_children"]
        cache = (await http.get("/api/v1/render/cache")).json()
        pending = cache["mirror_pending"]
        if time.perf_counter() > noted + 15:  # what the mirror has left, now and then
            noted = time.perf_counter()
            console.print(f"{time.perf_counter() - began:>7.1f} s  the mirror: {cache['mirror_files_written']:>7} "
                          f"files written, {pending:>6} changes pending")  # fmt: skip
        streak = [*streak, (time.perf_counter(), now)] if now - last < idle + 0.05 and not pending else []
        if len(streak) >= QUIET_SECONDS:
            break
        last = now
    at, cpu = streak[0] if streak else (time.perf_counter(), _cpu(pid)["with_children"])
    return {
        "s": round(at - began, 1),
        "cpu_s": round(cpu - cpu_before["with_children"], 2),
        "idle_share": round(idle, 3),
    }


def _sample(seconds: float, progress: dict, mem: dict, cpu: dict) -> dict:
    """One second's reading: the job's progress, the platform's memory (heap apart from mapped files), its CPU."""
    return {"s": round(seconds, 1), "pages": progress["pages"], "imported": progress["imported"],
            "staged": progress["staged"],
            "rss_mb": round(mem["VmRSS"], 1), "anon_mb": round(mem["RssAnon"], 1), "file_mb": round(mem["RssFile"], 1),
            "cpu_s": cpu}  # fmt: skip


def _tree_memory(pid: int) -> dict[str, float]:
    """The platform with its children (the migration's runner, the search's analysis worker): RSS and heap."""
    found = []
    for member in process_tree(pid):
        with contextlib.suppress(OSError):  # a child that ended between the listing and the reading
            found.append(memory(member))
    return {"tree_rss_mb": round(sum(m.get("VmRSS", 0) for m in found), 1),
            "tree_anon_mb": round(sum(m.get("RssAnon", 0) for m in found), 1)}  # fmt: skip


def _cpu(pid: int) -> dict[str, float]:
    """CPU seconds of the platform: its event loop's thread (every service's handlers run on it), its own process
    (every thread), its migration runner (the child that crawls), and with every child (the search's analysis)."""
    fields, loop = stat_fields(pid), Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return {"loop_thread": (int(loop[11]) + int(loop[12])) / CLK_TCK,
            "process": (int(fields[11]) + int(fields[12])) / CLK_TCK, "runner": _runner_cpu(pid),
            "with_children": tree_cpu(pid)}  # fmt: skip


def _runner_cpu(pid: int) -> float:
    """CPU seconds of the platform's migration runner process (sitegroup/runner_process.py), if it has one."""
    total = 0.0
    for member in process_tree(pid) - {pid}:
        with contextlib.suppress(OSError, IndexError, ValueError):
            if b"migration_runner" in Path(f"/proc/{member}/cmdline").read_bytes():
                fields = stat_fields(member)
                total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def report(result: dict) -> None:
    samples = result["samples"]
    cores = "one core" if result.get("platform_cores", 1) == 1 else "two cores"
    table = Table(title=f"bench.migration — {result['articles']:,} legacy articles into one site (embedded, {cores})")
    columns = ("share of the run", "documents imported", "documents/s in that share", "RSS MB", "of it heap MB",
               "heap MB with children")  # fmt: skip
    for name in columns:
        table.add_column(name, justify="right")
    last_s, last_n = 0.0, 0
    for share in (0.1, 0.25, 0.5, 0.75, 1.0):
        sample = samples[min(len(samples) - 1, max(0, round(share * len(samples)) - 1))]
        rate = (sample["imported"] - last_n) / max(sample["s"] - last_s, 0.001)
        memory_mb = (fmt(sample["rss_mb"]), fmt(sample["anon_mb"]), fmt(sample.get("tree_anon_mb", 0)))
        table.add_row(f"{share:.0%}", f"{sample['imported']:,}", fmt(rate), *memory_mb)
        last_s, last_n = sample["s"], sample["imported"]
    console.print(table)
    rss, heap = [s["rss_mb"] for s in samples], [s["anon_mb"] for s in samples]
    family = [s["tree_anon_mb"] for s in samples]
    console.print(
        f"state {result['state']}; {result['progress']['imported']:,} documents and {result['progress']['files']:,}"
        f" files in {result['seconds']} s = [bold]{result['documents_per_s']} documents/s[/]; "
        f"RSS {min(rss):.0f} → {max(rss):.0f} MB, of it heap (RssAnon) {min(heap):.0f} → {max(heap):.0f} MB; the rest"
        " is mapped files (the search index's segments, which the kernel may drop and read again); the heap of"
        f" the platform with its child processes {min(family):.0f} → {max(family):.0f} MB"
    )
    cpu = result["cpu_ms_per_document"]
    console.print(
        f"platform CPU per document: {cpu['with_children']} ms ({cpu['process']} ms in its own process, of it"
        f" {cpu.get('loop_thread', '?')} ms on the event loop's thread; {cpu.get('runner', 0)} ms in the migration"
        " runner's process, which crawls; the rest in the search's analysis worker);"
        f" the legacy site used {result['legacy_cpu_s']} CPU s in all"
    )
    settled = result["settled"]
    console.print(
        f"the platform fell quiet {settled['s']} s after the job began (its renderer and index done): "
        f"{settled['cpu_ms_per_document']} ms of CPU per document in all"
    )
    console.print(RATE.verdict(result["documents_per_s"]))


if __name__ == "__main__":
    main()
