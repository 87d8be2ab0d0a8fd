"""The demo province's documents exactly as the demo seeds them, for the search relevance collection.

``documents()`` seeds a throwaway consolidated platform in a temporary directory (``sitegroup.demo.seed
.seed_province`` through the content service's own use cases, as ``sitegroup serve`` does on first start), then
reads every live document back through the content API in-process (the staff list of each site's live
documents, then each one's public snapshot), and returns one record per document::

    {"site_id", "title", "body_text", "url_path", "kind", "channel_path", "published", "summary",
     "keywords", "subject_words", "document_number", "source", "id"}

``body_text`` is the body with its HTML stripped (one line per paragraph); ``published`` the 发布日期 in China
time (ISO date); ``kind`` the demo kind: news, work, notice, policy, interpretation (the articles of
``sitegroup.demo.corpus``) or guide, leaders, report (the 政府信息公开 column's fixed pages of
``sitegroup.demo.disclosure``). Documents the province pushes into other sites' channels are listed once, under
the site that owns them.

The dump is cached as JSON under ``var/bench-search/`` keyed by a hash of the seed inputs (the demo package's
sources and seed texts, and the current year: titles of 年度报告 and the year of 文号 depend on it), so later
runs are instant (seeding and reading back takes about 15 s). Publication dates are backdated from the day of the
dump (``seeded_on`` in the cache), and so are the figures in each 年度报告's body (what the site published last
year); no query's judgements depend on those figures.

The stable key of a document for judgements is ``(site_id, title)``, written ``"site_id|title"`` (``key``):
titles are unique per site and the same in every seeding of the same year (``--check`` seeds twice and
verifies both). The one year-bound title is each site's ``…<last year>年政府信息公开工作年度报告``.

    .venv/bin/python -m bench.search.corpus [--refresh] [--check]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "sitegroup" / "demo"
CACHE_DIR = ROOT / "var" / "bench-search"
FORMAT = 1  # bump when the record's fields change
API = "/api/v1/content"
PORT = 8799

Doc = dict[str, Any]


def key(doc: Doc) -> str:
    """The document's stable key in judgements and run files: ``site_id|title``."""
    return f"{doc['site_id']}|{doc['title']}"


