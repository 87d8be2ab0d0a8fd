"""bench.pages — the platform's pages through the gateway next to anchor-bench's rows, and publish→visible.

    .venv/bin/python -m bench.pages [run] [--rows ROW …] [--data DIR] [--report-only] [--json PATH]
    .venv/bin/python -m bench.pages visible [--count 200] [--pause 0.5] [--limit 10] [--port 8011] [--json PATH]
    .venv/bin/python -m bench.pages prepare --data DIR
    .venv/bin/python -m bench.pages serve --data DIR --port P [--uncached] [--mirror]

`prepare` opens the site www.example.gov.cn and publishes in 通知公告 (zwdt/tzgg), through the review
workflow, 38 demo documents, a 7,500-character article and the page under test (the anchor page's title and
3,000 Han characters of body): 40 documents, two list pages; it writes DIR/pages.json. `serve` runs the
consolidated app on DIR with uvicorn (1 worker, httptools, stdlib asyncio loop). `run` prepares a fresh directory, runs
anchor-bench with the sg_* rows of bench/anchor_rows.py and prints its results as one table. `visible` times,
over HTTP against `serve` on core 0, how soon a published document's article and list pages show it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table
from rich.text import Text

from bench.common import ROOT, Target, console, fmt, machine, quiet_logs, summary_ms, warn_if_busy, write_json
from bench.processes import CLIENT_CORE, SERVER_CORE, pin_this_process, taskset

HOST = "www.example.gov.cn"
SITE = "example"
SITE_CODE = "3300000001"
CHANNEL = "zwdt/tzgg"
LIST_PATH = f"/{CHANNEL}/"
API = "/api/v1/content"
STEPS = ("初审", "审核", "审发")
LIST_DOCS = 38  # + the two articles = 40 documents: two list pages of 20
CORPUS_DOCS = 240  # one deterministic corpus: the first 38 are listed by prepare, the rest go to visible
BODY_HAN = 3000  # the anchor page's body
BODY_HAN_30K = 7500  # a longer body making our article page about the anchor page's size
PY = ROOT / ".venv" / "bin" / "python"
ROWS_FILE = ROOT / "bench" / "anchor_rows.py"
KIT = Path(os.environ.get("ANCHOR_KIT") or ROOT.parent / "shared" / "anchor-bench")
SEEDS = Path(os.environ.get("ANCHOR_SEEDS") or ROOT.parent / "shared" / "seeds")
WORK = Path(os.environ.get("ANCHOR_WORK") or Path(tempfile.gettempdir()) / "anchor-bench")
MODE = "pinned" if os.environ.get("UNPINNED", "0") in ("", "0") else "unpinned"
DEFAULT_ROWS = (
    "sg_cached_article",
    "sg_cached_article_30k",
    "sg_uncached_article",
    "sg_channel_list",
    "sg_uncached_list",
    "raw1",
    "star1",
    "fapi1",
    "wt_sync_c0",
    "wt_sync_c1",
    "nginx",
)
CACHED = (Target(6000, True, "req/s"), Target(10, False, "ms p99"))
UNCACHED = (Target(500, True, "req/s"), Target(50, False, "ms p99"))
TARGETS = {
    "sg_cached_article": CACHED,
    "sg_cached_article_30k": CACHED,
    "sg_channel_list": CACHED,
    "sg_uncached_article": UNCACHED,
    "sg_uncached_list": UNCACHED,
}
VISIBLE_TARGET = Target(1000, False, "ms p99")
VISIBLE_ROWS = (("answered", "审发 approve answered"), ("article", "article page 200"), ("listed", "list shows title"))
SITES = (
    {
        "id": "zj",
        "name": "浙江省人民政府",
        "host_unit": "浙江省人民政府办公厅",
        "site_code": "3300000000",
        "org_code": "002482410",
        "level": "province",
        "main_domain": "www.zj.gov.cn",
        "status": "online",
    },
    {
        "id": SITE,
        "name": "某某市人民政府",
        "abbreviation": "某某市",
        "host_unit": "某某市人民政府办公室",
        "site_code": SITE_CODE,
        "org_code": "002500000",
        "level": "city",
        "parent_id": "zj",
        "main_domain": HOST,
        "status": "online",
        "icp_number": "浙ICP备00000000号-1",
        "police_number": "浙公网安备 33000002000001号",
        "contact_phone": "0571-00000000",
    },
)


# the page under test ------------------------------------------------------------------------------
def seed_article(limit: int = BODY_HAN) -> tuple[str, list[str]]:
    """The anchor page's title and paragraphs: the first `limit` Han characters, cut as build_page.py does."""
    text = "".join(p.read_text(encoding="utf-8") + "\n" for p in sorted(SEEDS.glob("*.txt")))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    han = re.compile(r"[\u4e00-\u9fff]")
    paragraphs: list[str] = []
    count = 0
    for line in lines[2:]:
        n = len(han.findall(line))
        if count >= limit:
            break
        if n and count + n > limit:
            line, n = _cut(line, limit - count, han), limit - count
        if n:
            paragraphs.append(line)
            count += n
    return lines[0], paragraphs


