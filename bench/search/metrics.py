"""Ranking quality measures of the search benchmark: nDCG@10 and recall@10 against graded judgements.

A run is ``{query id: [document key, …]}``, the keys (``"site_id|title"``, ``bench.search.corpus.key``) in the
order the engine ranked them, best first. Judgements are ``{query id: {key: grade}}`` with grades 1–3
(``bench.search.judge``); a document not listed has grade 0. A key repeated in a ranking counts at its first place
only (later copies are dropped before the cut-off); a query missing from the run counts as an empty ranking.

- **nDCG@10**: DCG@10 = Σ_{i=1..10} (2^g_i − 1) / log2(i + 1) over the first ten results (g_i the grade of the
  result at rank i), divided by the ideal DCG@10: the same sum over the query's judged grades sorted best first.
  1.0 is a perfect ranking.
- **recall@10** = (relevant documents, grade ≥ 1, in the first ten) / min(10, number of relevant documents): a query
  with more than ten relevant documents scores 1.0 when all ten places hold relevant ones, so broad and narrow
  queries are on one scale.

A query without relevant documents scores 0 on both (``judge`` refuses such queries, so none should occur).
``evaluate`` averages both over the queries of each kind and over all of them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from statistics import mean

K = 10
Run = Mapping[str, Sequence[str]]
Judgements = Mapping[str, Mapping[str, int]]


def _top(ranked: Iterable[str], k: int) -> list[str]:
    """The first k distinct keys of a ranking."""
    seen: dict[str, None] = {}
    for key in ranked:
        if key not in seen:
            seen[key] = None
            if len(seen) == k:
                break
    return list(seen)


def dcg(grades: Iterable[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(grades, start=1))


def ndcg_at_k(ranked: Sequence[str], judged: Mapping[str, int], k: int = K) -> float:
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg(judged.get(key, 0) for key in _top(ranked, k)) / ideal


def recall_at_k(ranked: Sequence[str], judged: Mapping[str, int], k: int = K) -> float:
    relevant = {key for key, g in judged.items() if g > 0}
    if not relevant:
        return 0.0
    return sum(key in relevant for key in _top(ranked, k)) / min(k, len(relevant))


def per_query(run: Run, judgements: Judgements, k: int = K) -> dict[str, dict[str, float]]:
    """``{query id: {"ndcg@10": …, "recall@10": …}}`` for every judged query."""
    return {
        qid: {
            f"ndcg@{k}": ndcg_at_k(run.get(qid, ()), judged, k),
            f"recall@{k}": recall_at_k(run.get(qid, ()), judged, k),
        }
        for qid, judged in judgements.items()
    }


def evaluate(run: Run, judgements: Judgements, kinds: Mapping[str, str], k: int = K) -> dict[str, dict[str, float]]:
    """Mean nDCG@k and recall@k per kind of query and over all (``"all"``), with the number of queries.

    ``kinds`` maps each query id to its kind (``{q["id"]: q["kind"] for q in queries}``); only queries that have
    judgements and a kind are scored."""
    scores = per_query(run, {qid: j for qid, j in judgements.items() if qid in kinds}, k)
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    for qid, score in scores.items():
        groups[kinds[qid]].append(score)
        groups["all"].append(score)
    names = [*sorted(name for name in groups if name != "all"), "all"] if groups else []
    return {
        name: {
            "queries": len(groups[name]),
            f"ndcg@{k}": mean(s[f"ndcg@{k}"] for s in groups[name]),
            f"recall@{k}": mean(s[f"recall@{k}"] for s in groups[name]),
        }
        for name in names
    }
