"""What an engine is given and answers, the same for the embedded index and Elasticsearch.

The service does everything Chinese-specific (segmentation, pinyin, synonyms, typo correction, snippets,
re-ranking) in its own code; an engine only stores pre-segmented text and answers boolean queries with BM25,
filters, sorting and facet counts. So the two engines rank alike and are tested by the same tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

# Text fields and their weights: a word in the title counts three times one in the body.
TEXT_FIELDS: dict[str, float] = {"title_t": 3.0, "keywords_t": 2.0, "body_t": 1.0, "attach_t": 0.5}
PINYIN_FIELDS: dict[str, float] = {"title_py": 3.0, "py": 1.0, "pyi": 0.6}  # title_py: the title's, both kinds
WHOLE_WORD_BONUS = 1.5  # the exact word (信息公开) beyond its parts (信息, 公开)
FACETS = ("site_id", "channel", "doc_type", "topic", "validity", "year")
# Exact-value fields (filters and facets), and what a result page reads back of a hit.
KEYWORDS = (
    "id",
    "key",
    "kind",
    "site_id",
    "site_level",
    "channel_path",
    "channel",
    "doc_type",
    "topic",
    "validity",
    "state",
    "year",
)
STORED_ONLY = ("title", "summary", "body", "url", "url_path", "channel_name")
STORED = ("id", "key", "site_id", "doc_type", "validity", "state", *STORED_ONLY, "published_ts")
Sort = Literal["relevance", "date"]


@dataclass(slots=True)
class IndexDoc:
    """One placement of an indexed entry: a document reposted to three sites is three of these."""

    id: str  # "<key>@<site>"
    key: str  # "doc:123"
    kind: str  # document | letter | dataset
    site_id: str
    site_level: str
    primary: bool  # the entry's own site (the group scope shows each entry once)
    channel_path: str
    channel_name: str
    channel: str  # "<path>|<name>": the channel facet's value and label at once
    doc_type: str
    topic: str
    validity: str
    state: str  # live | withdrawn (kept and flagged where the site wants it)
    published_ts: int  # seconds since the epoch
    sort_key: int  # published_ts * 1024 + 10 bits of the id: a unique order for date sort and its cursor
    year: str
    title: str
    summary: str
    body: str  # plain text kept for snippets
    url: str  # canonical, on the site's main domain
    url_path: str
    title_t: str  # the analyzer's tokens, space-separated
    keywords_t: str
    body_t: str
    attach_t: str
    title_py: str
    py: str
    pyi: str
    popularity: float = 0.0


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way a query word may match: all its atoms (in any text field), the whole word as a bonus."""

    atoms: tuple[str, ...]
    whole: str | None = None
    pinyin: bool = False
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Clause:
    """A query word with its synonyms: any alternative satisfies it."""

    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True, slots=True)
class Filters:
    sites: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    channel_paths: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    validity: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    states: tuple[str, ...] = ("live",)
    primary_only: bool = False
    published_from: int | None = None  # epoch seconds, inclusive
    published_to: int | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class EngineQuery:
    clauses: tuple[Clause, ...]
    filters: Filters
    match_any: bool = False  # OR across clauses (the fallback when AND finds nothing)
    sort: Sort = "relevance"
    limit: int = 10
    offset: int = 0
    after: int | None = None  # date sort: the sort_key of the last hit seen (the next page starts below it)
    facets: tuple[str, ...] = ()


@dataclass(slots=True)
class Hit:
    """A match as the engine ranks it; `ref` is what the engine needs to read its stored fields later."""

    id: str
    score: float
    sort_key: int
    ref: Any = None
    popularity: float = 0.0


@dataclass(slots=True)
class EngineHits:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class SearchEngine(Protocol):
    """An index of IndexDocs under a stable name; `rebuild` fills a new one and swaps it in."""

    name: str

    async def open(self) -> bool:
        """Open (or create) the index; True when it is new or gained fields, so everything must be indexed again."""

    async def close(self) -> None: ...

    async def write(self, docs: list[IndexDoc], removed_keys: list[str], *, commit: bool = True) -> None:
        """Replace every placement of the keys of `docs` and of `removed_keys`, then add `docs`; visible on return
        if `commit` (else with the next write that commits: an engine may make them visible sooner)."""

    async def search(self, query: EngineQuery) -> EngineHits: ...

    async def stored(self, hits: list[Hit]) -> list[dict[str, Any]]:
        """The stored fields of these hits (only the page shown: bodies are large)."""

    async def doc_freqs(self, tokens: list[str]) -> dict[str, int]:
        """How many placements hold each token in any text field (typo correction checks its candidates)."""

    async def title_prefix(self, prefix: str, filters: Filters, limit: int) -> list[str]:
        """Titles that start with or contain the prefix's last word being typed (suggestions)."""

    async def rebuild(self, docs: AsyncIterator[list[IndexDoc]]) -> int:
        """Build a new index from `docs` while the old one answers, then swap; the number of docs indexed."""

    async def count(self) -> int: ...

    async def vocabulary(self, limit: int) -> list[str]:
        """The most frequent indexed words, for the speller after a restart ([] where the engine cannot list)."""
