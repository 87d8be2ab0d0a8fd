"""What an article carries besides its body: summary, keywords, 主题分类 and 主题词, all read off the text."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from sitegroup.demo.corpus.text import segmenter, sentences

_KEYWORD_POS = {"n", "nz", "vn", "nt", "nl"}
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
# Words too common in these texts to tell one article from another.
_STOP = frozenset(
    (
        "工作", "情况", "方面", "问题", "要求", "方式", "内容", "水平", "能力", "作用",
        "部门", "单位", "全省", "全市", "全区", "全县", "各级", "地方", "人员", "目标",
        "领域", "过程", "时间", "基础", "形式", "措施", "有关", "相关", "主要", "重要",
        "进一步", "发展", "建设", "管理", "服务", "推进", "实现", "提供", "开展",
        "加强", "提升", "提高", "政府", "网站", "信息", "年度", "期间", "今年", "去年",
        "近年", "目前", "同时", "以及", "通过", "按照", "根据", "实际", "情形", "我省",
        "我区", "我市", "全国", "国家", "社会", "公众", "群众", "网民", "系统", "平台",
        "数据", "工作人员", "省政府", "市政府", "统一", "人民政府", "办公厅", "办公室",
        "印发", "通知", "办法", "意见", "方案", "实施", "一图", "活动", "事项", "部分",
        "环节", "时限", "条件", "原则", "月份", "全部", "全面", "整体", "利用", "关系",
        "精神", "主体", "研究", "委托", "机构", "代表", "规范", "办理", "重点", "指导",
        "质量", "资源", "主管", "领导", "自治区", "省直", "安徽省政府", "功能", "全过程",
    )
)  # fmt: skip


@lru_cache(maxsize=8192)
def keywords(title: str, text: str) -> tuple[str, ...]:
    """Two to five nouns the body repeats (a word of the title counts more); cached, as segmenting is slow."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for pos, (word, tag) in enumerate(segmenter().tag(text)):
        if tag in _KEYWORD_POS and len(word) >= 2 and word not in _STOP and _HAN_WORD.match(word):
            counts[word] += 1
            first.setdefault(word, pos)
    for word in counts:
        if word in title:
            counts[word] += 2
    ranked = sorted(counts, key=lambda w: (-counts[w], first[w]))
    strong = [w for w in ranked if counts[w] >= 2]
    picked = strong[:5] if len(strong) >= 2 else ranked[:2]
    if len(picked) < 2:  # a body too short to have two terms
        picked = [*picked, *(w for w in ("政府网站", "政务公开") if w not in picked)][:2]
    return tuple(picked)


def summary(paragraphs: tuple[str, ...], limit: int = 120) -> str:
    """The whole first sentences of the body that fit in `limit` characters, as a list page shows them."""
    out = ""
    for sentence in sentences(paragraphs[0]):
        if len(out) + len(sentence) > limit:
            break
        out += sentence
    if out:
        return out
    # the first sentence alone is too long: cut it at a clause boundary
    text = paragraphs[0]
    cut = max(text.rfind(p, 0, limit - 2) for p in "，；：、")
    return text[: cut if cut > 20 else limit - 2] + "……"


_CATEGORY_RULES = (
    ("财政、金融、审计", ("经费", "财政", "预算", "稿费", "资金")),
    ("劳动、人事、监察", ("队伍", "培训", "考核", "问责", "约谈", "人员", "干部", "绩效")),
    ("公安、安全、司法", ("安全", "保密", "等级保护", "防护", "应急")),
    ("科技、教育", ("技术", "大数据", "人工智能", "智能", "云平台")),
    ("国民经济管理、国有资产监管", ("营商", "惠企", "企业", "经济", "放管服")),
    ("民政、扶贫、救灾", ("民生", "救助", "社保", "婚姻")),
    ("商贸、海关、旅游", ("旅游", "经贸", "外语", "外事")),
    ("文化、广电、新闻出版", ("媒体", "新闻", "广播", "电视", "报刊")),
)


def topic_category(title: str, text: str) -> str:
    """The 主题分类 whose words the document uses most; 综合政务 unless one clearly stands out."""
    best, best_score = "综合政务", 0
    for category, words in _CATEGORY_RULES:
        score = sum(3 * title.count(w) + text.count(w) for w in words)
        if score > best_score:
            best, best_score = category, score
    return best if best_score >= 4 else "综合政务"


# 主题词 (国务院公文主题词表 style) that these documents can carry.
_SUBJECT_VOCAB = (
    "电子政务", "政务公开", "信息公开", "网站", "新媒体", "政务服务", "信息化", "数据", "平台",
    "安全", "保密", "标准", "规范", "监督", "考核", "培训", "经费", "队伍", "机制", "政策",
    "解读", "互动", "舆情", "营商环境", "技术", "集约化", "管理",
)  # fmt: skip


def subject_words(title: str, text: str) -> tuple[str, ...]:
    """Two or three 主题词 of the vocabulary, title words first, then the document's genre."""
    genre = "意见" if title.endswith("实施意见") else "通知" if title.endswith("通知") else "办法"
    if "工作方案" in title:
        genre = "方案"
    hits = [w for w in _SUBJECT_VOCAB if w in title or w in text]
    hits.sort(key=lambda w: (w not in title, -text.count(w), _SUBJECT_VOCAB.index(w)))
    words = hits[:3]
    for extra in ("电子政务", "政务公开"):
        if len(words) < 2 and extra not in words:
            words.append(extra)
    return (*words, genre)
