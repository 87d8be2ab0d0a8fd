"""A document entry → the index documents of its placements (one per site it appears on)."""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import nh3

from services.search.analysis import Analyzer
from services.search.engines.base import IndexDoc
from shared.events.content import PublicState
from shared.events.searchable import KIND_LABELS

BODY_KEPT = 20_000  # characters of the body kept for snippets (the whole body is indexed)
# Taken off line but still a page (a notice stands in for it): kept and flagged where the site wants it.
FLAGGABLE = {PublicState.WITHDRAWN.value, PublicState.EXPIRED.value}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class IndexJob:
    """What the index documents of one entry are built from (plain data: it may go to a worker process)."""

    kind: str  # document, or another service's kind (letter, dataset)
    key: str
    state: str
    snapshot: dict[str, Any]
    keep_withdrawn: bool
    views: int


def index_docs_for(
    job: IndexJob, *, levels: dict[str, str], texts: dict[str, str], analyzer: Analyzer
) -> list[IndexDoc]:
    """The entry's index documents; none when it must leave the index."""
    if job.kind == "document":
        return document_index_docs(
            job.key,
            job.state,
            job.snapshot,
            levels=levels,
            texts=texts,
            analyzer=analyzer,
            keep_withdrawn=job.keep_withdrawn,
            views=job.views,
        )
    return searchable_index_docs(job.key, job.state, job.snapshot, levels=levels, analyzer=analyzer, views=job.views)


def doc_type(document: dict[str, Any]) -> str:
    """Policy, interpretation, disclosure or article: the kinds a searcher narrows to."""
    disclosure = document.get("disclosure") or {}
    if document.get("interprets"):
        return "interpretation"
    if disclosure.get("document_number"):
        return "policy"
    return "disclosure" if disclosure else "article"


def plain_text(body_html: str) -> str:
    return _SPACES.sub(" ", html.unescape(nh3.clean(body_html, tags=set()))).strip()


def document_index_docs(
    key: str,
    state: str,
    snapshot: dict[str, Any],
    *,
    levels: dict[str, str],
    keep_withdrawn: bool,
    texts: dict[str, str],
    analyzer: Analyzer,
    views: int = 0,
) -> list[IndexDoc]:
    """What to index for a document in this state; nothing when it must leave the index."""
    if state != PublicState.LIVE.value and not (state in FLAGGABLE and keep_withdrawn):
        return []
    document = snapshot["document"]
    body = plain_text(document["body_html"])
    attachments = " ".join(texts.get(a["blob_key"], "") for a in document.get("attachments", []))
    title_tokens = analyzer.index_tokens(document["title"])
    keyword_tokens = analyzer.index_tokens(" ".join(document.get("keywords") or []))
    body_tokens = analyzer.index_tokens(
        " ".join(filter(None, [document.get("subtitle"), document.get("summary"), body]))
    )
    spelled = pinyin_fields(analyzer, document["title"], body, title_tokens, [*keyword_tokens, *body_tokens])
    published = datetime.fromisoformat(document["published_at"])
    disclosure = document.get("disclosure") or {}
    common = {
        "key": key,
        "kind": "document",
        "doc_type": doc_type(document),
        "topic": disclosure.get("topic_category") or "",
        "validity": disclosure.get("validity") or "",
        "state": "live" if state == PublicState.LIVE.value else "withdrawn",
        "published_ts": int(published.timestamp()),
        "year": str(published.year),
        "title": document["title"],
        "summary": (document.get("summary") or body[:160]),
        "body": body[:BODY_KEPT],
        "title_t": " ".join(title_tokens),
        "keywords_t": " ".join(keyword_tokens),
        "body_t": " ".join(body_tokens),
        "attach_t": analyzer.index_text(attachments) if attachments.strip() else "",
        "popularity": float(views),
        **spelled,
    }
    return [_placement_doc(common, placement, document["site_id"], levels) for placement in snapshot["placements"]]


def pinyin_fields(
    analyzer: Analyzer, title: str, body: str, title_tokens: list[str], other_tokens: list[str]
) -> dict[str, str]:
    """The pinyin fields: the title's words and word pairs (full and initials), every word's full pinyin and
    initials, and the body's word pairs in full (外语网站 found by waiyuwangzhan even if no dictionary has it)."""
    title_full, title_initials = analyzer.pinyin_tokens(title_tokens)
    pairs_full, pairs_initials = analyzer.pair_pinyin(title)
    full, initials = analyzer.pinyin_tokens([*title_tokens, *other_tokens])
    full += analyzer.pair_pinyin(body)[0]
    return {
        "title_py": " ".join([*title_full, *pairs_full, *title_initials, *pairs_initials]),
        "py": " ".join(full),
        "pyi": " ".join(initials),
    }


def _placement_doc(common: dict[str, Any], placement: dict[str, Any], owner: str, levels: dict[str, str]) -> IndexDoc:
    site_id = placement["site_id"]
    doc_id = f"{common['key']}@{site_id}"
    return IndexDoc(
        id=doc_id,
        site_id=site_id,
        site_level=levels.get(site_id, ""),
        primary=site_id == owner,
        channel_path=placement["channel_path"],
        channel_name=placement["channel_name"],
        channel=f"{placement['channel_path']}|{placement['channel_name']}",
        url=f"https://{placement['site_main_domain']}{placement['url_path']}",
        url_path=placement["url_path"],
        sort_key=common["published_ts"] * 1024 + (zlib.crc32(doc_id.encode()) & 1023),
        **common,
    )


def searchable_index_docs(
    key: str, state: str, snapshot: dict[str, Any], *, levels: dict[str, str], analyzer: Analyzer, views: int = 0
) -> list[IndexDoc]:
    """Another service's public thing (shared.events.searchable): one placement, on its own site."""
    if state != PublicState.LIVE.value:
        return []
    entry = snapshot["entry"]
    title_tokens = analyzer.index_tokens(entry["title"])
    body_tokens = analyzer.index_tokens(" ".join(filter(None, [entry.get("summary"), entry["text"]])))
    keyword_tokens = analyzer.index_tokens(" ".join(entry.get("keywords") or []))
    spelled = pinyin_fields(analyzer, entry["title"], entry["text"], title_tokens, [*keyword_tokens, *body_tokens])
    published = datetime.fromisoformat(entry["published_at"])
    doc_id = f"{key}@{entry['site_id']}"
    return [
        IndexDoc(
            id=doc_id,
            key=key,
            kind=entry["kind"],
            site_id=entry["site_id"],
            site_level=levels.get(entry["site_id"], ""),
            primary=True,
            channel_path=entry["kind"],
            channel_name=KIND_LABELS.get(entry["kind"], entry["kind"]),
            channel=f"{entry['kind']}|{KIND_LABELS.get(entry['kind'], entry['kind'])}",
            doc_type=entry["kind"],
            topic=entry.get("category") or "",
            validity="",
            state="live",
            published_ts=int(published.timestamp()),
            sort_key=int(published.timestamp()) * 1024 + (zlib.crc32(doc_id.encode()) & 1023),
            year=str(published.year),
            title=entry["title"],
            summary=entry.get("summary") or entry["text"][:160],
            body=entry["text"][:BODY_KEPT],
            url=f"https://{entry['site_main_domain']}{entry['url_path']}",
            url_path=entry["url_path"],
            title_t=" ".join(title_tokens),
            keywords_t=" ".join(keyword_tokens),
            body_t=" ".join(body_tokens),
            attach_t="",
            **spelled,
            popularity=float(views),
        )
    ]