def _cut(line: str, keep: int, han: re.Pattern[str]) -> str:
    """The line up to (not including) its (keep + 1)-th Han character, then a full stop."""
    seen = 0
    for i, ch in enumerate(line):
        if han.match(ch):
            if seen == keep:
                return line[:i] + "。"
            seen += 1
    return line + "。"


def article_body(channel_id: int, limit: int = BODY_HAN, suffix: str = "") -> dict[str, Any]:
    """The POST /documents body of the page under test, with the metadata the anchor page shows."""
    title, paragraphs = seed_article(limit)
    return {
        "channel_id": channel_id,
        "title": title + suffix,
        "body_html": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        "summary": paragraphs[0][:120],
        "source": "某某市人民政府办公室",
        "keywords": ["政府网站", "信息公开", "政务服务"],
        "document_number": "某政办〔2024〕12号",
        "issuing_body": "某某市人民政府办公室",
        "topic_category": "综合政务",
        "subject_words": ["政府网站", "政务公开"],
        "submit": True,
    }


def demo_bodies(channel_id: int, start: int, count: int) -> list[dict[str, Any]]:
    """Documents start … start+count of the site's demo corpus (seed texts), all placed in 通知公告."""
    from bench.common import document_body
    from sitegroup.demo.corpus import articles_for_site
    from sitegroup.demo.province import CHANNEL_FOR_KIND

    articles = articles_for_site(SITE_CODE, "某某市", CORPUS_DOCS)[start : start + count]
    channels = dict.fromkeys(CHANNEL_FOR_KIND.values(), channel_id)
    return [document_body(a, channels) for a in articles]


# the workflow over HTTP (in-process or real) ------------------------------------------------------
class Staff:
    """Bearer headers of the platform operator, the site's editor and its three reviewers."""

    def __init__(self, signer) -> None:
        self.operator = _bearer(signer, "operator", "*", "platform_operator")
        self.editor = _bearer(signer, "editor", SITE, "editor")
        self.reviewers = {step: _bearer(signer, f"reviewer-{step}", SITE, f"reviewer:{step}") for step in STEPS}


def _bearer(signer, subject: str, site: str, role: str) -> dict[str, str]:
    from shared.auth import Grant

    token = signer.mint(subject, [Grant(site=site, role=role)], name=subject, lifetime=4 * 3600)
    return {"authorization": f"Bearer {token}"}


def _expect(response: httpx.Response, status: int) -> dict[str, Any]:
    if response.status_code != status:
        request = response.request
        raise RuntimeError(f"{request.method} {request.url.path}: {response.status_code} {response.text}")
    return response.json()


async def open_sites(http: httpx.AsyncClient, staff: Staff) -> dict[str, int]:
    """Open the province and www.example.gov.cn; the site's channel ids by path."""
    for body in SITES:
        _expect(await http.post(f"{API}/sites", json=body, headers=staff.operator), 201)
    channels = _expect(await http.get(f"{API}/sites/{SITE}/channels"), 200)
    return {c["path"]: c["id"] for c in channels}


async def submit(http: httpx.AsyncClient, staff: Staff, body: dict[str, Any]) -> int:
    """Create and submit a document; its id."""
    return _expect(await http.post(f"{API}/sites/{SITE}/documents", json=body, headers=staff.editor), 201)["id"]


