"""Demo documents for the demo province, written from the seed texts.

The five seed texts in ``seedtexts/`` are real reports on government-website work
(安徽, 湖南, 新疆, 马鞍山 and one city whose name the text does not give; that one is
in traditional characters).  This module cuts them into body paragraphs (runs of
whole sentences), finds title phrases in them (headings such as "（二）加强政策解读和
热点回应" and verb–object clauses such as "建立全市统一信息资源库"), and assembles
documents of five kinds for one demo site:

======================  ===========================================================
``news``  政务动态       "{地区}{短语}" — 1–4 consecutive paragraphs
``work``  工作动态       "{地区}{部门}{短语}" — 1–3 paragraphs
``notice`` 通知公告      "{发文机关}关于{短语}的通知" — 2–4 paragraphs
``policy`` 政策文件      "关于印发{地区}{事项}工作方案的通知", "…管理办法", "…实施意见",
                        with 文号, 主题分类 and 主题词
``interpretation`` 政策解读  "《{政策名称}》政策解读" — points at a policy earlier in the
                        same list (``interprets``)
======================  ===========================================================

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

``abbreviation`` is the site's short name (简称).  These forms are understood:

* one character — a province, e.g. ``"皖"`` (area 安徽省, 文号 ``皖政办〔2025〕12号``);
  an unknown character ``"X"`` becomes the area ``"X省"``;
* an area name — ``"青山市"``, ``"临湖县"``, ``"湖南省"``, ``"青山市东城区"`` (文号
  ``东政办〔…〕``); without a suffix
  (``"青山"``) the level is taken from the 10-digit site code (``3400000000`` is a
  province, ``3405000000`` a city, anything else a county), defaulting to a city;
* a department site — ``"青山市数据资源局"`` (area 青山市, department 数据资源局,
  文号 ``青数〔2025〕3号``; a district's ``"青山市东城区教育局"`` gives ``东教``);
* a full name ending in 人民政府 / 政府 — the suffix is dropped.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import rjieba

__all__ = [
    "EDITORS",
    "KINDS",
    "KIND_LABELS",
    "KIND_SHARES",
    "SEED_DIR",
    "SEED_OFFICES",
    "T2S_TABLE",
    "TOPIC_CATEGORIES",
    "DemoArticle",
    "articles_for_site",
    "corpus_stats",
    "to_simplified",
]

SEED_DIR = Path(__file__).with_name("seedtexts")

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

# ---------------------------------------------------------------------------
# Traditional → simplified.  Exactly the traditional characters that occur in the
# seeds (all of them in 002); ``test_corpus`` checks that none is left in the output.
_T2S_PAIRS = (
    "並并 併并 來来 係系 個个 備备 傳传 價价 儘尽 優优 內内 兩两 則则 創创 劃划 動动 務务 勞劳 "
    "區区 協协 參参 員员 問问 單单 嚴严 國国 圍围 圖图 團团 執执 報报 場场 學学 實实 審审 寫写 "
    "寬宽 將将 專专 尋寻 對对 導导 層层 屬属 幹干 庫库 廣广 廳厅 強强 後后 徑径 徵征 態态 慮虑 "
    "應应 戶户 掃扫 採采 揚扬 揮挥 撐撑 擔担 據据 擴扩 數数 斷断 於于 時时 曉晓 會会 條条 業业 "
    "極极 構构 標标 機机 檢检 欄栏 歸归 決决 沒没 況况 淺浅 測测 準准 滿满 濟济 瀏浏 為为 無无 "
    "熱热 牽牵 獨独 獲获 現现 環环 產产 發发 監监 眾众 確确 礎础 礙碍 稱称 積积 節节 範范 篩筛 "
    "簡简 簽签 籌筹 糾纠 紀纪 約约 紙纸 級级 細细 終终 組组 結结 絕绝 絡络 給给 統统 經经 綜综 "
    "維维 網网 緒绪 線线 編编 縣县 績绩 織织 繞绕 義义 聞闻 聯联 聲声 職职 與与 舉举 蓋盖 處处 "
    "術术 衛卫 補补 製制 複复 見见 規规 視视 覽览 觀观 訂订 計计 討讨 訓训 託托 記记 訪访 設设 "
    "評评 語语 誤误 說说 誰谁 調调 談谈 請请 論论 諾诺 講讲 證证 識识 譯译 議议 護护 讀读 變变 "
    "豐丰 貿贸 資资 質质 負负 財财 責责 費费 載载 輯辑 輿舆 轉转 辦办 農农 連连 進进 遊游 運运 "
    "過过 達达 遞递 遷迁 選选 鄉乡 錄录 錯错 鎮镇 長长 門门 閉闭 開开 間间 關关 闡阐 隊队 際际 "
    "隨随 雜杂 電电 響响 頁页 項项 順顺 預预 領领 頭头 頻频 題题 類类 顯显 饋馈 驗验 體体 點点 "
    "車车 釋释 針针"
)
T2S_TABLE: dict[str, str] = {pair[0]: pair[1] for pair in _T2S_PAIRS.split()}
_T2S = str.maketrans(T2S_TABLE)
# The traditional seed was also localised (Taiwan usage); these put back the mainland
# terms a 政府网站 text uses.  Applied after the character mapping.
_TERMS = (
    ("入口网站", "门户网站"),
    ("套用", "应用"),
    ("连结", "链接"),
    ("技术最佳化", "技术优化"),
    ("最佳化", "优化"),
    ("搜寻", "搜索"),
    ("智慧型", "智能"),
    ("回响速度", "响应速度"),
    ("合作协定", "合作协议"),
    ("程式", "程序"),
    ("资料库", "数据库"),
    ("客群群体", "受众群体"),
    ("线上访谈", "在线访谈"),
    ("答覆", "答复"),
    ("合理设定", "合理设置"),
)
_ONLINE = re.compile(r"线上(?!业务|线下)")


def to_simplified(text: str) -> str:
    """Simplified-character text of a seed line (only seed characters are mapped)."""
    out = text.translate(_T2S)
    if out == text:
        return text
    for old, new in _TERMS:
        out = out.replace(old, new)
    return _ONLINE.sub("网上", out)


# ---------------------------------------------------------------------------
# The article type.


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


# ---------------------------------------------------------------------------
# Parsing the seeds.

_CN = "一二三四五六七八九十"
_RE_H1 = re.compile(rf"^[{_CN}]+、(.+)$")
_RE_H2 = re.compile(rf"^(?:（[{_CN}]+）|\d+、)(.+)$")
_RE_H3 = re.compile(rf"^[{_CN}]是")
_RE_DATE_LINE = re.compile(r"^（\d{4}年\d{1,2}月）$")
_RE_OFFICE_LINE = re.compile(r"^\S{2,12}人民政府办公[厅室]$")
_RE_BYLINE = re.compile(r"（([\u4e00-\u9fff]{2,4})）$")
_RE_NORMATIVE = re.compile(r"要(?!求|点|素|闻)|应当|不得|原则上|必须|严格")
_OPEN, _CLOSE = "“《（〈", "”》）〉"
_LEAD_MAX = 30  # a first sentence this short that opens a numbered item is its heading
_RE_NOT_LEAD = re.compile(r"\d|近年来|以来|目前|今年")  # …but not a dated statement


def _normalize(line: str) -> str:
    line = re.sub(r"\s+", "", line)
    line = re.sub(r"(?<!\d),|,(?!\d)", "，", line)
    line = re.sub(r"(?<!\d):|:(?!\d)", "：", line)
    return line.replace(";", "；").replace("(", "（").replace(")", "）").replace("<", "〈").replace(">", "〉")


def _sentences(text: str) -> list[str]:
    """Whole sentences (ending in 。！？ outside quotes); "；二是…" list items are split
    into sentences of their own and a trailing "；" becomes "。"."""
    out: list[str] = []
    buf: list[str] = []
    depth = 0
    for i, ch in enumerate(text):
        buf.append(ch)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "。！？":
            out.append("".join(buf))
            buf = []
        elif depth == 0 and ch == "；" and re.match(rf"[{_CN}]是", text[i + 1 : i + 3]):
            buf[-1] = "。"
            out.append("".join(buf))
            buf = []
    rest = "".join(buf)
    if rest:
        if rest.endswith("；"):
            rest = rest[:-1] + "。"
        if out and len(rest) < 4:
            out[-1] += rest
        else:
            out.append(rest)
    return out


@dataclass(frozen=True, slots=True)
class _Chunk:
    seed: str
    chapter: int  # corpus-wide id of the 一、 level part
    section: int  # corpus-wide id of the innermost heading
    heading: str  # the innermost heading ("" before the first one)
    chapter_heading: str
    text: str
    normative: bool


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str  # verb–object phrase, usable after an area name
    chunk: int  # the paragraph it was found in (or, for a heading, the first under it)
    heading: bool
    obj: str  # its object, a noun phrase ("" if none fit for a document name)
    normative: bool


@dataclass(frozen=True, slots=True)
class _Corpus:
    chunks: tuple[_Chunk, ...]
    phrases: tuple[_Phrase, ...]
    pairs: tuple[tuple[str, str, int], ...]  # two phrases of one sentence, chunk
    chapters: dict[int, tuple[int, ...]]
    sections: dict[int, tuple[int, ...]]
    sentences: int
    seed_names: tuple[str, ...]


class _SeedParser:
    def __init__(self) -> None:
        self.chunks: list[_Chunk] = []
        self.headings: list[tuple[str, int]] = []  # (heading text, section id)
        self.chapter = -1
        self.section = -1
        self.heading = ""
        self.chapter_heading = ""
        self.sentence_count = 0

    def new_chapter(self, heading: str) -> None:
        self.chapter += 1
        self.new_section(heading)
        self.chapter_heading = heading

    def new_section(self, heading: str) -> None:
        self.section += 1
        self.heading = heading
        if heading:
            self.headings.append((heading, self.section))

    def parse(self, seed: str, lines: Iterable[str]) -> None:
        self.new_chapter("")
        pending = ""  # a "…如下：" sentence waiting for the list it introduces
        body_seen = False
        for raw in lines:
            line = _normalize(to_simplified(raw))
            if not line or _RE_DATE_LINE.match(line) or _RE_OFFICE_LINE.match(line):
                continue
            line = _RE_BYLINE.sub("", line)
            if (m := _RE_H1.match(line)) and "。" not in line:
                self.new_chapter(m.group(1))
                pending = ""
                continue
            text = line
            numbered = False
            if m := _RE_H2.match(line):
                text, numbered = m.group(1), True
                if "。" not in text:
                    self.new_section(text)
                    pending = ""
                    continue
            elif "。" not in line and "；" not in line and len(line) < 40:
                if body_seen:
                    self.new_chapter(line)
                pending = ""
                continue
            numbered = numbered or bool(_RE_H3.match(text))
            sents = _sentences(text)
            first = sents[0].rstrip("。；")
            limit = _LEAD_MAX if numbered else 24
            if (
                len(sents) > 1
                and len(first) <= limit
                and "：" not in first
                and (numbered or not _RE_NOT_LEAD.search(first))
            ):
                self.new_section(re.sub(rf"^[{_CN}]是", "", first))
                sents = sents[1:]
                pending = ""
            if pending:
                sents = [pending, *sents]
                pending = ""
            if sents[-1].endswith("：") and not _RE_H3.match(sents[-1]):
                pending = sents.pop()
            if sents:
                self.add_paragraph(seed, sents)
                body_seen = True

    def add_paragraph(self, seed: str, sents: list[str]) -> None:
        self.sentence_count += len(sents)
        groups: list[list[str]] = []
        cur: list[str] = []
        for s in sents:
            size = sum(map(len, cur))
            if cur and not cur[-1].endswith("：") and (size >= 90 or (_RE_H3.match(s) and size >= 30)):
                groups.append(cur)
                cur = []
            cur.append(s)
        if cur:
            if groups and sum(map(len, cur)) < 30:
                groups[-1].extend(cur)
            else:
                groups.append(cur)
        for g in groups:
            text = "".join(g)
            self.chunks.append(
                _Chunk(
                    seed=seed,
                    chapter=self.chapter,
                    section=self.section,
                    heading=self.heading,
                    chapter_heading=self.chapter_heading,
                    text=text,
                    normative=len(_RE_NORMATIVE.findall(text)) >= 2,
                )
            )


# --- title phrases ----------------------------------------------------------

_ADVERBS = (
    "进一步", "积极", "不断", "全面", "大力", "深入", "扎实", "切实", "持续", "稳步", "认真",
    "逐步", "着力", "同步", "努力", "主动", "及时", "普遍", "正面", "率先", "统筹", "坚持",
    "坚决", "加快", "合理", "依法", "严格", "集中", "精准", "有效", "充分", "广泛", "重点",
)  # fmt: skip
_VERBS = (
    "贯彻落实", "推进", "推动", "加强", "强化", "建立健全", "建立", "健全", "完善", "提升", "提高",
    "打造", "构建", "建设", "建成", "开展", "做好", "抓好", "落实", "规范", "拓宽", "拓展", "深化",
    "优化", "整合", "理顺", "加大", "实现", "提供", "形成", "培育", "树立", "挖掘", "增设", "设立",
    "开设", "发布", "组织", "制定", "印发", "引入", "成立", "开放", "保障", "促进", "创新", "搭建",
    "推行", "公布", "扩大", "细化", "明确", "确保", "发挥", "增进", "畅通", "突出", "打通", "汇聚",
    "办好", "用好", "服务", "辅助", "开通", "梳理", "配备", "构筑", "探索", "部署", "研究制定",
    "编制", "召开", "回应", "解读", "支撑", "融合", "升级", "改进", "鼓励", "筹划", "巩固",
)  # fmt: skip
_ADV_RE = "(?:" + "|".join(sorted(_ADVERBS, key=len, reverse=True)) + ")"
_VERB_RE = "(?:" + "|".join(sorted(_VERBS, key=len, reverse=True)) + ")"
_RE_VERB_PHRASE = re.compile(rf"^({_ADV_RE}*)({_VERB_RE})(.+)$")
_STRIP_PREFIX = re.compile(rf"^(?:[{_CN}]是|要|并|同时|还|均|又|也|为|从而|以|须)(?={_ADV_RE}|{_VERB_RE})")
_NOT_IN_TITLE = re.compile(
    r"[0-9A-Za-z%]|我|其|此|这|该|之|他|它|上述|下一步|目前|今年|去年|近年|以来|随后|省长|书记|"
    r"省政府|省委|自治区|省直|州直|地州|省级|安徽|湖南|新疆|马鞍山|合肥|昌吉|阿克苏|额敏|铜陵|滁州|"
    r"中科大|合工大|国务院|党中央|专员|厅长|主席|有关|相应|以下|如下|上级|本地|本级|本行业|本部门|"
    r"自治州|某|给|为目标|以评促建|服务不|开办整合|"
    # too vague, or meaningful only inside their sentence
    r"客观事实|理顺情绪|增进理解|服务于民|编写提纲|运行水平和影响|^推动工作落实$|^积极改进工作$|"
    r"^认真部署落实$|^抓好贯彻落实$|^做好传播工作$"
)
_BAD_END = set("的了和与及等或并在对为从把将以向使让由中上下时者")
_BAD_LAST_POS = {"d", "p", "c", "uj", "ul", "uz", "uv", "ud", "ug", "r", "m", "q", "f", "x", "y", "e"}
_OBJ_SCOPE = re.compile(r"^(?:全[市省区县]性|全市|全省|全区|全县|各级|各类|市级|县级|全(?![市省区县]))")
_OBJ_UNNAMEABLE = re.compile(
    r"(水平|能力|质量|效率|体验|力度|作用|实效|理念|重点|意见|要点|形式|方式|决策|趋势|利用|问题|大事|"
    r"好评|效果|比例|范围|频次|目标|原则|精神|需求|关切|态度|事实|矛盾|情绪|理解|共识|覆盖面|工作|"
    r"效应|影响|细则|力量|来源|指导|定位|资源|发展|完善|设计|方案|规范化|活动|落实|引导)$"
)
# A notice or an implementing opinion orders something: its phrase starts with one of these.
_DIRECTIVE = re.compile(
    rf"^{_ADV_RE}*(?:加强|强化|规范|做好|推进|推动|完善|健全|建立|开展|落实|抓好|加快|提升|提高|明确|"
    r"确保|深化|拓宽|拓展|理顺|构建|建设|打造|优化|整合|组织|增设|配备|严格|贯彻落实|加大|建立健全)"
)

# Words the segmenter should keep whole (for keywords and tagging).
_DOMAIN_WORDS = (
    "政府网站", "政务新媒体", "政务公开", "信息公开", "政策解读", "集约化", "政务服务", "互动交流",
    "网上办事", "门户网站", "意见征集", "常务会", "社情民意", "政务微博", "政务微信", "绩效评估",
    "信息资源库", "数据开放", "智能搜索", "智能问答", "适老化", "无障碍", "等级保护", "技术平台",
    "集约化平台", "外语网站", "在线访谈", "网民留言", "搜索引擎", "营商环境", "惠企政策", "数据资源",
    "政策文件库", "规范性文件", "省长信箱", "日常监测", "抽查通报", "三审制度", "信息发布", "解读回应",
    "考核评估", "运行维护", "信息内容", "统一平台", "政务数据", "办事服务", "民生服务", "发展指引",
    "热力图", "安全等级保护", "编制工作小组", "责任清单", "政务服务网", "一体化平台", "网上办事大厅",
)  # fmt: skip


@cache
def _jieba() -> rjieba.Jieba:
    seg = rjieba.Jieba()
    for word in _DOMAIN_WORDS:
        seg.add_word(word, None, "n")
    return seg


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in zip(_OPEN, _CLOSE, strict=True))


def _clauses(sentence: str) -> list[str]:
    out: list[str] = []
    buf: list[str] = []
    depth = 0
    for ch in sentence:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if depth == 0 and ch in "，；：。！？":
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    if buf:
        out.append("".join(buf))
    return out


def _title_phrase(clause: str, *, min_len: int = 6) -> str:
    """The clause as a verb–object title phrase, or "" when it cannot be one."""
    text = _STRIP_PREFIX.sub("", clause.strip())
    if not min_len <= len(text) <= 22 or not _balanced(text) or _NOT_IN_TITLE.search(text):
        return ""
    if not _RE_VERB_PHRASE.match(text) or text[-1] in _BAD_END or text.count("、") > 1:
        return ""
    if re.search(r"、[^，]*的", text):
        return ""
    if _jieba().tag(text)[-1][1] in _BAD_LAST_POS:
        return ""
    return text


def _object_of(phrase: str) -> str:
    m = _RE_VERB_PHRASE.match(phrase)
    if not m:
        return ""
    obj = _OBJ_SCOPE.sub("", m.group(3)).lstrip("的")
    if not 4 <= len(obj) <= 14 or re.search(r"[、和的与及]", obj) or _OBJ_UNNAMEABLE.search(obj):
        return ""
    if obj[0] in "对为与和把将以向在从由给" or obj.startswith("工作"):
        return ""
    tags = _jieba().tag(obj)
    if tags[0][1] in _BAD_LAST_POS or tags[-1][1] not in {"n", "vn", "nz", "l", "nt", "ng", "an"}:
        return ""
    return obj


@cache
def _corpus() -> _Corpus:
    parser = _SeedParser()
    seeds = sorted(p for p in SEED_DIR.glob("*.txt"))
    for path in seeds:
        parser.parse(path.name, path.read_text(encoding="utf-8").splitlines())
    chunks = tuple(parser.chunks)
    chapters: dict[int, list[int]] = {}
    sections: dict[int, list[int]] = {}
    for i, ch in enumerate(chunks):
        chapters.setdefault(ch.chapter, []).append(i)
        sections.setdefault(ch.section, []).append(i)

    phrases: list[_Phrase] = []
    pairs: list[tuple[str, str, int]] = []
    seen: set[str] = set()

    def add(text: str, chunk: int, heading: bool) -> None:
        if text and text not in seen:
            seen.add(text)
            phrases.append(_Phrase(text, chunk, heading, _object_of(text), chunks[chunk].normative))

    for heading, section in parser.headings:
        if section not in sections:
            continue
        first = sections[section][0]
        parts = _clauses(heading)
        if len(parts) == 1:
            add(_title_phrase(heading), first, True)
        else:
            found = [_title_phrase(p, min_len=4) for p in parts]
            for p in found:
                if len(p) >= 6:
                    add(p, first, True)
            if all(found) and len(parts) == 2 and sum(map(len, found)) <= 26:
                pairs.append((found[0], found[1], first))
    for i, ch in enumerate(chunks):
        for sentence in _sentences(ch.text):
            found = [_title_phrase(c, min_len=4) for c in _clauses(sentence)]
            for p in found:
                if len(p) >= 6:
                    add(p, i, False)
            for a, b in itertools.pairwise(found):
                if a and b and len(a) + len(b) <= 26 and a != b:
                    pairs.append((a, b, i))
    return _Corpus(
        chunks=chunks,
        phrases=tuple(phrases),
        pairs=tuple(pairs),
        chapters={k: tuple(v) for k, v in chapters.items()},
        sections={k: tuple(v) for k, v in sections.items()},
        sentences=parser.sentence_count,
        seed_names=tuple(p.name for p in seeds),
    )


# ---------------------------------------------------------------------------
# Sites.

_PROVINCES = {
    "京": "北京市", "津": "天津市", "沪": "上海市", "渝": "重庆市", "冀": "河北省", "晋": "山西省",
    "辽": "辽宁省", "吉": "吉林省", "黑": "黑龙江省", "苏": "江苏省", "浙": "浙江省", "皖": "安徽省",
    "闽": "福建省", "赣": "江西省", "鲁": "山东省", "豫": "河南省", "鄂": "湖北省", "湘": "湖南省",
    "粤": "广东省", "琼": "海南省", "川": "四川省", "蜀": "四川省", "贵": "贵州省", "黔": "贵州省",
    "云": "云南省", "滇": "云南省", "陕": "陕西省", "秦": "陕西省", "甘": "甘肃省", "陇": "甘肃省",
    "青": "青海省", "蒙": "内蒙古自治区", "桂": "广西壮族自治区", "藏": "西藏自治区",
    "宁": "宁夏回族自治区", "新": "新疆维吾尔自治区",
}  # fmt: skip
_PROVINCE_NAMES = {name.removesuffix("省").removesuffix("市"): name for name in _PROVINCES.values()}
_PROVINCE_NAMES.update({"内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区",
                        "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区"})  # fmt: skip
_RE_DEPT = re.compile(
    r"^(.+?(?:自治区|自治州|省|市|县|区|州|盟|旗))"
    r"(.+(?:局|委|厅|办|院|中心|委员会|办公室|室|处|部|会|馆|站))$"
)
_DEPT_SUFFIX = re.compile(r"(管理局|委员会|办公室|中心|局|委|厅|办|院|室|处|部|会|馆|站)$")


@dataclass(frozen=True, slots=True)
class _Site:
    area: str  # what titles start with: 青山市 / 青山市数据资源局
    level: str  # province | city | county | dept
    office: str  # issuing office: 青山市人民政府办公室 / 青山市数据资源局
    government: str  # 青山市人民政府 (the department itself for a department site)
    short_office: str  # 青山市政府办
    doc_prefix: str  # 青政办
    scope: str  # 省 | 市 | 县 | 区 — for "全市" in titles
    actors: tuple[str, ...]  # who does the "work" items


def _level_from_code(site_code: str) -> str:
    digits = re.sub(r"\D", "", site_code)
    if len(digits) >= 6:
        if digits[2:6] == "0000":
            return "province"
        if digits[4:6] == "00":
            return "city"
        return "county"
    return "city"


@lru_cache(maxsize=256)
def _site(site_code: str, abbreviation: str) -> _Site:
    name = re.sub(r"\s+", "", abbreviation)
    name = re.sub(r"(人民政府|政府)(门户网站|网站)?$", "", name) or name
    if not name:
        raise ValueError("abbreviation must name the site")
    dept = ""
    if len(name) == 1:
        area, level, abbr = _PROVINCES.get(name, name + "省"), "province", name
    elif m := _RE_DEPT.match(name):
        area, dept = m.group(1), m.group(2)
        sub = re.match(r"^(.{1,4}[区县旗])(.+)$", dept)  # 青山市|东城区教育局
        if sub and _DEPT_SUFFIX.search(sub.group(2)):
            area, dept = area + sub.group(1), sub.group(2)
        level, abbr = "dept", ""
    elif name in _PROVINCE_NAMES:
        area, level, abbr = _PROVINCE_NAMES[name], "province", ""
    elif name.endswith(("省", "自治区")):
        area, level, abbr = name, "province", ""
    elif name.endswith(("市", "州", "盟")):
        area, level, abbr = name, "city", ""
    elif name.endswith(("县", "区", "旗")):
        area, level, abbr = name, "county", ""
    else:
        level = _level_from_code(site_code)
        area = name + {"province": "省", "city": "市", "county": "县"}[level]
        abbr = ""
    if not abbr:
        rev = {v: k for k, v in _PROVINCES.items() if k not in "蜀黔滇秦陇"}
        # a district or county of a city is abbreviated by its own first character:
        # 青山市东城区 → 东政办
        local = re.match(r"^.+?[市州盟](.+[区县旗])$", area)
        abbr = rev.get(area) or (local.group(1)[0] if local else area[0])
    scope = "省" if level == "province" else area[-1] if area[-1] in "市县区" else "市"
    if level == "dept":
        core = _DEPT_SUFFIX.sub("", dept) or dept
        office = government = area + dept
        return _Site(
            area=area + dept,
            level=level,
            office=office,
            government=government,
            short_office=office,
            doc_prefix=abbr + core[0],
            scope=scope,
            actors=("办公室", "政务公开科", "信息技术科", "综合科"),  # its own divisions
        )
    office_word = "办公厅" if level == "province" else "办公室"
    return _Site(
        area=area,
        level=level,
        office=f"{area}人民政府{office_word}",
        government=f"{area}人民政府",
        short_office=f"{area}政府办",
        doc_prefix=f"{abbr}政办",
        scope=scope,
        # offices inside the government office, so that no department site (whose own
        # titles start with "青山市…局") can have the same title
        actors=(f"人民政府{office_word}", "政务公开办公室", "电子政务办公室"),
    )


# ---------------------------------------------------------------------------
# Building articles.

_HAN = re.compile(r"[\u4e00-\u9fff]")
_SCOPE_IN_TITLE = re.compile(r"全(?:省|区|市|县|州)")


def _han_ratio(text: str) -> float:
    return len(_HAN.findall(text)) / max(1, len(text))


def _title_ok(title: str) -> bool:
    return 8 <= len(title) <= 40 and _han_ratio(title) >= 0.75 and _balanced(title)


def _rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@dataclass(slots=True)
class _Draft:
    kind: str
    title: str
    chunk: int  # anchor paragraph
    phrase: str  # the phrase the title was built from (to spread phrases over kinds)
    doc_name: str = ""  # policy: the document's own name, for its interpretation


def _candidates(site: _Site, rng_seed: str) -> dict[str, list[_Draft]]:
    """Every title this site can use, per kind, in a site-specific order."""
    corpus = _corpus()

    def scoped(phrase: str) -> str:
        return _SCOPE_IN_TITLE.sub("全" + site.scope, phrase)

    out: dict[str, list[_Draft]] = {k: [] for k in KINDS if k != "interpretation"}
    for ph in corpus.phrases:
        p = scoped(ph.text)
        out["news"].append(_Draft("news", f"{site.area}{p}", ph.chunk, ph.text))
        actor = _rng(rng_seed, "actor", ph.text).choice(site.actors)
        out["work"].append(_Draft("work", f"{site.area}{actor}{p}", ph.chunk, ph.text))
        directive = bool(_DIRECTIVE.match(p)) and "了" not in p
        lead = p
        if (
            re.match(r"(加强|规范|做好|推进|完善|强化|健全|抓好)", p)
            and "进一步" not in p
            and _rng(rng_seed, "jyb", p).random() < 0.5
        ):
            lead = "进一步" + p
        if directive:
            for issuer in (site.office, site.short_office):
                title = f"{issuer}关于{lead}的通知"
                if _title_ok(title):
                    out["notice"].append(_Draft("notice", title, ph.chunk, ph.text))
                    break
        if ph.obj:
            obj = scoped(ph.obj)
            # a department names its documents after itself: "青山市数据资源局…管理办法"
            name = f"{site.area}{obj}工作方案"
            out["policy"].append(_Draft("policy", f"关于印发{name}的通知", ph.chunk, ph.text, name))
            if not re.search(r"(机制|体系|规范|管理|评价|建设)$", obj):
                name = f"{site.area}{obj}管理办法"
                bare = _rng(rng_seed, "form", obj).random() < 0.4
                title = name if bare else f"关于印发{name}的通知"
                out["policy"].append(_Draft("policy", title, ph.chunk, ph.text, name))
        if directive and (ph.heading or (ph.normative and ph.obj)):
            name = f"{site.government}关于{lead}的实施意见"
            out["policy"].append(_Draft("policy", name, ph.chunk, ph.text, name))
    for a, b, chunk in corpus.pairs:
        title = f"{site.area}{scoped(a)}，{scoped(b)}"
        out["news"].append(_Draft("news", title, chunk, a + b))
    for kind, drafts in out.items():
        drafts[:] = [d for d in drafts if _title_ok(d.title)]
        rng = _rng(rng_seed, "order", kind)
        rng.shuffle(drafts)
        if kind in ("policy", "notice"):
            # prefer the normative paragraphs (the 实施意见 of seed 002, the 下一步 lists)
            drafts.sort(key=lambda d: not corpus.chunks[d.chunk].normative)
    return out


def _subtitle_ok(heading: str, title: str) -> bool:
    """A chapter heading of the seed that reads as a subtitle of a news item."""
    if not 6 <= len(heading) <= 20 or heading in title or not _balanced(heading):
        return False
    if re.match(r"^在.+上求", heading):
        return True
    return any(_title_phrase(part, min_len=4) for part in _clauses(heading))


def _interpretation_title(doc_name: str, variant: int) -> str:
    forms = (f"《{doc_name}》政策解读", f"一图读懂《{doc_name}》", f"《{doc_name}》解读")
    ordered = forms[variant % 3 :] + forms[: variant % 3]
    for title in ordered:
        if _title_ok(title):
            return title
    return ""


_SIZES = {
    "news": (1, 2, 2, 3, 3, 4),
    "work": (1, 2, 2, 3),
    "notice": (2, 3, 3, 4),
    "policy": (4, 4, 3, 2),
    "interpretation": (1, 2, 2, 3),
}
_MIN_SIZE = {"news": 1, "work": 1, "notice": 2, "policy": 2, "interpretation": 1}


def _body_choices(kind: str, chunk: int, rng: random.Random) -> list[tuple[int, ...]]:
    """Runs of 1–4 consecutive paragraphs holding paragraph `chunk`, best first.

    News, work and notices stay within one 一、 part of a seed and open with the
    paragraph their title came from; policies and interpretations take the numbered
    item (（一）…) the title came from, as much of it as fits."""
    corpus = _corpus()
    ch = corpus.chunks[chunk]
    scope = corpus.chapters[ch.chapter]
    if kind in ("policy", "interpretation"):
        section = corpus.sections[ch.section]
        if len(section) >= 2:
            scope = section
    pos = scope.index(chunk)
    largest = min(4, len(scope))
    first = min(rng.choice(_SIZES[kind]), largest)
    sizes = [first, *(n for n in range(largest, 0, -1) if n != first and n >= min(_MIN_SIZE[kind], largest))]
    out: list[tuple[int, ...]] = []
    for size in sizes:
        starts = list(range(max(0, pos - size + 1), min(pos, len(scope) - size) + 1))
        if kind in ("policy", "interpretation"):
            starts.sort()  # from the start of the item
        else:
            starts.sort(key=lambda s: (s != min(pos, len(scope) - size), rng.random()))
        out.extend(scope[s : s + size] for s in starts)
    return out


_KEYWORD_POS = {"n", "nz", "vn", "nt", "nl"}
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
_STOP = frozenset(
    [
        "工作",
        "情况",
        "方面",
        "问题",
        "要求",
        "方式",
        "内容",
        "水平",
        "能力",
        "作用",
        "部门",
        "单位",
        "全省",
        "全市",
        "全区",
        "全县",
        "各级",
        "地方",
        "人员",
        "目标",
        "领域",
        "过程",
        "时间",
        "基础",
        "形式",
        "措施",
        "有关",
        "相关",
        "主要",
        "重要",
        "进一步",
        "发展",
        "建设",
        "管理",
        "服务",
        "推进",
        "实现",
        "提供",
        "开展",
        "加强",
        "提升",
        "提高",
        "政府",
        "网站",
        "信息",
        "年度",
        "期间",
        "今年",
        "去年",
        "近年",
        "目前",
        "同时",
        "以及",
        "通过",
        "按照",
        "根据",
        "实际",
        "情形",
        "我省",
        "我区",
        "我市",
        "全国",
        "国家",
        "社会",
        "公众",
        "群众",
        "网民",
        "系统",
        "平台",
        "数据",
        "工作人员",
        "省政府",
        "市政府",
        "统一",
        "人民政府",
        "办公厅",
        "办公室",
        "印发",
        "通知",
        "办法",
        "意见",
        "方案",
        "实施",
        "一图",
        "活动",
        "事项",
        "部分",
        "环节",
        "时限",
        "条件",
        "原则",
        "月份",
        "全部",
        "全面",
        "整体",
        "利用",
        "关系",
        "精神",
        "主体",
        "研究",
        "委托",
        "机构",
        "代表",
        "规范",
        "办理",
        "重点",
        "指导",
        "质量",
        "资源",
        "主管",
        "领导",
        "自治区",
        "省直",
        "安徽省政府",
        "功能",
        "全过程",
        "重要",
    ]
)


@lru_cache(maxsize=8192)
def _keywords(title: str, text: str) -> tuple[str, ...]:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for pos, (word, tag) in enumerate(_jieba().tag(text)):
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


def _summary(paragraphs: tuple[str, ...], limit: int = 120) -> str:
    out = ""
    for sentence in _sentences(paragraphs[0]):
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
    ("文化、卫生、体育", ("媒体", "新闻", "广播", "电视", "报刊")),
)


def _topic_category(title: str, text: str) -> str:
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


def _subject_words(title: str, text: str) -> tuple[str, ...]:
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


def _days(rng: random.Random) -> int:
    u = rng.random()
    if u < 0.15:
        return rng.randint(0, 13)
    if u < 0.82:
        return rng.randint(14, 364)
    return rng.randint(365, 720)


def _quotas(count: int, capacity: dict[str, int]) -> dict[str, int]:
    """How many articles of each kind: the shares of KIND_SHARES, at least one of each
    kind when there is room, and what a kind cannot fill goes to the others."""
    if count > sum(capacity.values()):
        raise ValueError(f"at most {sum(capacity.values())} distinct articles for this site, asked for {count}")
    want = {k: int(count * KIND_SHARES[k]) for k in KINDS}
    if count >= len(KINDS):
        for k in KINDS:
            want[k] = max(want[k], 1)
    order = ("news", "work", "notice", "policy", "interpretation")
    i = 0
    while sum(want.values()) < count:
        want[order[i % len(order)]] += 1
        i += 1
    while sum(want.values()) > count:
        want[max(want, key=lambda k: want[k])] -= 1
    spill = 0
    for k in KINDS:
        if want[k] > capacity[k]:
            spill += want[k] - capacity[k]
            want[k] = capacity[k]
    for k in order:
        give = min(capacity[k] - want[k], spill)
        want[k] += give
        spill -= give
    return want


def _capacity(cands: dict[str, list[_Draft]]) -> dict[str, int]:
    cap = {k: len({d.title for d in v}) for k, v in cands.items()}
    policy_names = {d.doc_name for d in cands["policy"]}
    cap["interpretation"] = min(len(policy_names), cap["policy"])
    return cap


def articles_for_site(site_code: str, abbreviation: str, count: int) -> list[DemoArticle]:
    """Deterministic (same inputs → same output) list of `count` articles for one demo site.

    The list is in publication order, oldest first (``published_days_ago`` never
    increases along it), and an interpretation always follows the policy it
    interprets (``interprets`` is that policy's index in the list).
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return []
    site = _site(site_code, abbreviation)
    key = f"{site_code}|{abbreviation}"
    cands = _candidates(site, key)
    cap = _capacity(cands)
    quotas = _quotas(count, cap)
    corpus = _corpus()

    used_titles: set[str] = set()
    used_phrases: Counter[str] = Counter()
    chosen: dict[str, list[_Draft]] = {k: [] for k in KINDS}

    def take(kind: str, n: int) -> None:
        pool = cands[kind]
        # pass 0: phrases no other kind used yet; pass 1: any phrase
        for pass_ in (0, 1):
            for d in pool:
                if len(chosen[kind]) >= n:
                    return
                if d.title in used_titles or (pass_ == 0 and used_phrases[d.phrase]):
                    continue
                used_titles.add(d.title)
                used_phrases[d.phrase] += 1
                chosen[kind].append(d)

    for kind in ("policy", "notice", "work", "news"):
        take(kind, quotas[kind])

    rng = _rng(key, "assemble")
    drafts: list[tuple[_Draft, int]] = []  # (draft, days)
    firsts: set[str] = set()
    for kind in ("news", "notice", "policy", "work"):
        for d in chosen[kind]:
            days = rng.randint(0, 6) if kind not in firsts else _days(rng)
            firsts.add(kind)
            drafts.append((d, days))

    # interpretations: each of a different policy, published with it or a few days later
    policies = [(d, days) for d, days in drafts if d.kind == "policy"]
    order = list(range(len(policies)))
    rng.shuffle(order)
    interp: list[tuple[_Draft, int, str]] = []  # (draft, days, policy title)
    done_names: set[str] = set()
    for n, i in enumerate(order):
        if len(interp) >= quotas["interpretation"]:
            break
        pol, pdays = policies[i]
        title = _interpretation_title(pol.doc_name, n)
        if not title or pol.doc_name in done_names or title in used_titles:
            continue
        done_names.add(pol.doc_name)
        used_titles.add(title)
        interp.append(
            (
                _Draft("interpretation", title, pol.chunk, pol.phrase, pol.doc_name),
                pdays - rng.randint(0, min(3, pdays)),
                pol.title,
            )
        )
    missing = count - len(drafts) - len(interp)
    if missing > 0:  # not enough distinct interpretations: fill with news/work
        extra = {k: len(chosen[k]) for k in ("news", "work", "notice")}
        for k in ("news", "work", "notice"):
            take(k, len(chosen[k]) + missing)
            for d in chosen[k][extra[k] :]:
                drafts.append((d, _days(rng)))
            missing = count - len(drafts) - len(interp)
            if missing <= 0:
                break
        if missing > 0:
            raise ValueError(f"cannot make {count} distinct articles for this site")

    # publication order, oldest first; a policy precedes its interpretation
    entries: list[tuple[int, int, _Draft, str]] = [(days, 0, d, "") for d, days in drafts]
    entries += [(days, 1, d, ptitle) for d, days, ptitle in interp]
    entries.sort(key=lambda e: (-e[0], e[1], e[2].title))
    index_of = {e[2].title: i for i, e in enumerate(entries) if e[2].kind == "policy"}

    today = date.today()
    serials: dict[int, int] = {}
    topics: dict[str, str] = {}  # policy title -> 主题分类, shared with its interpretation
    used_bodies: set[tuple[int, ...]] = set()
    out: list[DemoArticle] = []
    for days, _, d, ptitle in entries:
        r = _rng(key, "article", d.title)
        choices = _body_choices(d.kind, d.chunk, r)
        body = next((c for c in choices if c not in used_bodies), choices[0])
        used_bodies.add(body)
        paragraphs = tuple(corpus.chunks[c].text for c in body)
        text = "".join(paragraphs)
        first = corpus.chunks[body[0]]
        seed = first.seed
        own_office = d.kind in ("notice", "policy", "interpretation")
        doc_number = topic = ""
        subject: tuple[str, ...] = ()
        if d.kind == "policy":
            year = (today - timedelta(days=days)).year
            serials[year] = serials.get(year, 0) + r.randint(1, 9)
            doc_number = f"{site.doc_prefix}〔{year}〕{serials[year]}号"
            subject = _subject_words(d.title, text)
        if d.kind == "policy":
            topic = topics[d.title] = _topic_category(d.doc_name, text)
        elif d.kind == "interpretation":
            topic = topics[ptitle]
        subtitle = ""
        heading = first.chapter_heading
        if d.kind == "news" and _subtitle_ok(heading, d.title) and r.random() < 0.3:
            subtitle = heading
        out.append(
            DemoArticle(
                kind=d.kind,
                title=d.title,
                subtitle=subtitle,
                paragraphs=paragraphs,
                summary=_summary(paragraphs),
                keywords=_keywords(d.title, text),
                source=site.office if own_office else SEED_OFFICES.get(seed[:3], "人民政府办公室"),
                author="" if d.kind == "policy" else r.choice(EDITORS),
                doc_number=doc_number,
                topic_category=topic,
                subject_words=subject,
                interprets=index_of[ptitle] if d.kind == "interpretation" else None,
                seed=seed,
                published_days_ago=days,
            )
        )
    return out


def corpus_stats() -> dict[str, int]:
    """Size of the parsed corpus and how many distinct articles one site can get."""
    corpus = _corpus()
    cap = _capacity(_candidates(_site("0000000000", "示范市"), "stats"))
    return {
        "seeds": len(corpus.seed_names),
        "paragraphs": len(corpus.chunks),
        "sentences": corpus.sentences,
        "characters": sum(len(c.text) for c in corpus.chunks),
        "title_phrases": len(corpus.phrases),
        "phrase_pairs": len(corpus.pairs),
        **{f"capacity_{k}": v for k, v in cap.items()},
        "article_capacity": sum(cap.values()),
    }
