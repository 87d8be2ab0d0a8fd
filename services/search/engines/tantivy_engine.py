"""The embedded engine: tantivy in-process over the analyzer's tokens, one directory per generation.

`<dir>/CURRENT` names the live generation; a rebuild fills the next one while the live one answers, then
rewrites CURRENT (an atomic rename) and drops the old. Writes and commits run in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Occur, Order, Query

from services.search.engines.base import (
    FACETS,
    KEYWORDS,
    PINYIN_FIELDS,
    STORED,
    STORED_ONLY,
    TEXT_FIELDS,
    WHOLE_WORD_BONUS,
    Alternative,
    Clause,
    EngineHits,
    EngineQuery,
    Filters,
    Hit,
    IndexDoc,
)

STORED_RAW = tuple(name for name in KEYWORDS if name in STORED)  # raw fields a result reads back
WRITER_HEAP = 128_000_000
# A word must be in the document: one catch-all field every text token is in (intersecting two posting lists
# is ~2.5× cheaper per matching document than a best-of-four-fields for each word); where it also is in the
# title or keywords is then a bonus, looked up only for the documents that match.
MATCH_FIELD = "all_t"
FIELD_BONUS = {name: weight for name, weight in TEXT_FIELDS.items() if weight > 1.0}
# Indexed text fields: the catch-all, the bonus fields, and the pinyin. The body and attachments are only in the
# catch-all (indexing them twice cost a third of the engine's time); only the title keeps positions (its
# phrase-prefix gives the suggestions).
OWN_TEXT_FIELDS = {
    MATCH_FIELD: "freq",
    **{name: "freq" for name in (*FIELD_BONUS, *PINYIN_FIELDS)},
    "title_t": "position",
}


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in KEYWORDS:
        builder.add_text_field(
            name, stored=name in STORED_RAW, fast=name in FACETS, tokenizer_name="raw", index_option="basic"
        )
    for name, option in OWN_TEXT_FIELDS.items():
        builder.add_text_field(name, tokenizer_name="ws", index_option=option)
    for name in STORED_ONLY:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_boolean_field("primary", indexed=True, fast=True)
    builder.add_integer_field("published_ts", indexed=True, fast=True, stored=True)
    builder.add_integer_field("sort_key", indexed=True, fast=True, stored=True)
    builder.add_float_field("popularity", fast=True)
    return builder.build()


SCHEMA = _schema()
WHITESPACE = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.lowercase()).build()


class TantivyEngine:
    name = "tantivy"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.index: tantivy.Index | None = None
        self._writer: Any = None
        self._lock = asyncio.Lock()
        self._busy: asyncio.Future[None] | None = None  # the write a worker thread is doing (runs to its end)

    async def open(self) -> bool:
        self.directory.mkdir(parents=True, exist_ok=True)
        current = self.directory / "CURRENT"
        generation = current.read_text().strip() if current.exists() else None
        index = None
        if generation is not None:
            try:
                index = self._open_generation(generation)
            except ValueError:  # written by a version with other fields: start a new generation, indexed again
                index = None
        fresh = index is None
        if index is None:
            generation = self._new_generation()
            index = self._open_generation(generation)
            _write_atomically(current, generation)
        self._use(index)
        return fresh

    async def close(self) -> None:
        if self._busy is not None:  # a write its caller stopped waiting for still holds the writer
            with contextlib.suppress(Exception):
                await self._busy
        async with self._lock:
            if self._writer is not None:
                await asyncio.to_thread(self._writer.wait_merging_threads)
                self._writer = None

    def _new_generation(self) -> str:
        taken = [int(p.name) for p in self.directory.iterdir() if p.is_dir() and p.name.isdigit()]
        return str(max(taken, default=0) + 1)

    def _open_generation(self, generation: str) -> tantivy.Index:
        path = self.directory / generation
        path.mkdir(exist_ok=True)
        index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
        index.register_tokenizer("ws", WHITESPACE)
        return index

    def _use(self, index: tantivy.Index) -> None:
        self.index = index
        self._writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)

    async def write(self, docs: list[IndexDoc], removed_keys: list[str], *, commit: bool = True) -> None:
        async with self._lock:
            self._busy = asyncio.ensure_future(asyncio.to_thread(_write, self._writer, docs, removed_keys, commit))
            await asyncio.shield(self._busy)
            if commit:
                self.index.reload()

    async def search(self, query: EngineQuery) -> EngineHits:
        searcher = self.index.searcher()
        matching = build_query(query, bonus=False)
        if query.sort == "date":
            offset = 0 if query.after else query.offset
            order = {"order_by_field": "sort_key", "order": Order.Desc}
            result = searcher.search(matching, limit=query.limit, offset=offset, count=True, **order)
            scored = [(0.0, address) for _, address in result.hits]
        else:
            result = searcher.search(build_query(query), limit=query.limit, offset=query.offset, count=True)
            scored = result.hits
        addresses = [address for _, address in scored]
        keys = searcher.fast_field_values("sort_key", addresses) if addresses else []
        read = searcher.fast_field_values("popularity", addresses) if addresses else []
        hits = [
            Hit(id="", score=float(score), sort_key=key, ref=(searcher, address), popularity=views or 0.0)
            for (score, address), key, views in zip(scored, keys, read, strict=True)
        ]
        facets = _facets(searcher, matching, query.facets) if query.facets else {}
        return EngineHits(total=result.count or 0, hits=hits, facets=facets)

    async def stored(self, hits: list[Hit]) -> list[dict[str, Any]]:
        found = []
        for hit in hits:
            searcher, address = hit.ref
            values = searcher.doc(address).to_dict()
            found.append({name: values[name][0] for name in STORED if values.get(name)})
        return found

    async def doc_freqs(self, tokens: list[str]) -> dict[str, int]:
        searcher = self.index.searcher()
        return {token: searcher.doc_freq(MATCH_FIELD, token) for token in tokens}

    async def title_prefix(self, prefix: str, filters: Filters, limit: int) -> list[str]:
        searcher = self.index.searcher()
        tq = Query.boolean_query(
            [(Occur.Must, Query.phrase_prefix_query(SCHEMA, "title_t", prefix.split())), *_filter_clauses(filters)]
        )
        found = searcher.search(tq, limit=limit)
        return [searcher.doc(address).to_dict()["title"][0] for _, address in found.hits]

    async def vocabulary(self, limit: int) -> list[str]:
        searcher = self.index.searcher()
        words = [
            term for name in ("title_t", MATCH_FIELD) for term, _ in searcher.terms_with_prefix(name, "", limit=limit)
        ]
        return list(dict.fromkeys(words))

    async def count(self) -> int:
        return self.index.searcher().num_docs

    async def rebuild(self, docs: AsyncIterator[list[IndexDoc]]) -> int:
        generation = self._new_generation()
        index = self._open_generation(generation)
        writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
        written = 0
        async for batch in docs:
            await asyncio.to_thread(_add_all, writer, batch)
            written += len(batch)
        await asyncio.to_thread(writer.commit)
        await asyncio.to_thread(writer.wait_merging_threads)
        del writer  # releases the new generation's writer lock before the live writer reopens it
        async with self._lock:
            await asyncio.to_thread(self._writer.wait_merging_threads)
            self._use(self._open_generation(generation))
            _write_atomically(self.directory / "CURRENT", generation)
        for path in self.directory.iterdir():
            if path.is_dir() and path.name != generation:
                shutil.rmtree(path, ignore_errors=True)
        return written


def _write(writer: Any, docs: list[IndexDoc], removed_keys: list[str], commit: bool) -> None:
    # A delete reaches every document added before it, committed or not: a key written twice before a commit
    # keeps its last placements only.
    for key in {*removed_keys, *(doc.key for doc in docs)}:
        writer.delete_documents_by_term("key", key)
    _add_all(writer, docs)
    if commit:
        writer.commit()


def _add_all(writer: Any, docs: list[IndexDoc]) -> None:
    for doc in docs:
        writer.add_document(tantivy.Document(**_fields(doc)))


def _fields(doc: IndexDoc) -> dict[str, Any]:
    fields = {name: getattr(doc, name) for name in (*KEYWORDS, *FIELD_BONUS, *PINYIN_FIELDS, *STORED_ONLY)}
    fields.update(primary=doc.primary, published_ts=doc.published_ts, sort_key=doc.sort_key, popularity=doc.popularity)
    fields[MATCH_FIELD] = " ".join(filter(None, (getattr(doc, name) for name in TEXT_FIELDS)))
    return fields


def build_query(query: EngineQuery, *, bonus: bool = True) -> Query:
    """The query; without `bonus`, only what decides whether a document matches (and its catch-all score)."""
    clauses = [_clause(clause) for clause in query.clauses]
    if query.match_any and clauses:  # one of the words: an OR nested as a must (beside musts, a should is optional)
        parts = [(Occur.Must, Query.boolean_query([(Occur.Should, clause) for clause in clauses]))]
    else:
        parts = [(Occur.Must, clause) for clause in clauses]
    parts += _filter_clauses(query.filters)
    if query.after is not None:
        below = Query.range_query(SCHEMA, "sort_key", tantivy.FieldType.Integer, None, query.after, True, False)
        parts.append((Occur.Must, below))
    if not query.clauses:
        parts.append((Occur.Must, Query.all_query()))
    if bonus:
        parts += [(Occur.Should, extra) for clause in query.clauses for extra in _bonuses(clause)]
    return Query.boolean_query(parts)


def _clause(clause: Clause) -> Query:
    alternatives = [_alternative(alt) for alt in clause.alternatives]
    return alternatives[0] if len(alternatives) == 1 else Query.boolean_query([(Occur.Should, q) for q in alternatives])


def _alternative(alt: Alternative) -> Query:
    if alt.pinyin:
        return Query.boost_query(_any_field(alt.atoms[0], PINYIN_FIELDS), alt.weight)
    parts = [(Occur.Must, Query.term_query(SCHEMA, MATCH_FIELD, atom)) for atom in alt.atoms]
    return Query.boost_query(Query.boolean_query(parts), alt.weight)


def _bonuses(clause: Clause) -> list[Query]:
    """A word's parts in the title or keywords, and the whole word anywhere, rank a match up. Flat optional
    clauses on the top level: nested in each word's own clause they cost twice as much per matching document."""
    found: list[Query] = []
    for alt in clause.alternatives:
        if alt.pinyin:
            continue
        found += [
            Query.boost_query(Query.term_query(SCHEMA, name, atom), weight * alt.weight)
            for atom in alt.atoms
            for name, weight in FIELD_BONUS.items()
        ]
        if alt.whole and alt.atoms != (alt.whole,):
            whole = _any_field(alt.whole, {**FIELD_BONUS, MATCH_FIELD: 1.0})
            found.append(Query.boost_query(whole, WHOLE_WORD_BONUS * alt.weight))
    return found


