"""Whole articles for one site: planned titles given seed paragraphs as bodies, and the metadata they carry."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sitegroup.demo.corpus.article import EDITORS, SEED_OFFICES, DemoArticle
from sitegroup.demo.corpus.determinism import seeded_random
from sitegroup.demo.corpus.metadata import keywords, subject_words, summary, topic_category
from sitegroup.demo.corpus.parse import parsed_corpus
from sitegroup.demo.corpus.schedule import Entry, capacity, publication_plan
from sitegroup.demo.corpus.sites import Site, site_of
from sitegroup.demo.corpus.titles import Draft, candidates, subtitle_ok

_SIZES = {
    "news": (1, 2, 2, 3, 3, 4),
    "work": (1, 2, 2, 3),
    "notice": (2, 3, 3, 4),
    "policy": (4, 4, 3, 2),
    "interpretation": (1, 2, 2, 3),
}
_MIN_SIZE = {"news": 1, "work": 1, "notice": 2, "policy": 2, "interpretation": 1}


def articles_for_site(site_code: str, abbreviation: str, count: int) -> list[DemoArticle]:
    """Deterministic (same inputs → same output) list of `count` articles for one demo site."""
    # The list is in publication order, oldest first (``published_days_ago`` never
    # increases along it), and an interpretation always follows the policy it
    # interprets (``interprets`` is that policy's index in the list).
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return []
    site = site_of(site_code, abbreviation)
    key = f"{site_code}|{abbreviation}"
    plan = publication_plan(candidates(site, key), count, key)
    writer = _ArticleWriter(site, key, plan)
    return [writer.write(entry) for entry in plan]


def corpus_stats() -> dict[str, int]:
    """Size of the parsed corpus and how many distinct articles one site can get."""
    corpus = parsed_corpus()
    cap = capacity(candidates(site_of("0000000000", "示范市"), "stats"))
    return {
        "seeds": len(corpus.seed_names),
        "paragraphs": len(corpus.chunks),
        "sentences": corpus.sentences,
        "characters": sum(len(c.text) for c in corpus.chunks),
        "title_phrases": len(corpus.phrases),
        "phrase_pairs": len(corpus.pairs),
        **{f"capacity_{k}": v for k, v in cap.items()},
        "article_capacity": sum(cap.values()),
    }


class _ArticleWriter:
    """Writes a site's planned articles in order: bodies, 文号 serials and topics carry from one to the next."""

    def __init__(self, site: Site, key: str, plan: list[Entry]) -> None:
        self.site = site
        self.key = key
        self.today = date.today()
        self.serials: dict[int, int] = {}  # year -> last 文号 serial
        self.topics: dict[str, str] = {}  # policy title -> 主题分类, shared with its interpretation
        self.used_bodies: set[tuple[int, ...]] = set()
        self.index_of = {e.draft.title: i for i, e in enumerate(plan) if e.draft.kind == "policy"}

    def write(self, entry: Entry) -> DemoArticle:
        d = entry.draft
        # one random stream per title, drawn in a fixed order: body, 文号, subtitle, editor
        r = seeded_random(self.key, "article", d.title)
        chunks = parsed_corpus().chunks
        body = self._body(d, r)
        paragraphs = tuple(chunks[c].text for c in body)
        text = "".join(paragraphs)
        first = chunks[body[0]]
        policy = d.kind == "policy"
        doc_number = self._doc_number(entry.days, r) if policy else ""
        topic = self._topic(entry, text)
        heading = first.chapter_heading
        subtitle = heading if d.kind == "news" and self._with_subtitle(heading, d, r) else ""
        return DemoArticle(
            kind=d.kind,
            title=d.title,
            subtitle=subtitle,
            paragraphs=paragraphs,
            summary=summary(paragraphs),
            keywords=keywords(d.title, text),
            source=self._source(d, first.seed),
            author="" if policy else r.choice(EDITORS),
            doc_number=doc_number,
            topic_category=topic,
            subject_words=subject_words(d.title, text) if policy else (),
            interprets=self.index_of[entry.policy_title] if d.kind == "interpretation" else None,
            seed=first.seed,
            published_days_ago=entry.days,
        )

    def _body(self, d: Draft, r: random.Random) -> tuple[int, ...]:
        """The best run of paragraphs for the title that no earlier article of the site has as its body."""
        choices = _body_choices(d.kind, d.chunk, r)
        body = next((c for c in choices if c not in self.used_bodies), choices[0])
        self.used_bodies.add(body)
        return body

    def _doc_number(self, days: int, r: random.Random) -> str:
        """The next 文号 of the publication year; serials skip a few, as other offices' documents come between."""
        year = (self.today - timedelta(days=days)).year
        self.serials[year] = self.serials.get(year, 0) + r.randint(1, 9)
        return f"{self.site.doc_prefix}〔{year}〕{self.serials[year]}号"

    def _topic(self, entry: Entry, text: str) -> str:
        if entry.draft.kind == "policy":
            self.topics[entry.draft.title] = topic_category(entry.draft.doc_name, text)
            return self.topics[entry.draft.title]
        if entry.draft.kind == "interpretation":
            return self.topics[entry.policy_title]
        return ""

    @staticmethod
    def _with_subtitle(heading: str, d: Draft, r: random.Random) -> bool:
        """Whether a news item shows its seed chapter's heading as subtitle: some do, where it reads as one."""
        return subtitle_ok(heading, d.title) and r.random() < 0.3

    def _source(self, d: Draft, seed: str) -> str:
        """The site's own office for its own documents; news and work items are reprinted from the seed's office."""
        if d.kind in ("notice", "policy", "interpretation"):
            return self.site.office
        return SEED_OFFICES.get(seed[:3], "人民政府办公室")


def _body_choices(kind: str, chunk: int, rng: random.Random) -> list[tuple[int, ...]]:
    """Runs of 1–4 consecutive paragraphs holding paragraph `chunk`, best first."""
    # News, work and notices stay within one 一、 part of a seed and open with the
    # paragraph their title came from; policies and interpretations take the numbered
    # item (（一）…) the title came from, as much of it as fits.
    corpus = parsed_corpus()
    ch = corpus.chunks[chunk]
    scope = corpus.chapters[ch.chapter]
    if kind in ("policy", "interpretation"):
        section = corpus.sections[ch.section]
        if len(section) >= 2:
            scope = section
    pos = scope.index(chunk)
    largest = min(4, len(scope))
    first = min(rng.choice(_SIZES[kind]), largest)
    sizes = [first, *(n for n in range(largest, 0, -1) if n != first and n >= min(_MIN_SIZE[kind], largest))]
    out: list[tuple[int, ...]] = []
    for size in sizes:
        starts = list(range(max(0, pos - size + 1), min(pos, len(scope) - size) + 1))
        if kind in ("policy", "interpretation"):
            starts.sort()  # from the start of the item
        else:
            starts.sort(key=lambda s: (s != min(pos, len(scope) - size), rng.random()))
        out.extend(scope[s : s + size] for s in starts)
    return out
