"""Title phrases: the verb–object clauses of the seeds that can follow an area name in a title."""

from __future__ import annotations

import re

from sitegroup.demo.corpus.text import CN_NUMERALS, balanced, segmenter

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
_STRIP_PREFIX = re.compile(rf"^(?:[{CN_NUMERALS}]是|要|并|同时|还|均|又|也|为|从而|以|须)(?={_ADV_RE}|{_VERB_RE})")
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
DIRECTIVE = re.compile(
    rf"^{_ADV_RE}*(?:加强|强化|规范|做好|推进|推动|完善|健全|建立|开展|落实|抓好|加快|提升|提高|明确|"
    r"确保|深化|拓宽|拓展|理顺|构建|建设|打造|优化|整合|组织|增设|配备|严格|贯彻落实|加大|建立健全)"
)


def title_phrase(clause: str, *, min_len: int = 6) -> str:
    """The clause as a verb–object title phrase, or "" when it cannot be one."""
    text = _STRIP_PREFIX.sub("", clause.strip())
    if not min_len <= len(text) <= 22 or not balanced(text) or _NOT_IN_TITLE.search(text):
        return ""
    if not _RE_VERB_PHRASE.match(text) or text[-1] in _BAD_END or text.count("、") > 1:
        return ""
    if re.search(r"、[^，]*的", text):
        return ""
    if segmenter().tag(text)[-1][1] in _BAD_LAST_POS:
        return ""
    return text


def object_of(phrase: str) -> str:
    """The phrase's object when it can name a document (…工作方案, …管理办法), else ""."""
    m = _RE_VERB_PHRASE.match(phrase)
    if not m:
        return ""
    obj = _OBJ_SCOPE.sub("", m.group(3)).lstrip("的")
    if not 4 <= len(obj) <= 14 or re.search(r"[、和的与及]", obj) or _OBJ_UNNAMEABLE.search(obj):
        return ""
    if obj[0] in "对为与和把将以向在从由给" or obj.startswith("工作"):
        return ""
    tags = segmenter().tag(obj)
    if tags[0][1] in _BAD_LAST_POS or tags[-1][1] not in {"n", "vn", "nz", "l", "nt", "ng", "an"}:
        return ""
    return obj
