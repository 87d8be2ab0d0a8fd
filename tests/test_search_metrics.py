"""The search benchmark's measures (bench.search.metrics) on hand-computed cases, and the shape of its test
collection (queries.json, synonyms.json, judgements.json)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.search.metrics import evaluate, ndcg_at_k, recall_at_k

COLLECTION = Path(__file__).resolve().parents[1] / "bench" / "search"


def test_ndcg_of_the_ideal_ranking_is_one() -> None:
    judged = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at_k(["a", "b", "c"], judged) == pytest.approx(1.0)
    assert ndcg_at_k(["a", "b", "c", "x", "y"], judged) == pytest.approx(1.0)  # unjudged ones after them cost nothing


def test_ndcg_by_hand() -> None:
    # DCG = (2^1−1)/log2(2) + (2^3−1)/log2(3) + 0 = 1 + 4.41650 = 5.41650
    # IDCG = 7/log2(2) + 3/log2(3) + 1/log2(4) = 7 + 1.89279 + 0.5 = 9.39279 → 0.57667
    assert ndcg_at_k(["c", "a", "x"], {"a": 3, "b": 2, "c": 1}) == pytest.approx(0.57667, abs=1e-5)
    # one relevant document (grade 2) at rank 4: (3/log2(5)) / (3/log2(2)) = 1/log2(5) = 0.43068
    assert ndcg_at_k(["w", "x", "y", "a"], {"a": 2}) == pytest.approx(0.43068, abs=1e-5)
    # twelve relevant (grade 1), found at ranks 1, 3 and 5: (1 + 1/2 + 1/log2(6)) / Σ_{i=1..10} 1/log2(i+1)
    judged = {f"r{i}": 1 for i in range(12)}
    ranked = ["r0", "x1", "r1", "x2", "r2", "x3", "x4", "x5", "x6", "x7"]
    assert ndcg_at_k(ranked, judged) == pytest.approx(1.88685 / 4.54356, abs=1e-5)


def test_only_the_first_ten_count_and_a_repeated_key_counts_once() -> None:
    judged = {"a": 3}
    assert ndcg_at_k([f"x{i}" for i in range(10)] + ["a"], judged) == 0.0
    assert recall_at_k([f"x{i}" for i in range(10)] + ["a"], judged) == 0.0
    # "a" twice: the copy is dropped, so "b" is the second result, not pushed to rank 3
    assert ndcg_at_k(["a", "a", "b"], {"a": 3, "b": 3}) == pytest.approx(1.0)
    assert recall_at_k(["a"] * 10 + ["b"], {"a": 1, "b": 1}) == pytest.approx(1.0)


def test_recall_is_over_at_most_ten_relevant() -> None:
    fifteen = {f"r{i}": 1 for i in range(15)}
    assert recall_at_k([f"r{i}" for i in range(5)] + [f"x{i}" for i in range(5)], fifteen) == pytest.approx(0.5)
    assert recall_at_k([f"r{i}" for i in range(10)], fifteen) == pytest.approx(1.0)
    assert recall_at_k(["a", "x", "b"], {"a": 1, "b": 2, "c": 3}) == pytest.approx(2 / 3)
    assert recall_at_k([], {"a": 1}) == 0.0
    assert recall_at_k(["a"], {}) == 0.0 and ndcg_at_k(["a"], {}) == 0.0


def test_evaluate_averages_per_kind_and_over_all() -> None:
    judgements = {"q1": {"a": 3}, "q2": {"b": 1, "c": 1}, "q3": {"d": 2}}
    kinds = {"q1": "plain", "q2": "plain", "q3": "pinyin"}
    run = {"q1": ["a"], "q2": ["x", "b"]}  # q3 missing: an empty ranking
    # q2: DCG = 1/log2(3) = 0.63093, IDCG = 1 + 0.63093 → 0.38685; recall 1/2
    result = evaluate(run, judgements, kinds)
    assert result["plain"]["queries"] == 2
    assert result["plain"]["ndcg@10"] == pytest.approx((1 + 0.38685) / 2, abs=1e-5)
    assert result["plain"]["recall@10"] == pytest.approx(0.75)
    assert result["pinyin"] == {"queries": 1, "ndcg@10": 0.0, "recall@10": 0.0}
    assert result["all"]["queries"] == 3
    assert result["all"]["ndcg@10"] == pytest.approx((1 + 0.38685) / 3, abs=1e-5)
    assert result["all"]["recall@10"] == pytest.approx(0.5)
    assert list(result) == ["pinyin", "plain", "all"]


def test_the_collection_is_complete() -> None:
    queries = json.loads((COLLECTION / "queries.json").read_text(encoding="utf-8"))
    judgements = json.loads((COLLECTION / "judgements.json").read_text(encoding="utf-8"))
    synonyms = json.loads((COLLECTION / "synonyms.json").read_text(encoding="utf-8"))
    kinds = Counter(q["kind"] for q in queries)
    assert len(queries) >= 170 and len({q["id"] for q in queries}) == len(queries)
    assert all(kinds[kind] >= 20 for kind in ("pinyin", "initials", "typo", "synonym", "question"))
    assert set(kinds) == {"plain", "multi", "pinyin", "initials", "typo", "synonym", "question"}
    assert set(judgements) == {q["id"] for q in queries}
    assert all(judgements[q["id"]] for q in queries), "every query has a relevant document"
    assert all(set(grades.values()) <= {1, 2, 3} for grades in judgements.values())
    assert all(len(group) >= 2 and len(set(group)) == len(group) for group in synonyms)
