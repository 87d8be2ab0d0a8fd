"""Seed text as the demo shows it: simplified characters, full-width punctuation, whole sentences and clauses."""

from __future__ import annotations

import re
from functools import cache

import rjieba

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
# Punctuation and splitting.

CN_NUMERALS = "一二三四五六七八九十"
OPENING, CLOSING = "“《（〈", "”》）〉"


def normalize(line: str) -> str:
    """The line without spaces and with full-width punctuation, as every paragraph is shown."""
    line = re.sub(r"\s+", "", line)
    line = re.sub(r"(?<!\d),|,(?!\d)", "，", line)
    line = re.sub(r"(?<!\d):|:(?!\d)", "：", line)
    return line.replace(";", "；").replace("(", "（").replace(")", "）").replace("<", "〈").replace(">", "〉")


def sentences(text: str) -> list[str]:
    """Whole sentences, so that paragraphs and summaries never stop mid-sentence."""
    # A sentence ends in 。！？ outside quotes; "；二是…" list items become sentences of
    # their own, and a trailing "；" becomes "。".
    out: list[str] = []
    buf: list[str] = []
    depth = 0
    for i, ch in enumerate(text):
        buf.append(ch)
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "。！？":
            out.append("".join(buf))
            buf = []
        elif depth == 0 and ch == "；" and re.match(rf"[{CN_NUMERALS}]是", text[i + 1 : i + 3]):
            buf[-1] = "。"
            out.append("".join(buf))
            buf = []
    _add_rest("".join(buf), out)
    return out


def _add_rest(rest: str, out: list[str]) -> None:
    """Text after the last full stop still belongs to the paragraph; a short tail joins its sentence."""
    if rest:
        if rest.endswith("；"):
            rest = rest[:-1] + "。"
        if out and len(rest) < 4:
            out[-1] += rest
        else:
            out.append(rest)


def clauses(sentence: str) -> list[str]:
    """The sentence cut at commas and stops outside quotes: the candidates for title phrases."""
    out: list[str] = []
    buf: list[str] = []
    depth = 0
    for ch in sentence:
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(0, depth - 1)
        if depth == 0 and ch in "，；：。！？":
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    if buf:
        out.append("".join(buf))
    return out


def balanced(text: str) -> bool:
    """Whether every quote and bracket is closed, so that a cut-out piece can stand alone."""
    return all(text.count(a) == text.count(b) for a, b in zip(OPENING, CLOSING, strict=True))


# ---------------------------------------------------------------------------
# Words.

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
def segmenter() -> rjieba.Jieba:
    """One word segmenter for the process, built once because loading its dictionary is slow."""
    seg = rjieba.Jieba()
    for word in _DOMAIN_WORDS:
        seg.add_word(word, None, "n")
    return seg
