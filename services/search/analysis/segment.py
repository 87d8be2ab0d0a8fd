"""Segmentation (rjieba with the government-term dictionary) and pinyin, one place for both engines.

Documents are cut in search mode (政府信息公开 → 政府, 信息, 公开, 信息公开, 政府信息公开), so a query for any
part finds the whole; a query is cut in precise mode and each word becomes its smallest parts (all required)
plus the whole word (a bonus), which keeps recall without losing the exact phrase's rank.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

import rjieba
from pypinyin import lazy_pinyin

_HAN = re.compile(r"[\u3400-\u9fff]")
_HAN_ONLY = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"\w", re.UNICODE)
_PINYIN_QUERY = re.compile(r"^[a-z]{2,40}$")
MAX_TERM = 8  # longest dictionary term looked for inside a longer token
# A token's expansion and spelling are remembered: text repeats its words. The bounds keep a long import's memory
# flat (a site of numbered notices brings new tokens with every page); they hold a province's common words.
MAX_CACHED_TOKENS = 100_000
CACHED_WORDS = 50_000
# Words of a question that carry no topic ("怎么申请政府信息公开" asks about 申请 and 政府信息公开).
QUESTION_WORDS = frozenset(
    (
        "怎么", "怎样", "如何", "哪里", "哪儿", "哪些", "哪个", "什么", "多少", "是否",
        "能否", "可以", "能不能", "需要", "要", "想", "我", "我们", "你", "您",
        "吗", "呢", "吧", "啊", "的", "了", "在", "去", "到", "和",
        "与", "及", "或", "请问", "请", "一下", "有", "有没有", "是", "是不是",
        "为什么", "办理", "流程", "怎么办",
    )
)  # fmt: skip


def default_terms() -> list[str]:
    """The platform's government-term dictionary shipped with the service (analysis/terms.txt)."""
    text = resources.files(__package__).joinpath("terms.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word of a query: its smallest parts (all must match) and the word itself (ranks exact matches up)."""

    word: str
    atoms: tuple[str, ...]
    pinyin: bool = False  # letters only: matched against the pinyin fields


class Analyzer:
    """Text → index tokens, query words and pinyin; one instance per process (the dictionary loads once)."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self.terms: set[str] = set()
        self._expansions: dict[str, tuple[str, ...]] = {}
        self.add_terms([*default_terms(), *terms])

    def add_terms(self, terms: Iterable[str]) -> None:
        for term in terms:
            if term and term not in self.terms:
                self._jieba.add_word(term, None, "n")
                self.terms.add(term)
                self._expansions.clear()  # a new term may now hide inside a longer token

    def index_tokens(self, text: str) -> list[str]:
        """Every token a document is found by, in order (search mode; letters lowercased), and the dictionary's
        terms inside a longer token (search mode gives only two- and three-character parts: 工作年度报告 hides
        年度报告)."""
        cut = self._jieba.cut_for_search(text)
        known = self._expansions
        new = [tok for tok in set(cut) if tok not in known]
        if len(known) + len(new) > MAX_CACHED_TOKENS:
            known.clear()
            new = list(set(cut))
        for tok in new:
            known[tok] = self._expand(tok)
        return list(itertools.chain.from_iterable(map(known.__getitem__, cut)))

    def _expand(self, tok: str) -> tuple[str, ...]:
        if not _WORD.search(tok):
            return ()
        return (tok.lower(), *self._inner_terms(tok)) if len(tok) >= 4 else (tok.lower(),)

    def _inner_terms(self, token: str) -> list[str]:
        size = len(token)
        return [
            token[i:j]
            for i in range(size)
            for j in range(i + 4, min(size, i + MAX_TERM) + 1)
            if j - i < size and token[i:j] in self.terms
        ]

    def index_text(self, text: str) -> str:
        """The tokens joined by spaces: what both engines index with a plain whitespace analyzer."""
        return " ".join(self.index_tokens(text))

    def query_words(self, text: str) -> list[QueryWord]:
        words: list[QueryWord] = []
        for raw in self._jieba.cut(text):
            word = raw.strip().lower()
            if not _WORD.search(word) or word in QUESTION_WORDS:
                continue
            if _PINYIN_QUERY.match(word):
                words.append(QueryWord(word, (word,), pinyin=True))
            else:
                words.append(QueryWord(word, self.atoms(word)))
        return words

    def knows(self, word: str) -> bool:
        """The segmenter's dictionary has the word (a homophone swap that makes one is a real word)."""
        return self._jieba.has_word(word)

    def atoms(self, word: str) -> tuple[str, ...]:
        """The word's longest proper parts laid end to end (信息资源库 → 信息, 资源库), or, where they leave a
        gap, its smallest parts (政府信息公开 → 政府, 信息, 公开); the word itself when it has no parts."""
        parts = {p for p in self.index_tokens(word) if p != word}
        tiles: list[str] = []
        at = 0
        while at < len(word):
            longest = max((p for p in parts if word.startswith(p, at)), key=len, default=None)
            if longest is None:
                break
            tiles.append(longest)
            at += len(longest)
        if tiles and at == len(word):
            return tuple(tiles)
        smallest = [p for p in parts if not any(o != p and o in p for o in parts)]
        return tuple(dict.fromkeys(sorted(smallest, key=word.find))) or (word,)

    def pair_pinyin(self, text: str) -> tuple[list[str], list[str]]:
        """Two neighbouring Chinese words spelled as one (外语 + 网站 → waiyuwangzhan, wywz), full and initials, so
        pinyin typed as one string finds a phrase the dictionary does not hold. Spelled from the words' own
        (cached) readings: pairs hardly repeat, and pypinyin per pair was most of a document's analysis."""
        words = list(map(_short_han, self._jieba.cut(text)))
        pairs = dict.fromkeys((a, b) for a, b in itertools.pairwise(words) if a and b and len(a) + len(b) <= 6)
        spelled = [(pinyin_of(a), pinyin_of(b)) for a, b in pairs]
        return [a[0] + b[0] for a, b in spelled], [a[1] + b[1] for a, b in spelled]

    def pinyin_tokens(self, tokens: Iterable[str]) -> tuple[list[str], list[str]]:
        """Full pinyin (医保 → yibao) and initials (yb, words of two or more characters) of the Chinese tokens."""
        spelled = [found for found in map(_spelling, dict.fromkeys(tokens)) if found is not None]
        return [full for full, _ in spelled], [initials for _, initials in spelled if initials]


@functools.lru_cache(maxsize=CACHED_WORDS)
def _spelling(token: str) -> tuple[str, str] | None:
    """A Chinese token's full pinyin and (two characters or more) its initials; None without Chinese."""
    if not _HAN.search(token):
        return None
    spelled, first = pinyin_of(token)
    return spelled, first if len(token) >= 2 else ""


@functools.lru_cache(maxsize=CACHED_WORDS)
def pinyin_of(word: str) -> tuple[str, str]:
    syllables = lazy_pinyin(word, errors="ignore")
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def is_han(text: str) -> bool:
    return bool(_HAN.search(text))


class Lexicon:
    """Words a typo may be corrected to (政俯 → 政府, 公幵 → 公开): the words of what is indexed, found by shape
    (all characters but one), and the dictionary's words that sound the same (one character swapped for a
    homophone). Capped in size; words seen first stay."""

    def __init__(self, known: Callable[[str], bool], limit: int = 300_000) -> None:
        self.known = known
        self.limit = limit
        self.by_pattern: dict[str, set[str]] = {}
        self.words: set[str] = set()

    @property
    def full(self) -> bool:
        return len(self.words) >= self.limit

    def add_all(self, words: Iterable[str]) -> None:
        if self.full:
            return
        for word in words:
            if word not in self.words and 2 <= len(word) <= 4 and len(self.words) < self.limit and _all_han(word):
                self.words.add(word)
                for i in range(len(word)):
                    self.by_pattern.setdefault(word[:i] + "?" + word[i + 1 :], set()).add(word)

    def candidates(self, span: str) -> dict[str, bool]:
        """Known words one character off the span, each with whether it sounds the same."""
        sound = pinyin_of(span)[0]
        found: dict[str, bool] = {}
        for i in range(len(span)):
            for word in self.by_pattern.get(span[:i] + "?" + span[i + 1 :], ()):
                found[word] = pinyin_of(word)[0] == sound
            for char in homophones(span[i]):
                word = span[:i] + char + span[i + 1 :]
                if word not in found and self.known(word):
                    found[word] = True
        found.pop(span, None)
        return found


@functools.lru_cache(maxsize=CACHED_WORDS)
def _short_han(word: str) -> str:
    """The word if it is Chinese and short enough to pair with a neighbour, else ""."""
    return word if len(word) < 6 and _all_han(word) else ""


@functools.lru_cache(maxsize=CACHED_WORDS)
def _all_han(word: str) -> bool:
    return _HAN_ONLY.fullmatch(word) is not None


@functools.cache
def _chars_by_sound() -> dict[str, tuple[str, ...]]:
    """Common characters (the basic CJK block) by toneless pinyin, from pypinyin's character table."""
    from pypinyin.pinyin_dict import pinyin_dict

    by_sound: dict[str, list[str]] = {}
    for code in pinyin_dict:
        if 0x4E00 <= code <= 0x9FA5:  # the reading pypinyin gives alone, toneless: what a typist typed
            by_sound.setdefault(lazy_pinyin(chr(code))[0], []).append(chr(code))
    return {sound: tuple(chars) for sound, chars in by_sound.items()}


def homophones(char: str) -> tuple[str, ...]:
    return _chars_by_sound().get(pinyin_of(char)[0], ())
