"""`run`: anchor-bench with the sg_* rows of bench/anchor_rows.py on a freshly prepared directory, its
results.json read back into one table next to the anchor rows, with targets and page sizes."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from bench.common import console, fmt, machine, warn_if_busy, write_json
from bench.pages import KIT, MODE, ROWS_FILE, TARGETS, WORK
from bench.pages.seeding import prepare


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
    """Whether a row with targets met both its rate and its p99 ("–" for the anchor's own rows)."""
    targets = TARGETS.get(rec["name"])
    if targets is None or "median" not in rec:
        return Text("–" if targets is None else "✗ no result", style="" if targets is None else "bold red")
    rate, p99 = targets
    ok = rate.met(rec["median"]["rps"]) and p99.met(rec["median"]["p99_ms"])
    return Text("✓ met" if ok else "✗ missed", style="green" if ok else "bold red")


def target_label(name: str) -> str:
    """The row's targets as the table's target column shows them."""
    targets = TARGETS.get(name)
    return f"{targets[0].label()}, p99 < {targets[1].value:g} ms" if targets else ""


def results_table(recs: list[dict[str, Any]]) -> Table:
    """Our rows and the anchor rows in one table, each from its median run."""
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
    sizes = {k: info.get(k) for k in ("article", "article_bytes", "article_30k_bytes", "list_bytes", "home_bytes")}
    return sizes | {"anchor_bytes": anchor.stat().st_size if anchor.exists() else None}


def print_sizes(sizes: dict[str, Any]) -> None:
    """The page sizes, so req/s are read against bytes served."""
    console.print(
        f"page sizes: our article {fmt(sizes['article_bytes'], 0)} B ({sizes['article']}; 3,000 Han characters "
        f"of body, as the anchor page), its 7,500-character variant {fmt(sizes['article_30k_bytes'], 0)} B, "
        f"our channel list {fmt(sizes['list_bytes'], 0)} B, our home page {fmt(sizes.get('home_bytes'), 0)} B; "
        f"anchor article.html {fmt(sizes['anchor_bytes'], 0)} B"
    )


def cmd_run(args: argparse.Namespace) -> int:
    """Prepare and run the rows (unless --report-only), then the table, legend, sizes and JSON."""
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
