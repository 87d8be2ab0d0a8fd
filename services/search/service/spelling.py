"""Did you mean: replace a span no document holds by a known word one character off or sounding alike
(政俯 → 政府, 公幵 → 公开). The candidate that repairs the most of the suspect characters wins, then one that
sounds the same, then the longer, then the one more documents hold."""

from __future__ import annotations

import re

from services.search.service.context import SearchDeps

_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
MAX_FIXES = 2


async def correct(deps: SearchDeps, query: str) -> str | None:
    """The query with up to two spans corrected, or None when nothing better is known."""
    fixed = query
    for _ in range(MAX_FIXES):
        suspects = await _unknown_chars(deps, fixed)
        # Nothing looks wrong, yet nothing was found: any character may be a homophone typed by pinyin (适老话).
        homophones_only = not suspects and fixed == query
        if homophones_only:
            suspects = {m.start() + i for m in _HAN_RUN.finditer(fixed) for i in range(len(m.group()))}
        better = await _one_fix(deps, fixed, suspects, homophones_only=homophones_only) if suspects else None
        if better is None:
            break
        fixed = better
    return fixed if fixed != query else None


async def _unknown_chars(deps: SearchDeps, query: str) -> set[int]:
    """Positions where a typo must be: parts that no document holds and no dictionary knows, and runs of
    single characters (a wrong character leaves its word in pieces: 公幵 → 公, 幵)."""
    atoms = [atom for word in deps.analyzer.query_words(query) if not word.pinyin for atom in word.atoms]
    freqs = await deps.engine.doc_freqs(sorted(set(atoms)))
    positions: set[int] = set()
    singles: list[int] = []
    at = 0
    for atom in atoms:
        at = query.find(atom, at)
        if at == -1:
            at = 0
            continue
        if len(atom) == 1:
            singles.append(at)
        elif not freqs.get(atom) and not deps.analyzer.knows(atom):
            positions.update(range(at, at + len(atom)))
        at += len(atom)
    positions.update(p for p in singles if p - 1 in singles or p + 1 in singles)
    return positions


async def _one_fix(deps: SearchDeps, query: str, suspects: set[int], *, homophones_only: bool) -> str | None:
    spans = {
        (m.start() + i, length)
        for m in _HAN_RUN.finditer(query)
        for length in (2, 3, 4)
        for i in range(len(m.group()) - length + 1)
        if suspects & set(range(m.start() + i, m.start() + i + length))
    }
    held = await deps.engine.doc_freqs(sorted({query[start : start + length] for start, length in spans}))
    candidates = {
        (start, length, word): sounds
        for start, length in spans
        if not held.get(query[start : start + length])
        for word, sounds in deps.lexicon.candidates(query[start : start + length]).items()
        if sounds or not homophones_only
    }
    if not candidates:
        return None
    freqs = await deps.engine.doc_freqs(sorted({word for _, _, word in candidates}))
    scored = [
        (len(suspects & _repaired(query, start, word)), sounds, length, freqs[word], -start, start, word)
        for (start, length, word), sounds in candidates.items()
        if freqs.get(word)
    ]
    if not scored:
        return None
    *_, start, word = max(scored)
    return query[:start] + word + query[start + len(word) :]


def _repaired(query: str, start: int, word: str) -> set[int]:
    """The positions a candidate changes or confirms: its span (a longer fitting word repairs more)."""
    return set(range(start, start + len(word)))