def _any_field(token: str, fields: dict[str, float]) -> Query:
    return Query.disjunction_max_query(
        [Query.boost_query(Query.term_query(SCHEMA, name, token), weight) for name, weight in fields.items()]
    )


def _filter_clauses(filters: Filters) -> list[tuple[Occur, Query]]:
    wanted = {
        "site_id": filters.sites,
        "site_level": filters.levels,
        "channel_path": filters.channel_paths,
        "doc_type": filters.doc_types,
        "topic": filters.topics,
        "validity": filters.validity,
        "kind": filters.kinds,
        "state": filters.states,
    }
    parts = [(Occur.Must, _zero(_one_of(name, values))) for name, values in wanted.items() if values]
    if filters.primary_only:  # "not a repost": skipping the few reposts is cheaper than walking every original
        parts.append((Occur.MustNot, Query.term_query(SCHEMA, "primary", False)))
    if filters.published_from is not None or filters.published_to is not None:
        window = Query.range_query(
            SCHEMA,
            "published_ts",
            tantivy.FieldType.Integer,
            filters.published_from,
            filters.published_to,
            True,
            filters.published_to is None,
        )
        parts.append((Occur.Must, _zero(window)))
    return parts


def _one_of(name: str, values: tuple[str, ...]) -> Query:
    if len(values) == 1:
        return Query.term_query(SCHEMA, name, values[0])
    return Query.boolean_query([(Occur.Should, Query.term_query(SCHEMA, name, v)) for v in values])


def _zero(query: Query) -> Query:
    return Query.const_score_query(query, 0.0)


def _facets(searcher: Any, query: Query, names: tuple[str, ...]) -> dict[str, list[tuple[str, int]]]:
    spec = {name: {"terms": {"field": name, "size": 200}} for name in names}
    result = searcher.aggregate(query, spec)
    return {name: [(b["key"], b["doc_count"]) for b in result[name]["buckets"]] for name in names}


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