def seed_hash() -> str:
    """A hash of everything the seeded documents depend on: the demo package (code and seed texts) and the year."""
    from shared.clock import china_time

    digest = hashlib.sha256(f"format {FORMAT}; year {china_time(datetime.now(UTC)).year}".encode())
    for path in sorted(DEMO.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".txt") and not path.name.startswith("test_"):
            digest.update(str(path.relative_to(DEMO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_path() -> Path:
    return CACHE_DIR / f"corpus-{seed_hash()}.json"


def documents(*, refresh: bool = False) -> list[Doc]:
    """The demo documents, from the cache when the seed inputs are unchanged, else seeded afresh (and cached)."""
    path = cache_path()
    if path.is_file() and not refresh:
        return json.loads(path.read_text(encoding="utf-8"))["documents"]
    docs = asyncio.run(seed_and_read())
    path.parent.mkdir(parents=True, exist_ok=True)
    dump = {"seed_hash": seed_hash(), "seeded_on": datetime.now(UTC).date().isoformat(), "documents": docs}
    path.write_text(json.dumps(dump, ensure_ascii=False, indent=1), encoding="utf-8")
    return docs


def _kinds_by_channel() -> dict[str, str]:
    from sitegroup.demo import disclosure
    from sitegroup.demo.province import CHANNEL_FOR_KIND

    return {
        **{path: kind for kind, path in CHANNEL_FOR_KIND.items()},
        disclosure.GUIDE_CHANNEL: "guide",
        disclosure.LEADERS_CHANNEL: "leaders",
        disclosure.REPORT_CHANNEL: "report",
    }


async def seed_and_read() -> list[Doc]:
    """Seed the demo province into a fresh platform in a temporary directory and read its documents back."""
    from shared.auth import Grant
    from sitegroup.consolidated import UNLIMITED, ConsolidatedApp, migrate_all
    from sitegroup.demo.province import PROVINCE
    from sitegroup.demo.seed import seed_province
    from sitegroup.settings import PlatformSettings

    with tempfile.TemporaryDirectory(prefix="sg-search-corpus-") as tmp:
        settings = PlatformSettings(data_dir=Path(tmp) / "var", seed_demo=False, port=PORT, log_level="WARNING")
        await migrate_all(settings)
        app = ConsolidatedApp(settings, gateway=UNLIMITED)  # no rate limits: one reader, ~650 calls
        async with app.lifespan():
            await seed_province(app.content.deps)
            token = app.signer.mint("bench-search", [Grant(site="*", role="platform_operator")], name="bench")
            transport = httpx.ASGITransport(app)
            async with httpx.AsyncClient(
                transport=transport, base_url=settings.base_url, headers={"authorization": f"Bearer {token}"}
            ) as http:
                docs = [doc for site in PROVINCE for doc in await _read_site(http, site.id)]
            await app.settle(timeout=300)  # let the render service finish with the seed's events before closing
    return docs


async def _read_site(http: httpx.AsyncClient, site_id: str) -> list[Doc]:
    kinds = _kinds_by_channel()
    ids: list[int] = []
    page = 1
    while True:
        listing = await http.get(
            f"{API}/sites/{site_id}/documents", params={"public_state": "live", "size": 100, "page": page}
        )
        listing.raise_for_status()
        body = listing.json()
        ids += [item["id"] for item in body["items"]]
        if len(ids) >= body["total"] or not body["items"]:
            break
        page += 1
    docs = []
    for doc_id in sorted(ids):
        response = await http.get(f"{API}/public/sites/{site_id}/documents/{doc_id}")
        response.raise_for_status()
        public = response.json()
        snap = public["document"]
        primary = next(p for p in public["placements"] if p["kind"] == "primary")
        disclosure = snap.get("disclosure") or {}
        docs.append(
            {
                "site_id": site_id,
                "title": snap["title"],
                "body_text": html_text(snap["body_html"]),
                "url_path": snap["url_path"],
                "kind": kinds.get(primary["channel_path"], "other"),
                "channel_path": primary["channel_path"],
                "published": _china_date(snap["published_at"]),
                "summary": snap.get("summary"),
                "keywords": snap.get("keywords") or [],
                "subject_words": disclosure.get("subject_words") or [],
                "document_number": disclosure.get("document_number"),
                "source": snap.get("source"),
                "id": snap["id"],
            }
        )
    return docs


def _china_date(stamp: str) -> str:
    from shared.clock import china_time

    return china_time(datetime.fromisoformat(stamp)).date().isoformat()


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    """The text of an HTML body, one line per block (paragraph), entities decoded."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def check(docs: list[Doc], again: list[Doc]) -> list[str]:
    """What is wrong with ``(site_id, title)`` as the key: titles repeated in a site, titles that differ between
    two seedings."""
    problems = [f"{k} appears {n} times" for k, n in Counter(key(d) for d in docs).items() if n > 1]
    first, second = sorted(key(d) for d in docs), sorted(key(d) for d in again)
    if first != second:
        problems.append(f"the two seedings differ in {len(set(first) ^ set(second))} titles")
    bodies = {key(d): d["body_text"] for d in docs}
    changed = [key(d) for d in again if bodies.get(key(d)) != d["body_text"]]
    if changed:
        problems.append(f"{len(changed)} bodies differ between the seedings, e.g. {changed[:3]}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh", action="store_true", help="seed afresh even if the cache is current")
    parser.add_argument("--check", action="store_true", help="seed a second time and compare keys and bodies")
    args = parser.parse_args()
    from bench.common import quiet_logs

    quiet_logs()
    started = time.perf_counter()
    docs = documents(refresh=args.refresh)
    print(f"{len(docs)} documents in {time.perf_counter() - started:.1f} s → {cache_path().relative_to(ROOT)}")
    for (site, kind), n in sorted(Counter((d["site_id"], d["kind"]) for d in docs).items()):
        print(f"  {site:<12} {kind:<15} {n}")
    if args.check:
        started = time.perf_counter()
        again = asyncio.run(seed_and_read())
        print(f"second seeding: {len(again)} documents in {time.perf_counter() - started:.1f} s")
        problems = check(docs, again)
        print("\n".join(problems) or "(site_id, title) is unique and stable across two seedings; bodies identical")


if __name__ == "__main__":
    main()
