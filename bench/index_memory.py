"""bench.index_memory — what the embedded search index costs in memory as it grows: a TantivyEngine in this
process is written batches of 200 documents (600 words each, drawn from the seed texts' own words), and after each
write the process's heap (RssAnon) and mapped files (RssFile: the index's segments, which tantivy maps) are read.

It explains the memory of a long import (bench.migration): the heap levels off, while the mapped part rises and
falls as segments are merged and the merged one is read — page cache the kernel may drop, not growth.

    .venv/bin/python -m bench.index_memory [--documents 60000] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from rich.table import Table

from bench.common import console, fmt, machine, write_json
from services.search.analysis import Analyzer
from services.search.engines.base import IndexDoc
from services.search.engines.tantivy_engine import TantivyEngine
from sitegroup.demo.corpus.assemble import articles_for_site

BATCH = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=60_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    samples = asyncio.run(run(args.documents, _words()))
    report(samples)
    write_json(args.json, {"machine": machine(), "documents": args.documents, "samples": samples})


def _words() -> list[str]:
    """The demo province's article words as the analyzer cuts them (Chinese text, as the platform indexes it)."""
    articles = articles_for_site("3401230001", "肥西", 200)
    return Analyzer().index_tokens("".join(p for a in articles for p in (a.title, *a.paragraphs)))


def _memory() -> dict[str, float]:
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            found[key] = int(value.split()[0]) / 1024
    return found


def _document(number: int, rng: random.Random, words: list[str]) -> IndexDoc:
    body, title = " ".join(rng.choices(words, k=600)), " ".join(rng.choices(words, k=10))
    at = 1_700_000_000 + number
    return IndexDoc(
        id=f"doc:{number}@feixi", key=f"doc:{number}", kind="document", site_id="feixi", site_level="county",
        primary=True, channel_path="zwdt/tzgg", channel_name="通知公告", channel="zwdt/tzgg|通知公告",
        doc_type="通知", topic="", validity="", state="live", published_ts=at, sort_key=at * 1024, year="2024",
        title=title, summary="", body=body[:3000], url=f"https://www.feixi.gov.cn/{number}.html",
        url_path=f"/{number}.html", title_t=title, keywords_t="", body_t=body, attach_t="", title_py="", py="", pyi="",
    )  # fmt: skip


async def run(documents: int, words: list[str]) -> list[dict]:
    engine, rng, samples = TantivyEngine(Path(tempfile.mkdtemp(prefix="bench-index-memory-"))), random.Random(1), []
    await engine.open()
    began = time.perf_counter()
    for batch in range(-(-documents // BATCH)):
        await engine.write([_document(batch * BATCH + i, rng, words) for i in range(BATCH)], [])
        memory = _memory()
        seconds = round(time.perf_counter() - began, 1)
        samples.append({"documents": (batch + 1) * BATCH, "s": seconds, "rss_mb": memory["VmRSS"],
                        "anon_mb": memory["RssAnon"], "file_mb": memory["RssFile"]})  # fmt: skip
    await engine.close()
    return samples


def report(samples: list[dict]) -> None:
    table = Table(title="bench.index_memory — the embedded search index's memory as it grows")
    for name in ("documents", "RSS MB", "heap (RssAnon) MB", "mapped files (RssFile) MB", "largest files MB so far"):
        table.add_column(name, justify="right")
    for share in (0.1, 0.25, 0.5, 0.75, 1.0):
        upto = samples[: max(1, round(share * len(samples)))]
        last = upto[-1]
        table.add_row(f"{last['documents']:,}", fmt(last["rss_mb"]), fmt(last["anon_mb"]), fmt(last["file_mb"]),
                      fmt(max(s["file_mb"] for s in upto)))  # fmt: skip
    console.print(table)


if __name__ == "__main__":
    main()
