"""Did you mean: replace a span no document holds by a known word one character off or sounding alike
(政俯 → 政府, 公幵 → 公开), the candidate the most documents hold winning; homophones count three times."""

from __future__ import annotations

import re

from services.search.service.context import SearchDeps

_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
SOUND_BONUS = 3
MAX_FIXES = 2


async def correct(deps: SearchDeps, query: str) -> str | None:
    """The query with up to two spans corrected, or None when nothing better is known."""
    fixed = query
    for _ in range(MAX_FIXES):
        unknown = await _unknown_chars(deps, fixed)
        if not unknown:
            break
        better = await _one_fix(deps, fixed, unknown)
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


async def _one_fix(deps: SearchDeps, query: str, unknown: set[int]) -> str | None:
    spans = {
        (m.start() + i, length)
        for m in _HAN_RUN.finditer(query)
        for length in (2, 3, 4)
        for i in range(len(m.group()) - length + 1)
        if unknown & set(range(m.start() + i, m.start() + i + length))
    }
    texts = {query[start : start + length] for start, length in spans}
    known = await deps.engine.doc_freqs(sorted(texts))
    unheld = [(start, length) for start, length in sorted(spans) if not known.get(query[start : start + length])]
    candidates = {
        (start, length, word): sounds
        for start, length in unheld
        for word, sounds in deps.lexicon.candidates(query[start : start + length]).items()
    }
    if not candidates:
        return None
    freqs = await deps.engine.doc_freqs(sorted({word for _, _, word in candidates}))
    scored = [
        (freqs.get(word, 0) * (SOUND_BONUS if sounds else 1), -start, start, length, word)
        for (start, length, word), sounds in candidates.items()
        if freqs.get(word, 0) > 0
    ]
    if not scored:
        return None
    _, _, start, length, word = max(scored)
    return query[:start] + word + query[start + length :]
