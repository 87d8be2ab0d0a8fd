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

# 国务院公文主题分类, first level.
TOPIC_CATEGORIES = (
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、卫生、体育",
    "国防",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "机构编制",
    "群众团体",
    "其他",
)

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
