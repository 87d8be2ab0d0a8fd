"""Graded relevance judgements for the search benchmark, computed from the documents and each query's intent.

The judgements never look at an engine: they follow from the demo documents (``bench.search.corpus``), the
``intent`` of each query in ``queries.json`` and the synonym table ``synonyms.json`` alone, so they are
reproducible and favour no engine.

**Intent.** A query's ``intent`` is the list of Chinese terms it means, whatever its surface form (pinyin,
initials, a typo, a synonym, a question): ``zwgk`` → ``["政务公开"]``, ``政俯信息公开`` → ``["政府信息公开"]``,
``怎么申请政府信息公开`` → ``["依申请公开|申请公开", "政府信息公开"]``. A document must match *every* term (AND).
A term written ``a|b`` is matched by either form.

**Synonyms.** ``synonyms.json`` is a list of groups of equivalent words, the one the documents use first
(``["互联网+政务服务", "网上办事", "一网通办"]``): the platform-wide synonym table the engines load, as an editor
enters it. A term of any query is matched by every word of its group: a group is one concept, so a synonym query's
intent is simply the documents' term (``一网通办`` → ``["互联网+政务服务"]``), and documents that use the query's
own word (``网上办事`` occurs in the corpus too) count as well. Most groups' other words do not occur in the
corpus at all (``等保``, ``两微一端``, ``简政放权`` …): only synonym expansion finds those documents.

**Matching.** Literal occurrences in the title and in the body text (HTML stripped), both sides NFKC-normalised and
lower-cased; a term's body count is the number of non-overlapping occurrences of any of its forms.

**Grades**, for each document in the query's scope (every document for ``"group"``, else that site's only):

- 3 — every term is in the title;
- 2 — every term is in the title or occurs at least twice in the body;
- 1 — every term occurs at least once (title or body);
- 0 — some term does not occur: not relevant (not written to the file).

**Hand check.** 60 judgements (``--sample 30`` with seeds 7, 11 and 3, 30 after the last change) were read against
the documents. The corpus' documents are short (one to four paragraphs of one seed report on government-website
work), so a term that occurs is usually part of what the paragraph says, and a title term is the document's
subject; a single mention is a passing one (grade 1: the 负责人信息 page's "分管……政务公开等方面工作", the 指南's
"负责人信息、政策文件……分类编排"). What the check changed:

- grade 2 first also went to "some term in the title, the others anywhere": that made every 合肥 document that
  mentions 政务公开 once a 2 for ``合肥 政务公开`` (the site's name is in all its titles); now each term must be in
  the title or repeated in the body;
- question intents were aimed at the documents that answer them: ``怎么申请政府信息公开`` wants the 指南's
  依申请公开 (not the 年度报告's "未收到政府信息公开申请"), ``……可以申请行政复议吗`` wants "申请行政复议" (the
  指南's 监督和救济, not the 年度报告's "未发生……行政复议");
- synonym groups apply to every query's terms, not only to synonym queries (``规范性文件怎样公开征求意见`` is
  answered by documents titled …规范性文件意见征集).

    .venv/bin/python -m bench.search.judge [--sample N [--seed S]]

writes ``bench/search/judgements.json`` (``{query id: {"site_id|title": grade}}``, best first) and prints the
number of relevant documents per kind of query; a query with no relevant document (or an unknown kind or scope) is
an error. The titles of the ten 年度报告 carry last year's number: rerun this after New Year (the corpus cache is
keyed by the year and is seeded afresh then).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from bench.search import corpus

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.json"
JUDGEMENTS = HERE / "judgements.json"
SYNONYMS = HERE / "synonyms.json"
KINDS = ("plain", "multi", "pinyin", "initials", "typo", "synonym", "question")

Query = dict[str, Any]
Judgements = dict[str, dict[str, int]]


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def load_queries(path: Path = QUERIES) -> list[Query]:
    return json.loads(path.read_text(encoding="utf-8"))


def load_synonyms(path: Path = SYNONYMS) -> list[list[str]]:
    return json.loads(path.read_text(encoding="utf-8"))


def term_forms(term: str, synonyms: Sequence[Sequence[str]] = ()) -> list[str]:
    """The normalised surface forms of an intent term: its own (``a|b``), each with its synonym group."""
    own = [form for form in term.split("|") if form]
    found = list(own)
    for group in synonyms:
        if any(form in group for form in own):
            found += [word for word in group if word not in found]
    return [normalize(form) for form in found]


def _count(text: str, forms: list[str]) -> int:
    """Non-overlapping occurrences of any of the forms, the longest form first where two start at one place."""
    pattern = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return len(re.findall(pattern, text))


def grade(title: str, body: str, terms: list[list[str]]) -> int:
    """The grade of a document (its normalised title and body) for a query's intent, each term given by its
    surface forms (``term_forms``), by the rules above."""
    in_title = [_count(title, forms) > 0 for forms in terms]
    in_body = [_count(body, forms) for forms in terms]
    if all(in_title):
        return 3
    if not all(t or b > 0 for t, b in zip(in_title, in_body, strict=True)):
        return 0
    if all(t or b >= 2 for t, b in zip(in_title, in_body, strict=True)):
        return 2
    return 1


def judge(docs: list[corpus.Doc], queries: list[Query], synonyms: Sequence[Sequence[str]] = ()) -> Judgements:
    """``{query id: {key: grade}}`` for every document with a grade above 0, the best first (then by key)."""
    texts = [(d["site_id"], corpus.key(d), normalize(d["title"]), normalize(d["body_text"])) for d in docs]
    result: Judgements = {}
    for query in queries:
        scope = query["scope"]
        terms = [term_forms(term, synonyms) for term in query["intent"]]
        grades = {
            key: g
            for site, key, title, body in texts
            if scope in ("group", site) and (g := grade(title, body, terms)) > 0
        }
        result[query["id"]] = dict(sorted(grades.items(), key=lambda kv: (-kv[1], kv[0])))
    return result


def validate(queries: list[Query], sites: set[str]) -> list[str]:
    """Problems with the query file: duplicate ids, unknown kinds or scopes, empty intents."""
    problems = []
    ids = [q["id"] for q in queries]
    problems += [f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for q in queries:
        if q["kind"] not in KINDS:
            problems.append(f"{q['id']}: unknown kind {q['kind']!r}")
        if q["scope"] != "group" and q["scope"] not in sites:
            problems.append(f"{q['id']}: unknown scope {q['scope']!r}")
        if not q["intent"] or not all(term_forms(t) for t in q["intent"]):
            problems.append(f"{q['id']}: empty intent")
    return problems


def summary(queries: list[Query], judgements: Judgements) -> list[tuple[str, int, float, int, int, float]]:
    """Per kind (and all): queries, mean relevant documents, min, max, mean highly relevant (grade ≥ 2)."""
    by_kind: dict[str, list[Query]] = defaultdict(list)
    for q in queries:
        by_kind[q["kind"]].append(q)
    rows = []
    for kind, group in [*((k, by_kind[k]) for k in KINDS if by_kind[k]), ("all", queries)]:
        counts = [len(judgements[q["id"]]) for q in group]
        high = [sum(g >= 2 for g in judgements[q["id"]].values()) for q in group]
        rows.append((kind, len(group), mean(counts), min(counts), max(counts), mean(high)))
    return rows


def sample(
    docs: list[corpus.Doc],
    queries: list[Query],
    judgements: Judgements,
    synonyms: Sequence[Sequence[str]],
    n: int,
    seed: int = 7,
) -> None:
    """Print `n` judgements picked at random (graded 0 to 3 alike) with the places the intent terms occur, to
    check the rules by reading the documents."""
    by_key = {corpus.key(d): d for d in docs}
    rng = random.Random(seed)
    for query in rng.sample(queries, n):
        in_scope = [d for d in docs if query["scope"] in ("group", d["site_id"])]
        doc = rng.choice(in_scope)
        if rng.random() < 0.7 and judgements[query["id"]]:  # mostly judged documents, some not
            doc = by_key[rng.choice(list(judgements[query["id"]]))]
        g = judgements[query["id"]].get(corpus.key(doc), 0)
        print(f"\n{query['id']} [{query['kind']}] {query['q']!r} intent={query['intent']} → grade {g}")
        print(f"  {corpus.key(doc)}  ({doc['kind']})")
        body = normalize(doc["body_text"])
        for term in query["intent"]:
            for form in term_forms(term, synonyms):
                spots = [m.start() for m in re.finditer(re.escape(form), body)]
                for at in spots[:3]:
                    print(f"    {form}: …{body[max(0, at - 30) : at + len(form) + 30]}…".replace("\n", " / "))
                if not spots:
                    print(f"    {form}: not in the body")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=0, help="print N judgements with their evidence")
    parser.add_argument("--seed", type=int, default=7, help="which N (--sample)")
    args = parser.parse_args()
    docs = corpus.documents()
    queries = load_queries()
    problems = validate(queries, {d["site_id"] for d in docs})
    synonyms = load_synonyms()
    judgements = judge(docs, queries, synonyms)
    problems += [f"{q['id']} {q['q']!r}: no relevant document" for q in queries if not judgements[q["id"]]]
    JUDGEMENTS.write_text(json.dumps(judgements, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(queries)} queries over {len(docs)} documents → {JUDGEMENTS.relative_to(corpus.ROOT)}")
    print(f"{'kind':<10}{'queries':>8}{'mean rel':>10}{'min':>6}{'max':>6}{'mean ≥2':>9}")
    for kind, n, avg, low, high, strong in summary(queries, judgements):
        print(f"{kind:<10}{n:>8}{avg:>10.1f}{low:>6}{high:>6}{strong:>9.1f}")
    if args.sample:
        sample(docs, queries, judgements, synonyms, args.sample, args.seed)
    if problems:
        raise SystemExit("\n".join(problems))


if __name__ == "__main__":
    main()
