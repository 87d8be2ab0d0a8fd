"""Highlighted snippets in our own code, the same for both engines: the window with the most query terms."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from markupsafe import Markup


def snippet(text: str, terms: list[str], length: int = 120) -> Markup:
    """The `length` characters of `text` that hold the most occurrences of `terms`, each term in <em>."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not text:
        return Markup("")
    hits = _occurrences(text, terms)
    start = _best_window(hits, len(text), length)
    window = text[start : start + length]
    body = _mark(window, terms)
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return Markup(prefix + body + suffix)


def highlight(text: str, terms: list[str]) -> Markup:
    """The whole (short) text with the terms marked: titles."""
    return Markup(_mark(text, sorted({t for t in terms if t}, key=len, reverse=True)))


@lru_cache(maxsize=1024)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """The terms as one alternation, longest first (a regex takes the first alternative that matches)."""
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def _occurrences(text: str, terms: list[str]) -> list[int]:
    if not terms:
        return []
    found: list[int] = []
    for match in _pattern(tuple(terms)).finditer(text):
        found.append(match.start())
        if len(found) == 500:
            break
    return found


def _best_window(hits: list[int], size: int, length: int) -> int:
    """Where the window with the most hits starts (a little before its first hit, for context)."""
    if not hits:
        return 0
    best, best_count, j = hits[0], 0, 0
    for i, at in enumerate(hits):
        while hits[j] < at - length + 20:
            j += 1
        if i - j + 1 > best_count:
            best, best_count = hits[j], i - j + 1
    return max(0, min(best - 20, size - length))


def _mark(text: str, terms: list[str]) -> str:
    """Escape the text and wrap every (longest-first, non-overlapping) term occurrence in <em>."""
    if not terms:
        return escape(text, quote=False)
    out: list[str] = []
    at = 0
    for match in _pattern(tuple(terms)).finditer(text):
        out.append(escape(text[at : match.start()], quote=False))
        out.append(f"<em>{escape(match.group(), quote=False)}</em>")
        at = match.end()
    out.append(escape(text[at:], quote=False))
    return "".join(out)
