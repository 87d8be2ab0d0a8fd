"""The search API's request and response models (the public contract, in the one OpenAPI)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.events.searchable import SearchableKind

Scope = Literal["site", "group"]
SortOrder = Literal["relevance", "date"]
# The content library's kinds of document, then the other services' searchable kinds (flattened into one).
DocType = Literal["article", "policy", "interpretation", "disclosure", SearchableKind]
SITE_ID = r"^[a-z][a-z0-9-]{1,39}$"


class SearchParams(BaseModel):
    """What a searcher asks: the words, where, narrowed how, in which order, which page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: str = Field(min_length=1, max_length=100, description="the words, in Chinese, pinyin or initials")
    site: str = Field(pattern=SITE_ID, description="the site the search is made on")
    scope: Scope = Field("site", description="this site (with what it reposts) or the whole site group")
    level: Literal["province", "city", "county", "department"] | None = Field(
        None, description="group scope: only sites of this level (all county portals …)"
    )
    sites: list[str] = Field(default_factory=list, max_length=50, description="group scope: only these sites")
    channel: str | None = Field(None, max_length=400, description="site scope: only this channel (its path)")
    doc_type: DocType | None = None
    topic: str | None = Field(None, max_length=40, description="主题分类")
    validity: Literal["有效", "修改", "废止", "失效"] | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: SortOrder = "relevance"
    page: int = Field(1, ge=1, le=1000)
    size: int = Field(10, ge=1, le=50)
    cursor: str | None = Field(None, max_length=40, description="sort=date: next_cursor of the previous page")
    facets: bool = True

    @field_validator("q")
    @classmethod
    def _plain_words(cls, value: str) -> str:
        """Full-width letters become half-width (ＹＢ → YB), runs of spaces one; control characters are refused."""
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            raise ValueError("control characters are not allowed in a query")
        value = " ".join(unicodedata.normalize("NFKC", value).split())
        if not value:
            raise ValueError("the query is empty")
        return value


class SearchResult(BaseModel):
    title: str
    title_html: str = Field(description="the title with the query's words in <em>")
    snippet_html: str = Field(description="the passage with the most query words, words in <em>, text escaped")
    url: str = Field(description="canonical address on the site's main domain")
    url_path: str
    site_id: str
    site_name: str
    channel_name: str
    doc_type: str
    published_on: date | None = None
    validity: str | None = None
    withdrawn: bool = Field(False, description="taken off line; listed because the site keeps such documents")
    pinned: bool = Field(False, description="置顶 by the site's editors for this query")


class FacetValue(BaseModel):
    value: str
    label: str
    count: int


class Answer(BaseModel):
    """智能问答: the site's answer to the question asked, above the results."""

    question: str
    answer: str
    url: str | None = None


class SearchResponse(BaseModel):
    query: str
    corrected: str | None = Field(None, description="did you mean: the results are for this spelling")
    scope: Scope
    site: str
    total: int
    page: int
    size: int
    took_ms: float
    next_cursor: str | None = None
    answer: Answer | None = None
    results: list[SearchResult]
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)


class Suggestions(BaseModel):
    query: str
    suggestions: list[str]


class SynonymCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    words: list[str] = Field(min_length=2, max_length=10, description="words a searcher may use for one another")

    @field_validator("words")
    @classmethod
    def _distinct_words(cls, words: list[str]) -> list[str]:
        cleaned = list(dict.fromkeys(" ".join(w.split()).lower() for w in words))
        if any(not w or len(w) > 20 for w in cleaned):
            raise ValueError("each word has 1 to 20 characters")
        if len(cleaned) < 2:
            raise ValueError("at least two different words")
        return cleaned


class SynonymRead(SynonymCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: str
    created_by: str


class BestBetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=100, description="the query it answers, as searchers type it")
    title: str = Field(min_length=1, max_length=200)
    url: str = Field(pattern=r"^(https?://[^\s]+|/[^\s]*)$", max_length=500, description="the page shown first")
    position: int = Field(0, ge=0, le=100)

    @field_validator("query")
    @classmethod
    def _normal(cls, query: str) -> str:
        return " ".join(query.lower().split())


class BestBetRead(BestBetCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: str
    created_by: str


class QaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=2, max_length=200)
    answer: str = Field(min_length=1, max_length=2000)
    url: str | None = Field(None, pattern=r"^(https?://[^\s]+|/[^\s]*)$", max_length=500)


class QaRead(QaCreate):
    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: str
    created_by: str


class QueryStat(BaseModel):
    query: str
    searches: int
    zero_results: int
    clicks: int
    click_through: float = Field(description="clicks per search")


class SearchAnalytics(BaseModel):
    site_id: str
    month: str
    searches: int
    zero_result_searches: int
    clicks: int
    top_queries: list[QueryStat]
    zero_result_queries: list[QueryStat]
    corrected_queries: list[QueryStat]


class RebuildRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: str | None = Field(None, pattern=SITE_ID, description="only this site's documents (in place); none: all")


class RebuildRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    state: Literal["idle", "running", "done", "failed"]
    site: str | None
    total: int
    indexed: int
    started_at: datetime | None
    finished_at: datetime | None
    problem: str | None


class SiteSearchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keep_withdrawn: bool = Field(
        description="withdrawn and expired documents stay findable, flagged 已撤回 (else they leave the index)"
    )