async def approve(http: httpx.AsyncClient, staff: Staff, doc_id: int, step: str) -> dict[str, Any]:
    url = f"{API}/sites/{SITE}/documents/{doc_id}/approve"
    return _expect(await http.post(url, headers=staff.reviewers[step]), 200)


async def publish(http: httpx.AsyncClient, staff: Staff, body: dict[str, Any]) -> dict[str, Any]:
    """Create + submit, then approve at every step; the final approve's document (with url_path)."""
    doc_id = await submit(http, staff, body)
    for step in STEPS:
        doc = await approve(http, staff, doc_id, step)
    return doc


# prepare / serve ----------------------------------------------------------------------------------
def platform_settings(data: Path, port: int = 8000):
    from sitegroup.settings import PlatformSettings

    return PlatformSettings(data_dir=data, seed_demo=False, port=port, log_level="WARNING")


def build_app(settings):
    from gateway.config import GatewaySettings
    from sitegroup.consolidated import ConsolidatedApp

    gateway = GatewaySettings(page_rate_per_ip=0, rate_per_ip=0, access_log=False)
    return ConsolidatedApp(settings, gateway=gateway)


@contextlib.asynccontextmanager
async def in_process(data: Path) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The consolidated app on `data`, lifespan started, and an in-process client to it."""
    from sitegroup.consolidated import migrate_all

    settings = platform_settings(data)
    await migrate_all(settings)
    app = build_app(settings)
    async with app.lifespan():
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            yield app, http


async def prepare(data: Path) -> dict[str, Any]:
    """Seed www.example.gov.cn on a fresh data directory; what `serve` and the rows need (pages.json)."""
    if data.exists():
        if not (data / "pages.json").exists() and any(data.iterdir()):
            raise SystemExit(f"{data} is not empty and was not made by bench.pages prepare")
        shutil.rmtree(data)
    os.environ.setdefault("RENDER_MIRROR_ENABLED", "false")
    async with in_process(data) as (app, http):
        staff = Staff(app.signer)
        channel_id = (await open_sites(http, staff))[CHANNEL]
        for body in demo_bodies(channel_id, 0, LIST_DOCS):
            await publish(http, staff, body)
        long = await publish(http, staff, article_body(channel_id, BODY_HAN_30K, "（全文）"))
        doc = await publish(http, staff, article_body(channel_id))
        await app.settle(timeout=60)
        paths = {"article": doc["url_path"], "article_30k": long["url_path"], "list": LIST_PATH}
        info = paths | {f"{k}_bytes": await _page_bytes(http, path) for k, path in paths.items()}
    info |= {"title": doc["title"], "documents": LIST_DOCS + 2}
    (data / "pages.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info


async def _page_bytes(http: httpx.AsyncClient, path: str) -> int:
    response = await http.get(path, headers={"host": HOST})
    if response.status_code != 200:
        raise RuntimeError(f"{path} answers {response.status_code}")
    return len(response.content)


def serve(data: Path, port: int, *, uncached: bool, mirror: bool) -> None:
    """The consolidated app on a prepared directory, as the rows run it."""
    import uvicorn

    from shared.web import UVICORN_OPTIONS, FreezeAfterStartup
    from sitegroup.consolidated import migrate_all

    os.environ["RENDER_CACHE_ENABLED"] = "false" if uncached else "true"
    os.environ["RENDER_MIRROR_ENABLED"] = "true" if mirror else "false"
    quiet_logs()
    settings = platform_settings(data, port)
    asyncio.run(migrate_all(settings))
    uvicorn.run(
        FreezeAfterStartup(build_app(settings)),  # as `sitegroup serve` runs it
        host="127.0.0.1",
        port=port,
        workers=1,
        log_level="warning",
        access_log=False,
        **UVICORN_OPTIONS,
    )


# run: anchor-bench with our rows, one table -------------------------------------------------------
def run_anchor(rows: list[str], data: Path) -> int:
    """`run.sh bench ROWS` with ANCHOR_ROWS=bench/anchor_rows.py; its output goes to ours."""
    env = {**os.environ, "ANCHOR_ROWS": str(ROWS_FILE), "SG_PAGES_DATA": str(data), "ANCHOR_WORK": str(WORK)}
    command = [str(KIT / "run.sh"), "bench", *rows]
    console.print(f"[bold]ANCHOR_ROWS={ROWS_FILE} {' '.join(command)}[/]")
    sys.stdout.flush()
    return subprocess.run(command, cwd=KIT, env=env, check=False).returncode


def load_results(rows: list[str]) -> list[dict[str, Any]]:
    """This mode's records of `rows` from anchor-bench's results.json (a missing row is an error record)."""
    path = WORK / "results" / "results.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    missing = {"system": "", "config": "", "error": f"not in {path}"}
    return [results.get(f"{MODE}:{name}", {"name": name, **missing}) for name in rows]


def verdict(rec: dict[str, Any]) -> Text:
    targets = TARGETS.get(rec["name"])
    if targets is None or "median" not in rec:
        return Text("–" if targets is None else "✗ no result", style="" if targets is None else "bold red")
    rate, p99 = targets
    ok = rate.met(rec["median"]["rps"]) and p99.met(rec["median"]["p99_ms"])
    return Text("✓ met" if ok else "✗ missed", style="green" if ok else "bold red")


def target_label(name: str) -> str:
    targets = TARGETS.get(name)
    return f"{targets[0].label()}, p99 < {targets[1].value:g} ms" if targets else ""


def results_table(recs: list[dict[str, Any]]) -> Table:
    title = f"Pages through the gateway next to the anchor rows ({MODE}; req/s = median run)"
    table = Table(title=title)
    table.add_column("row")
    for name in ("req/s", "p50 ms", "p99 ms", "server CPU", "runs min–max", "kit ref", "bytes"):
        table.add_column(name, justify="right")
    table.add_column("target")
    table.add_column("")
    for rec in recs:
        table.add_row(*_cells(rec), target_label(rec["name"]), verdict(rec))
    return table


def _cells(rec: dict[str, Any]) -> list[str]:
    if "median" not in rec:
        return [rec["name"], "ERROR", "", "", "", "", "", ""]
    m = rec["median"]
    runs = f"{fmt(min(rec['rps_all']), 0)}–{fmt(max(rec['rps_all']), 0)}"
    figures = [fmt(m["rps"], 0), fmt(m["p50_ms"], 2), fmt(m["p99_ms"], 2), f"{m['server_cpu_pct']:.0f} %"]
    return [rec["name"], *figures, runs, fmt(rec.get("ref_rps"), 0), fmt(rec["bytes"], 0)]


def print_legend(recs: list[dict[str, Any]]) -> None:
    """What each row is (system | config), and why a row has no result."""
    for rec in recs:
        error = f"  [bold red]{rec['error']}[/]" if "error" in rec else ""
        console.print(f"  {rec['name']}: {rec['system']} | {rec['config']}{error}", highlight=False)


def page_sizes(data: Path) -> dict[str, Any]:
    """Our article and list pages against the anchor page ($ANCHOR_WORK/site/article.html)."""
    info_path = data / "pages.json"
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
    anchor = WORK / "site" / "article.html"
    sizes = {k: info.get(k) for k in ("article", "article_bytes", "article_30k_bytes", "list_bytes")}
    return sizes | {"anchor_bytes": anchor.stat().st_size if anchor.exists() else None}


def print_sizes(sizes: dict[str, Any]) -> None:
    console.print(
        f"page sizes: our article {fmt(sizes['article_bytes'], 0)} B ({sizes['article']}; 3,000 Han characters "
        f"of body, as the anchor page), its 7,500-character variant {fmt(sizes['article_30k_bytes'], 0)} B, "
        f"our channel list {fmt(sizes['list_bytes'], 0)} B; anchor article.html {fmt(sizes['anchor_bytes'], 0)} B"
    )


def cmd_run(args: argparse.Namespace) -> int:
    data = args.data or WORK / "sitegroup-pages"
    code = 0
    if not args.report_only:
        warn_if_busy()
        info = asyncio.run(prepare(data))
        console.print(f"prepared {data}: article {info['article']} ({fmt(info['article_bytes'], 0)} B)")
        code = run_anchor(args.rows, data)
    recs = load_results(args.rows)
    console.print(results_table(recs))
    print_legend(recs)
    sizes = page_sizes(data)
    print_sizes(sizes)
    payload = {"bench": "pages", "machine": machine(), "mode": MODE, "rows": args.rows, "sizes": sizes}
    payload["results"] = [{k: v for k, v in r.items() if k != "runs"} | {"runs": _runs(r)} for r in recs]
    write_json(args.json, payload)
    return code or int(any("median" not in r for r in recs))


def _runs(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each wrk run's figures without wrk's raw output."""
    return [{k: v for k, v in run.items() if k != "raw"} for run in rec.get("runs", [])]


