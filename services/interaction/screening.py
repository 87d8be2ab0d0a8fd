"""What is checked of a letter before it is stored: no markup in plain-text fields, the sensitive words it
holds (flagged for the office, not refused: a citizen reporting abuse quotes it), and its fingerprint, by
which the same letter sent twice is recognised."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|javascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)

# Flagged for a human look, never silently dropped; sites add their own in the desk settings.
SENSITIVE_WORDS = ("法轮", "台独", "藏独", "疆独", "赌博", "代开发票", "枪支", "办证", "贷款秒批", "色情")


def plain_text(value: str) -> str:
    """A citizen's text as stored: NFC, no invisible controls, no markup (a ValueError names the rule)."""
    if _MARKUP.search(value):
        raise ValueError("不能包含 HTML 标记或脚本，请输入纯文本")
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


def sensitive_words(texts: Iterable[str], extra: Iterable[str] = ()) -> list[str]:
    """The listed words the texts contain, in list order, each once."""
    joined = "\n".join(texts)
    return [w for w in dict.fromkeys((*SENSITIVE_WORDS, *extra)) if w and w in joined]


def fingerprint(site_id: str, title: str, body: str) -> str:
    """Same site, same words (spacing, punctuation and width ignored): the same letter."""
    normal = _NOT_WORD.sub("", unicodedata.normalize("NFKC", f"{title}\n{body}")).lower()
    return hashlib.sha256(f"{site_id}\n{normal}".encode()).hexdigest()
