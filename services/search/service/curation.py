"""What editors curate for a site's search — synonyms, best bets (置顶), Q&A pairs — read per query from a
short-lived cache (an editor's change shows within CACHE_SECONDS on every process, at once on this one)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from services.search.analysis import Analyzer
from services.search.models import PLATFORM_WIDE
from services.search.schemas import Answer
from services.search.service.context import SearchDeps

CACHE_SECONDS = 10.0
ANSWER_THRESHOLD = 0.6  # share of words in common (cosine) for a Q&A pair to answer a question


@dataclass
class QaEntry:
    question: str
    answer: str
    url: str | None
    words: frozenset[str]


@dataclass
class Curation:
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    bets: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    qa: list[QaEntry] = field(default_factory=list)
    loaded_at: float = 0.0

    def synonyms_of(self, word: str) -> list[str]:
        return self.synonyms.get(word, [])

    def best_bets(self, query: str) -> list[tuple[str, str, str]]:
        return self.bets.get(normal_query(query), [])

    def answer(self, question: str, analyzer: Analyzer) -> Answer | None:
        """The pair whose question shares the most words with this one, if it shares enough."""
        asked = question_words(question, analyzer)
        best, best_score = None, 0.0
        for pair in self.qa:
            common = len(asked & pair.words)
            score = common / math.sqrt(len(asked) * len(pair.words)) if common else 0.0
            if score > best_score:
                best, best_score = pair, score
        if best is None or best_score < ANSWER_THRESHOLD:
            return None
        return Answer(question=best.question, answer=best.answer, url=best.url)


def normal_query(query: str) -> str:
    return " ".join(query.lower().split())


def question_words(text: str, analyzer: Analyzer) -> frozenset[str]:
    return frozenset(atom for word in analyzer.query_words(text) for atom in (word.word, *word.atoms))


async def curation_for(deps: SearchDeps, site_id: str) -> Curation:
    cached = deps.curations.get(site_id)
    if cached is not None and time.monotonic() - cached.loaded_at < CACHE_SECONDS:
        return cached
    curation = await _load(deps, site_id)
    deps.curations[site_id] = curation
    return curation


async def _load(deps: SearchDeps, site_id: str) -> Curation:
    curation = Curation(loaded_at=time.monotonic())
    async with deps.platform_uow() as uow:
        for group in await uow.repo.synonyms([site_id]):
            deps.analyzer.add_terms(group.words)  # a query keeps a synonym whole (等保, not 等 + 保)
            for word in group.words:
                curation.synonyms.setdefault(word, []).extend(w for w in group.words if w != word)
        for bet in await uow.repo.all_best_bets(site_id):
            curation.bets.setdefault(bet.query, []).append((bet.title, bet.url, bet.site_id))
        for pair in await uow.repo.qa_pairs(site_id):
            words = question_words(pair.question, deps.analyzer)
            curation.qa.append(QaEntry(pair.question, pair.answer, pair.url, words))
        for letter in await uow.repo.live_entries(site_id, "letter"):  # answered public letters teach it too
            entry = letter.snapshot["entry"]
            words = question_words(entry["title"], deps.analyzer)
            curation.qa.append(QaEntry(entry["title"], entry["summary"], entry["url_path"], words))
    return curation


def forget(deps: SearchDeps, site_id: str) -> None:
    """After an editor's change: this process reads the site's curation again (platform rows: every site's)."""
    if site_id == PLATFORM_WIDE:
        deps.curations.clear()
    else:
        deps.curations.pop(site_id, None)