# visible: publish → page answers ------------------------------------------------------------------
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
        channels = _expect(await http.get(f"{API}/sites/{SITE}/channels"), 200)
    return next(c["id"] for c in channels if c["path"] == CHANNEL)


@contextlib.contextmanager
def server_process(data: Path, port: int, log: Path):
    """`taskset -c 0 … bench.pages serve --mirror` on `data` (cache and mirror on, as deployed), stopped by PID."""
    command = [*taskset(True), str(PY), "-m", "bench.pages", "serve", "--data", str(data)]
    command += ["--port", str(port), "--mirror"]
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_up(proc, port)
        yield proc
    finally:
        _stop(proc)


def _wait_up(proc: subprocess.Popen, port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}{LIST_PATH}", headers={"host": HOST}).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {seconds:.0f} s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def visible_table(samples: list[Sample]) -> tuple[Table, dict[str, Any]]:
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
    warn_if_busy()
    with tempfile.TemporaryDirectory(prefix="sgbench-visible-") as tmp:
        data = Path(tmp) / "data"
        info = asyncio.run(prepare(data))
        console.print(f"prepared {data}: {info['documents']} documents in {CHANNEL}; server on core {SERVER_CORE}")
        with server_process(data, args.port, Path(tmp) / "server.log"):
            pin_this_process(CLIENT_CORE)
            import uvloop

            samples = uvloop.run(measure_visible(args.port, data, args.count, args.pause, args.limit))
    table, figures = visible_table(samples)
    console.print(table)
    polls = sum(s.polls for s in samples)
    console.print(f"[dim]{polls:,} polling GETs; {args.pause:g} s pause between documents[/]")
    payload = {"bench": "pages-visible", "machine": machine(), "args": vars(args)}
    write_json(args.json, payload | {"figures": figures, "samples": [asdict(s) for s in samples]})
    return 0


