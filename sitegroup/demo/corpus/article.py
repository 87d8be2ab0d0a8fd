"""What a demo article is: its kinds and their shares, its fields, and the values they draw from."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("news", "notice", "policy", "interpretation", "work")
KIND_LABELS = {
    "news": "政务动态",
    "notice": "通知公告",
    "policy": "政策文件",
    "interpretation": "政策解读",
    "work": "工作动态",
}
KIND_SHARES = {"news": 0.45, "notice": 0.15, "policy": 0.15, "interpretation": 0.10, "work": 0.15}

# 责任编辑 of the demo content.
EDITORS = ("张晓燕", "李建华", "王海涛", "陈静", "刘文博", "赵雪梅", "周立新", "孙丽娟")

# Who wrote each seed, read off the seed itself (000 names 安徽省人民政府办公厅, 001 is
# signed by 湖南省人民政府办公厅, 003 speaks for 新疆维吾尔自治区人民政府办公厅, 004 is
# about 马鞍山市's site group, run by its 数据资源局).  002 is a city's implementing
# opinions that do not name the city.
SEED_OFFICES = {
    "000": "安徽省人民政府办公厅",
    "001": "湖南省人民政府办公厅",
    "002": "市人民政府办公室",
    "003": "新疆维吾尔自治区人民政府办公厅",
    "004": "马鞍山市数据资源局",
}


@dataclass(frozen=True, slots=True)
class DemoArticle:
    kind: str  # one of KINDS
    title: str
    subtitle: str
    paragraphs: tuple[str, ...]
    summary: str
    keywords: tuple[str, ...]
    source: str
    author: str
    doc_number: str
    topic_category: str
    subject_words: tuple[str, ...]
    interprets: int | None
    seed: str
    published_days_ago: int
