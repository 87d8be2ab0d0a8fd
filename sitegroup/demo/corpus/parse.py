"""The seeds parsed once: paragraphs under their chapters and numbered items, and the title phrases in them."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sitegroup.demo.corpus.phrases import object_of, title_phrase
from sitegroup.demo.corpus.text import CN_NUMERALS, clauses, normalize, sentences, to_simplified

# The seeds stay next to the package (sitegroup/demo/seedtexts), where they always were.
SEED_DIR = Path(__file__).parent.with_name("seedtexts")

_RE_H1 = re.compile(rf"^[{CN_NUMERALS}]+、(.+)$")
_RE_H2 = re.compile(rf"^(?:（[{CN_NUMERALS}]+）|\d+、)(.+)$")
_RE_H3 = re.compile(rf"^[{CN_NUMERALS}]是")
_RE_DATE_LINE = re.compile(r"^（\d{4}年\d{1,2}月）$")
_RE_OFFICE_LINE = re.compile(r"^\S{2,12}人民政府办公[厅室]$")
_RE_BYLINE = re.compile(r"（([\u4e00-\u9fff]{2,4})）$")
_RE_NORMATIVE = re.compile(r"要(?!求|点|素|闻)|应当|不得|原则上|必须|严格")
_LEAD_MAX = 30  # a first sentence this short that opens a numbered item is its heading
_RE_NOT_LEAD = re.compile(r"\d|近年来|以来|目前|今年")  # …but not a dated statement


@dataclass(frozen=True, slots=True)
class Chunk:
    seed: str
    chapter: int  # corpus-wide id of the 一、 level part
    section: int  # corpus-wide id of the innermost heading
    heading: str  # the innermost heading ("" before the first one)
    chapter_heading: str
    text: str
    normative: bool


@dataclass(frozen=True, slots=True)
class Phrase:
    text: str  # verb–object phrase, usable after an area name
    chunk: int  # the paragraph it was found in (or, for a heading, the first under it)
    heading: bool
    obj: str  # its object, a noun phrase ("" if none fit for a document name)
    normative: bool


@dataclass(frozen=True, slots=True)
class Corpus:
    chunks: tuple[Chunk, ...]
    phrases: tuple[Phrase, ...]
    pairs: tuple[tuple[str, str, int], ...]  # two phrases of one sentence, chunk
    chapters: dict[int, tuple[int, ...]]
    sections: dict[int, tuple[int, ...]]
    sentences: int
    seed_names: tuple[str, ...]


class SeedParser:
    """Reads seed lines into paragraphs, keeping the headings that titles and bodies are cut along."""

    def __init__(self) -> None:
        self.chunks: list[Chunk] = []
        self.headings: list[tuple[str, int]] = []  # (heading text, section id)
        self.chapter = -1
        self.section = -1
        self.heading = ""
        self.chapter_heading = ""
        self.sentence_count = 0
        self.pending = ""  # a "…如下：" sentence waiting for the list it introduces
        self.body_seen = False

    def new_chapter(self, heading: str) -> None:
        self.chapter += 1
        self.new_section(heading)
        self.chapter_heading = heading

    def new_section(self, heading: str) -> None:
        self.section += 1
        self.heading = heading
        if heading:
            self.headings.append((heading, self.section))

    def parse(self, seed: str, lines: Iterable[str]) -> None:
        """Add one seed; its first lines open a chapter of its own."""
        self.new_chapter("")
        self.pending = ""
        self.body_seen = False
        for raw in lines:
            self._read_line(seed, raw)

    def _read_line(self, seed: str, raw: str) -> None:
        line = normalize(to_simplified(raw))
        if not line or _RE_DATE_LINE.match(line) or _RE_OFFICE_LINE.match(line):
            return
        item = self._body_of(_RE_BYLINE.sub("", line))
        if item is None:  # a heading: what was pending does not reach past it
            self.pending = ""
            return
        text, numbered = item
        self._read_body(seed, text, numbered or bool(_RE_H3.match(text)))

    def _body_of(self, line: str) -> tuple[str, bool] | None:
        """The line's body text and whether it is a numbered item; None when it is a heading (opened here)."""
        if (m := _RE_H1.match(line)) and "。" not in line:
            self.new_chapter(m.group(1))
            return None
        if m := _RE_H2.match(line):
            if "。" not in m.group(1):
                self.new_section(m.group(1))
                return None
            return m.group(1), True
        if "。" not in line and "；" not in line and len(line) < 40:
            if self.body_seen:  # a short line before any body is the seed's own title
                self.new_chapter(line)
            return None
        return line, False

    def _read_body(self, seed: str, text: str, numbered: bool) -> None:
        sents = sentences(text)
        if _lead_is_heading(sents, numbered):
            self.new_section(re.sub(rf"^[{CN_NUMERALS}]是", "", sents[0].rstrip("。；")))
            sents = sents[1:]
            self.pending = ""
        if self.pending:
            sents = [self.pending, *sents]
            self.pending = ""
        if sents[-1].endswith("：") and not _RE_H3.match(sents[-1]):
            self.pending = sents.pop()
        if sents:
            self.add_paragraph(seed, sents)
            self.body_seen = True

    def add_paragraph(self, seed: str, sents: list[str]) -> None:
        """Add the sentences as paragraphs of about 90 characters, the size a web article shows."""
        self.sentence_count += len(sents)
        for group in _paragraph_groups(sents):
            text = "".join(group)
            self.chunks.append(
                Chunk(
                    seed=seed,
                    chapter=self.chapter,
                    section=self.section,
                    heading=self.heading,
                    chapter_heading=self.chapter_heading,
                    text=text,
                    normative=len(_RE_NORMATIVE.findall(text)) >= 2,
                )
            )


