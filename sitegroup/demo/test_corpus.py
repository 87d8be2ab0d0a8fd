"""Tests of the demo corpus built from the seed texts."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest

from sitegroup.demo.corpus import (
    EDITORS,
    KIND_SHARES,
    KINDS,
    SEED_DIR,
    SEED_OFFICES,
    T2S_TABLE,
    DemoArticle,
    _normalize,
    articles_for_site,
    corpus_stats,
    to_simplified,
)

HAN = re.compile(r"[\u4e00-\u9fff]")
PUNCT = re.compile(r"[\s，。、；：！？“”‘’《》（）〈〉…,.;:!?()\"'—\-·]")

# Nine demo sites with different names: a province, cities, counties, a district and
# department sites.
SITES = (
    ("3400000000", "皖"),
    ("3405000000", "青山市"),
    ("3406000000", "江北市"),
    ("3405210000", "临湖县"),
    ("3405030000", "青山市东城区"),
    ("3406220000", "白沙"),
    ("3405000101", "青山市数据资源局"),
    ("3406000102", "江北市教育局"),
    ("3407000000", "云溪市"),
)


def han_ratio(text: str) -> float:
    return len(HAN.findall(text)) / max(1, len(text))


@pytest.fixture(scope="module")
def qingshan() -> list[DemoArticle]:
    return articles_for_site("3405000000", "青山市", 120)


@pytest.fixture(scope="module")
def big() -> list[DemoArticle]:
    return articles_for_site("3405000000", "青山市", 600)


@pytest.fixture(scope="module")
def nine_sites() -> dict[str, list[DemoArticle]]:
    return {abbr: articles_for_site(code, abbr, 120) for code, abbr in SITES}


def all_text(article: DemoArticle) -> str:
    return "".join(
        (
            article.title,
            article.subtitle,
            *article.paragraphs,
            article.summary,
            *article.keywords,
            article.source,
            article.author,
            article.doc_number,
            article.topic_category,
            *article.subject_words,
        )
    )


# --- the corpus -------------------------------------------------------------


def test_seed_texts_ship_with_the_package() -> None:
    names = sorted(p.name for p in SEED_DIR.glob("*.txt"))
    assert len(names) == 5
    assert [n[:3] for n in names] == sorted(SEED_OFFICES)
    assert sum(p.stat().st_size for p in SEED_DIR.glob("*.txt")) > 40_000


def test_corpus_stats_report_600_plus_capacity() -> None:
    stats = corpus_stats()
    assert stats["seeds"] == 5
    assert stats["paragraphs"] >= 100
    assert stats["article_capacity"] >= 600
    assert stats["article_capacity"] == sum(stats[f"capacity_{k}"] for k in KINDS)


def test_traditional_seed_is_converted() -> None:
    raw = next(SEED_DIR.glob("002_*.txt")).read_text(encoding="utf-8")
    assert sum(raw.count(c) for c in T2S_TABLE) > 500  # it really is traditional
    assert all(c in raw for c in T2S_TABLE)  # the table holds only characters of the seed
    simplified = to_simplified(raw)
    assert not set(simplified) & set(T2S_TABLE)
    assert "政府网站" in simplified and "门户网站" in simplified
    # the Taiwan usage of the traditional text is put back to mainland terms
    for tw in ("入口网站", "连结", "搜寻", "资料库", "套用", "智慧型"):
        assert tw not in simplified
    # simplified text passes unchanged
    assert to_simplified("推进政务公开标准化规范化工作") == "推进政务公开标准化规范化工作"


def test_no_traditional_characters_in_any_output(big, nine_sites) -> None:
    traditional = set(T2S_TABLE)
    for article in [*big, *(a for arts in nine_sites.values() for a in arts)]:
        assert not set(all_text(article)) & traditional, article.title


# --- determinism and size ---------------------------------------------------


def test_same_inputs_same_output(qingshan) -> None:
    assert articles_for_site("3405000000", "青山市", 120) == qingshan
    assert articles_for_site("3400000000", "皖", 50) == articles_for_site("3400000000", "皖", 50)


def test_other_site_other_output(qingshan) -> None:
    other = articles_for_site("3406000000", "江北市", 120)
    assert [a.title for a in other] != [a.title for a in qingshan]


@pytest.mark.parametrize("count", [0, 1, 2, 4, 5, 7, 12, 120, 600])
def test_returns_count_articles(count: int) -> None:
    articles = articles_for_site("3405000000", "青山市", count)
    assert len(articles) == count
    assert len({a.title for a in articles}) == count


def test_600_distinct_articles_for_one_site(big) -> None:
    assert len(big) == 600
    assert len({a.title for a in big}) == 600
    assert len({(a.title, a.paragraphs) for a in big}) == 600
    assert len({a.paragraphs for a in big}) >= 250  # bodies vary, not only titles


def test_too_many_is_an_error() -> None:
    cap = corpus_stats()["article_capacity"]
    with pytest.raises(ValueError):
        articles_for_site("3405000000", "青山市", cap * 3)
    with pytest.raises(ValueError):
        articles_for_site("3405000000", "青山市", -1)


def test_fast_after_first_call() -> None:
    articles_for_site("3405000000", "青山市", 120)  # warm the caches
    start = time.perf_counter()
    articles_for_site("3499000000", "试验市", 120)
    assert time.perf_counter() - start < 0.2


# --- titles -------------------------------------------------------------------


def test_titles_unique_and_chinese(big) -> None:
    for a in big:
        assert 8 <= len(a.title) <= 40, a.title
        assert han_ratio(a.title) >= 0.75, a.title
        assert not re.search(r"[A-Za-z]", a.title), a.title
        assert not re.fullmatch(r"[\x00-\x7f]+", a.title)


def test_titles_unique_across_nine_sites(nine_sites) -> None:
    titles = [a.title for arts in nine_sites.values() for a in arts]
    assert len(titles) == 9 * 120
    dupes = [t for t, n in Counter(titles).items() if n > 1]
    assert not dupes


def test_titles_name_the_site(nine_sites) -> None:
    area = {"皖": "安徽省", "白沙": "白沙县"}
    for abbr, arts in nine_sites.items():
        name = area.get(abbr, abbr)
        for a in arts:
            assert name in a.title, (abbr, a.title)


def test_title_forms_per_kind(big) -> None:
    for a in big:
        if a.kind == "notice":
            assert re.fullmatch(r"青山市(人民政府办公室|政府办)关于.+的通知", a.title), a.title
        elif a.kind == "policy":
            assert re.search(r"(关于印发.+的通知|实施意见|管理办法)$", a.title), a.title
        elif a.kind == "interpretation":
            assert re.fullmatch(r"(一图读懂)?《.+》(政策解读|解读)?", a.title), a.title
        else:
            assert a.title.startswith("青山市"), a.title


# --- kinds and links ------------------------------------------------------------


def test_all_kinds_present_in_roughly_the_asked_shares(qingshan, big) -> None:
    for articles in (qingshan, big):
        n = len(articles)
        counts = Counter(a.kind for a in articles)
        assert set(counts) == set(KINDS)
        for kind in ("notice", "policy", "interpretation"):
            assert abs(counts[kind] - n * KIND_SHARES[kind]) <= 1 + n * 0.02, (kind, counts)
        assert counts["news"] + counts["work"] == pytest.approx(n * 0.6, abs=2)
    counts = Counter(a.kind for a in articles_for_site("3405000000", "青山市", 5))
    assert set(counts) == set(KINDS)


def test_interpretations_point_to_earlier_policies(big, nine_sites) -> None:
    for articles in (big, *nine_sites.values()):
        interpreted = []
        for i, a in enumerate(articles):
            if a.kind != "interpretation":
                assert a.interprets is None
                continue
            j = a.interprets
            assert j is not None and 0 <= j < i
            policy = articles[j]
            assert policy.kind == "policy"
            assert policy.published_days_ago >= a.published_days_ago
            name = re.search(r"《(.+)》", a.title).group(1)
            assert name in policy.title
            assert a.topic_category == policy.topic_category
            interpreted.append(j)
        assert len(interpreted) == len(set(interpreted))  # one interpretation per policy


def test_policy_metadata(big) -> None:
    numbers = []
    for a in big:
        if a.kind == "policy":
            m = re.fullmatch(r"青政办〔(\d{4})〕(\d+)号", a.doc_number)
            assert m, a.doc_number
            numbers.append((int(m.group(1)), int(m.group(2))))
            assert a.topic_category  # from the national vocabulary: seeding through the content service checks it
            assert 2 <= len(a.subject_words) <= 5
            assert a.subject_words[-1] in ("通知", "意见", "办法", "方案")
        else:
            assert a.doc_number == "" and a.subject_words == ()
            if a.kind != "interpretation":
                assert a.topic_category == ""
    assert len(numbers) == len(set(numbers))
    assert {c for a in big if a.topic_category for c in [a.topic_category]} > {"综合政务"}


def test_doc_number_prefix_follows_the_abbreviation(nine_sites) -> None:
    prefixes = {
        "皖": "皖政办",
        "青山市": "青政办",
        "临湖县": "临政办",
        "青山市东城区": "东政办",
        "青山市数据资源局": "青数",
    }
    for abbr, prefix in prefixes.items():
        numbers = [a.doc_number for a in nine_sites[abbr] if a.kind == "policy"]
        assert numbers and all(n.startswith(prefix + "〔") for n in numbers), (abbr, numbers)


def test_department_site(nine_sites) -> None:
    for a in nine_sites["青山市数据资源局"]:
        assert "青山市数据资源局" in a.title
        if a.kind in ("policy", "notice", "interpretation"):
            assert a.source == "青山市数据资源局"


# --- bodies and metadata ---------------------------------------------------------


@pytest.fixture(scope="module")
def seed_text() -> str:
    text = ""
    for path in sorted(SEED_DIR.glob("*.txt")):
        text += "".join(_normalize(to_simplified(line)) for line in path.read_text(encoding="utf-8").splitlines())
    return PUNCT.sub("", text)


def test_paragraphs_are_seed_sentences(big, seed_text) -> None:
    for a in big:
        assert 1 <= len(a.paragraphs) <= 4
        for p in a.paragraphs:
            assert p[-1] in "。！？", p
            assert han_ratio(p) >= 0.6, p
            assert PUNCT.sub("", p) in seed_text, p


def test_summary_is_short_and_from_the_body(big) -> None:
    for a in big:
        assert 10 <= len(a.summary) <= 120
        assert a.paragraphs[0].startswith(a.summary.removesuffix("……"))


def test_keywords(big) -> None:
    for a in big:
        assert 2 <= len(a.keywords) <= 5, a.keywords
        assert len(set(a.keywords)) == len(a.keywords)
        for w in a.keywords:
            assert len(w) >= 2 and HAN.fullmatch(w[0]) and han_ratio(w) == 1, w
            assert w not in ("工作", "情况", "的", "和", "政府", "网站")


def test_sources_authors_and_seeds(big) -> None:
    for a in big:
        assert a.seed in {p.name for p in SEED_DIR.glob("*.txt")}
        assert han_ratio(a.source) == 1
        if a.kind in ("news", "work"):
            assert a.source == SEED_OFFICES[a.seed[:3]]
        else:
            assert a.source == "青山市人民政府办公室"
        assert a.author in EDITORS or (a.author == "" and a.kind == "policy")
        assert a.subtitle == "" or han_ratio(a.subtitle) > 0.8
    assert len({a.seed for a in big}) == 5


def test_publication_dates_spread(big, qingshan) -> None:
    for articles in (big, qingshan):
        days = [a.published_days_ago for a in articles]
        assert all(0 <= d <= 720 for d in days)
        assert days == sorted(days, reverse=True)  # oldest first
        assert sum(d < 14 for d in days) >= len(days) * 0.05
        assert sum(d < 365 for d in days) >= len(days) * 0.7
        assert max(days) >= 365
        for kind in KINDS:  # every channel has something recent
            assert min(a.published_days_ago for a in articles if a.kind == kind) < 14