# command line -------------------------------------------------------------------------------------
def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="anchor-bench with the sg_* rows; one table")
    run.add_argument("--rows", nargs="+", default=list(DEFAULT_ROWS))
    run.add_argument("--data", type=Path, help="data directory (default $ANCHOR_WORK/sitegroup-pages)")
    run.add_argument("--report-only", action="store_true", help="print the last results.json, run nothing")
    run.add_argument("--json", type=Path)
    prep = sub.add_parser("prepare", help="seed a fresh data directory")
    prep.add_argument("--data", type=Path, required=True)
    srv = sub.add_parser("serve", help="serve a prepared data directory")
    srv.add_argument("--data", type=Path, required=True)
    srv.add_argument("--port", type=int, required=True)
    srv.add_argument("--uncached", action="store_true", help="RENDER_CACHE_ENABLED=false")
    srv.add_argument("--mirror", action="store_true", help="write the static mirror (off by default)")
    vis = sub.add_parser("visible", help="publish → visible latency over HTTP")
    vis.add_argument("--count", type=int, default=200, choices=range(1, CORPUS_DOCS - LIST_DOCS + 1), metavar="N")
    vis.add_argument("--pause", type=float, default=0.5, help="seconds between documents")
    vis.add_argument("--limit", type=float, default=10.0, help="seconds to wait for a page")
    vis.add_argument("--port", type=int, default=8011)
    vis.add_argument("--json", type=Path)
    bare = not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))
    return parser.parse_args(["run", *argv] if bare else argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "prepare":
        quiet_logs()
        print(asyncio.run(prepare(args.data))["article"])
        return 0
    if args.command == "serve":
        serve(args.data, args.port, uncached=args.uncached, mirror=args.mirror)
        return 0
    quiet_logs()
    return cmd_visible(args) if args.command == "visible" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
