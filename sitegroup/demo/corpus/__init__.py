"""Demo documents for the demo province, written from the seed texts.

The five seed texts in ``seedtexts/`` are real reports on government-website work
(安徽, 湖南, 新疆, 马鞍山 and one city whose name the text does not give; that one is
in traditional characters).  This package cuts them into body paragraphs (runs of
whole sentences, ``parse``), finds title phrases in them (headings such as "（二）加强政策解读和
热点回应" and verb–object clauses such as "建立全市统一信息资源库", ``phrases``), and assembles
documents of five kinds for one demo site (the title forms per kind are in ``titles``).

Every body paragraph is text of the seeds (simplified, punctuation made full-width);
only titles are assembled, from seed phrases plus short connective words (地区名,
发文机关, "关于…的通知", "工作方案", "政策解读" …).  Every title names the site (its
area, or the department), so titles differ between sites even where the same seed
paragraph is used.

``source`` (来源) of news and work items is the office that wrote the seed
(``SEED_OFFICES``: 安徽省人民政府办公厅, 马鞍山市数据资源局 …) — they read as articles
reprinted from it.  Notices, policies and interpretations are the site's own documents
(its 文号, its name in the title), so their source is the site's own issuing office.

``articles_for_site(site_code, abbreviation, count)`` is deterministic: the same
arguments give the same list (the one exception is the year inside a policy's 文号,
which is the calendar year of its publication date, counted back from today).
``abbreviation`` is the site's short name (简称); the forms understood are listed in ``sites``.
"""

from sitegroup.demo.corpus.article import (
    EDITORS,
    KIND_LABELS,
    KIND_SHARES,
    KINDS,
    SEED_OFFICES,
    DemoArticle,
)
from sitegroup.demo.corpus.assemble import articles_for_site, corpus_stats
from sitegroup.demo.corpus.parse import SEED_DIR
from sitegroup.demo.corpus.text import T2S_TABLE, to_simplified

# test_corpus checks the bodies against the seeds normalised the way the parser does it.
from sitegroup.demo.corpus.text import normalize as _normalize  # noqa: F401

__all__ = [
    "EDITORS",
    "KINDS",
    "KIND_LABELS",
    "KIND_SHARES",
    "SEED_DIR",
    "SEED_OFFICES",
    "T2S_TABLE",
    "DemoArticle",
    "articles_for_site",
    "corpus_stats",
    "to_simplified",
]
