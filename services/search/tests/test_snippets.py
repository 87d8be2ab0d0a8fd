"""Highlighting in our own code: the longest term wins, text is escaped, the window holds the most hits."""

from services.search.analysis.snippets import highlight, snippet


def test_the_longest_term_is_marked_where_terms_overlap_and_the_rest_is_escaped() -> None:
    marked = highlight("关于<政府信息公开>工作的通知", ["信息", "政府信息公开", "公开"])
    assert str(marked) == "关于&lt;<em>政府信息公开</em>&gt;工作的通知"


def test_letters_are_marked_whatever_their_case() -> None:
    assert str(highlight("启用 OFD 版式文件", ["ofd"])) == "启用 <em>OFD</em> 版式文件"


def test_a_title_without_terms_is_only_escaped() -> None:
    assert str(highlight("A&B 公告", [])) == "A&amp;B 公告"


def test_the_snippet_is_the_window_with_the_most_hits() -> None:
    tail = "医保报销、医保结算和医保目录调整。"
    body = "今年以来，全市持续优化营商环境。" * 3 + "医保" + "其他工作正常开展。" * 20 + tail
    found = str(snippet(body, ["医保"], length=40))
    assert found.startswith("…") and found.count("<em>医保</em>") == 3


def test_a_body_without_hits_starts_at_its_beginning() -> None:
    assert str(snippet("政务公开工作要点", ["公积金"], length=4)) == "政务公开…"