def _lead_is_heading(sents: list[str], numbered: bool) -> bool:
    """Whether the first sentence is the heading of the item ("（一）加强…。具体…")."""
    first = sents[0].rstrip("。；")
    limit = _LEAD_MAX if numbered else 24
    return len(sents) > 1 and len(first) <= limit and "：" not in first and (numbered or not _RE_NOT_LEAD.search(first))


def _paragraph_groups(sents: list[str]) -> list[list[str]]:
    """Sentences grouped into paragraphs; a "：" sentence keeps its list, a short tail joins the last."""
    groups: list[list[str]] = []
    cur: list[str] = []
    for s in sents:
        size = sum(map(len, cur))
        if cur and not cur[-1].endswith("：") and (size >= 90 or (_RE_H3.match(s) and size >= 30)):
            groups.append(cur)
            cur = []
        cur.append(s)
    if cur:
        if groups and sum(map(len, cur)) < 30:
            groups[-1].extend(cur)
        else:
            groups.append(cur)
    return groups


class _PhraseFinder:
    """Collects the title phrases of the parsed seeds, each once, and the pairs that make two-part titles."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = chunks
        self.phrases: list[Phrase] = []
        self.pairs: list[tuple[str, str, int]] = []
        self.seen: set[str] = set()

    def add(self, text: str, chunk: int, heading: bool) -> None:
        if text and text not in self.seen:
            self.seen.add(text)
            self.phrases.append(Phrase(text, chunk, heading, object_of(text), self.chunks[chunk].normative))

    def from_headings(self, headings: list[tuple[str, int]], sections: dict[int, tuple[int, ...]]) -> None:
        """Headings first: they are the best titles, and a phrase keeps the place it was first found."""
        for heading, section in headings:
            if section not in sections:
                continue
            first = sections[section][0]
            parts = clauses(heading)
            if len(parts) == 1:
                self.add(title_phrase(heading), first, True)
                continue
            found = [title_phrase(p, min_len=4) for p in parts]
            for p in found:
                if len(p) >= 6:
                    self.add(p, first, True)
            if all(found) and len(parts) == 2 and sum(map(len, found)) <= 26:
                self.pairs.append((found[0], found[1], first))

    def from_paragraphs(self) -> None:
        for i, ch in enumerate(self.chunks):
            for sentence in sentences(ch.text):
                found = [title_phrase(c, min_len=4) for c in clauses(sentence)]
                for p in found:
                    if len(p) >= 6:
                        self.add(p, i, False)
                for a, b in itertools.pairwise(found):
                    if a and b and len(a) + len(b) <= 26 and a != b:
                        self.pairs.append((a, b, i))


def _indexes_by(chunks: Sequence[Chunk], key: Callable[[Chunk], int]) -> dict[int, tuple[int, ...]]:
    """Paragraph indexes per chapter or section id, in seed order."""
    groups: dict[int, list[int]] = {}
    for i, ch in enumerate(chunks):
        groups.setdefault(key(ch), []).append(i)
    return {k: tuple(v) for k, v in groups.items()}


@cache
def parsed_corpus() -> Corpus:
    """Every seed parsed, once per process: all sites draw on the same corpus."""
    parser = SeedParser()
    seeds = sorted(SEED_DIR.glob("*.txt"))
    for path in seeds:
        parser.parse(path.name, path.read_text(encoding="utf-8").splitlines())
    chunks = tuple(parser.chunks)
    sections = _indexes_by(chunks, lambda ch: ch.section)
    finder = _PhraseFinder(chunks)
    finder.from_headings(parser.headings, sections)
    finder.from_paragraphs()
    return Corpus(
        chunks=chunks,
        phrases=tuple(finder.phrases),
        pairs=tuple(finder.pairs),
        chapters=_indexes_by(chunks, lambda ch: ch.chapter),
        sections=sections,
        sentences=parser.sentence_count,
        seed_names=tuple(p.name for p in seeds),
    )
