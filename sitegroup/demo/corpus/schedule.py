"""Which titles a site's list gets, how many of each kind, on which days, and in what order."""

from __future__ import annotations

import random
from collections import Counter
from typing import NamedTuple

from sitegroup.demo.corpus.article import KIND_SHARES, KINDS
from sitegroup.demo.corpus.determinism import seeded_random
from sitegroup.demo.corpus.titles import Draft, interpretation_title

# The order in which a kind that cannot fill its share hands the rest to the others.
_SPILL_ORDER = ("news", "work", "notice", "policy", "interpretation")


class Entry(NamedTuple):
    days: int  # published this many days ago
    draft: Draft
    policy_title: str  # an interpretation's policy ("" for every other kind)


def capacity(cands: dict[str, list[Draft]]) -> dict[str, int]:
    """How many distinct articles of each kind the candidates allow (one interpretation per policy)."""
    cap = {k: len({d.title for d in v}) for k, v in cands.items()}
    policy_names = {d.doc_name for d in cands["policy"]}
    cap["interpretation"] = min(len(policy_names), cap["policy"])
    return cap


def publication_plan(cands: dict[str, list[Draft]], count: int, key: str) -> list[Entry]:
    """`count` distinct titles with their publication days, oldest first, each policy before its interpretation."""
    quotas = _quotas(count, capacity(cands))
    picker = _Picker(cands)
    for kind in ("policy", "notice", "work", "news"):
        picker.take(kind, quotas[kind])
    rng = seeded_random(key, "assemble")
    dated = _dated(picker.chosen, rng)
    interpretations = _interpretations(dated, quotas["interpretation"], picker.used_titles, rng)
    _fill_up(picker, dated, count - len(interpretations), count, rng)
    return sorted([*dated, *interpretations], key=lambda e: (-e.days, e.draft.kind == "interpretation", e.draft.title))


def _quotas(count: int, capacity: dict[str, int]) -> dict[str, int]:
    """Articles per kind: KIND_SHARES, one of each when there is room, and what a kind cannot fill to others."""
    if count > sum(capacity.values()):
        raise ValueError(f"at most {sum(capacity.values())} distinct articles for this site, asked for {count}")
    want = {k: int(count * KIND_SHARES[k]) for k in KINDS}
    if count >= len(KINDS):
        for k in KINDS:
            want[k] = max(want[k], 1)
    i = 0
    while sum(want.values()) < count:
        want[_SPILL_ORDER[i % len(_SPILL_ORDER)]] += 1
        i += 1
    while sum(want.values()) > count:
        want[max(want, key=lambda k: want[k])] -= 1
    spill = 0
    for k in KINDS:
        if want[k] > capacity[k]:
            spill += want[k] - capacity[k]
            want[k] = capacity[k]
    for k in _SPILL_ORDER:
        give = min(capacity[k] - want[k], spill)
        want[k] += give
        spill -= give
    return want


class _Picker:
    """Takes titles from the candidates so that no title repeats and the kinds share the phrases out."""

    def __init__(self, cands: dict[str, list[Draft]]) -> None:
        self.cands = cands
        self.used_titles: set[str] = set()
        self.used_phrases: Counter[str] = Counter()
        self.chosen: dict[str, list[Draft]] = {k: [] for k in KINDS}

    def take(self, kind: str, n: int) -> None:
        """Choose titles of the kind until it has `n`; phrases no other kind used yet come first."""
        chosen = self.chosen[kind]
        for first_pass in (True, False):
            for d in self.cands[kind]:
                if len(chosen) >= n:
                    return
                if d.title in self.used_titles or (first_pass and self.used_phrases[d.phrase]):
                    continue
                self.used_titles.add(d.title)
                self.used_phrases[d.phrase] += 1
                chosen.append(d)


def _days_ago(rng: random.Random) -> int:
    """An age spread as a live site's is: some this fortnight, most this year, the rest up to two years."""
    u = rng.random()
    if u < 0.15:
        return rng.randint(0, 13)
    if u < 0.82:
        return rng.randint(14, 364)
    return rng.randint(365, 720)


def _dated(chosen: dict[str, list[Draft]], rng: random.Random) -> list[Entry]:
    """The chosen titles with their publication days; the first of each kind is from this week."""
    dated: list[Entry] = []
    for kind in ("news", "notice", "policy", "work"):
        for i, d in enumerate(chosen[kind]):
            # so that every channel has something recent
            dated.append(Entry(rng.randint(0, 6) if i == 0 else _days_ago(rng), d, ""))
    return dated


def _interpretations(dated: list[Entry], quota: int, used_titles: set[str], rng: random.Random) -> list[Entry]:
    """Interpretations, each of a different policy, published with it or a few days later."""
    policies = [e for e in dated if e.draft.kind == "policy"]
    order = list(range(len(policies)))
    rng.shuffle(order)
    out: list[Entry] = []
    done_names: set[str] = set()
    for n, i in enumerate(order):
        if len(out) >= quota:
            break
        pdays, pol, _ = policies[i]
        title = interpretation_title(pol.doc_name, n)
        if not title or pol.doc_name in done_names or title in used_titles:
            continue
        done_names.add(pol.doc_name)
        used_titles.add(title)
        draft = Draft("interpretation", title, pol.chunk, pol.phrase, pol.doc_name)
        out.append(Entry(pdays - rng.randint(0, min(3, pdays)), draft, pol.title))
    return out


def _fill_up(picker: _Picker, dated: list[Entry], wanted: int, count: int, rng: random.Random) -> None:
    """Make up for interpretations that could not be found with more news, work items and notices."""
    missing = wanted - len(dated)
    if missing <= 0:
        return
    for kind in ("news", "work", "notice"):
        had = len(picker.chosen[kind])
        picker.take(kind, had + missing)
        dated.extend(Entry(_days_ago(rng), d, "") for d in picker.chosen[kind][had:])
        missing = wanted - len(dated)
        if missing <= 0:
            return
    raise ValueError(f"cannot make {count} distinct articles for this site")
