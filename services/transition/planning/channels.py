"""Legacy sections mapped to the target site's channels: suggested, then edited by the operator.

A legacy section is what the old site called a column — its ColumnName meta tag, the last crumb of its
breadcrumb, or the directory its pages live in (/xwzx/tzgg/). Each is matched to a channel of the target site
(built from the basic-channel template or not) by, in order: the same name; a name the national templates use for
the same thing (通知公告 and 公告公示, 工作动态 and 部门动态 …); the legacy path's last directory being the
channel's slug (tzgg, zcwj — the pinyin initials both sides tend to use); and last the share of characters the
names have in common. Each suggestion says which rule made it and how sure it is; below `SURE` the operator is
asked to confirm, and a section nothing matches is left unmapped, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

SURE = 0.75
# Names for the same column, as the templates of the 2017 指引 and the CMSes before it spell them.
SYNONYMS = (
    {"通知公告", "公告公示", "通知通告", "公示公告", "通知", "公告"},
    {"要闻动态", "政务要闻", "要闻", "新闻中心", "新闻动态", "政务动态", "今日要闻", "本地要闻"},
    {"部门动态", "工作动态", "部门信息", "乡镇动态", "基层动态", "动态信息"},
    {"政策文件", "政策法规", "文件", "规范性文件", "政府文件", "法规文件", "政策"},
    {"政策解读", "解读", "政策解读回应", "文件解读", "图解"},
    {"机构职能", "机构设置", "机构概况", "领导信息", "部门职责"},
    {"负责人信息", "领导信息", "领导之窗", "领导简介"},
    {"规划信息", "规划计划", "发展规划", "计划规划", "计划总结"},
    {"财政信息", "财政预决算", "财政资金", "预决算公开", "部门预决算"},
    {"数据发布", "统计信息", "统计数据", "数据统计", "统计公报"},
    {"政府信息公开年报", "年度报告", "信息公开年报", "政府信息公开工作年度报告"},
    {"政府信息公开指南", "公开指南", "信息公开指南"},
    {"政府信息公开制度", "公开制度", "信息公开制度"},
    {"意见征集", "征求意见", "民意征集", "网上调查"},
    {"在线访谈", "访谈", "网上直播", "在线直播"},
    {"办事服务", "办事指南", "便民服务", "网上办事"},
    {"概况信息", "走进", "地区概况", "区情", "县情", "市情", "概况"},
)
_NOISE = re.compile(r"[\s·•\-_/|>＞]+")


@dataclass(frozen=True, slots=True)
class Channel:
    id: int
    name: str
    path: str  # /zwdt/tzgg/ as the content library keeps it

    @property
    def slug(self) -> str:
        return self.path.strip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Section:
    """A column of the legacy site: its name as pages show it, and the directory most of its pages are in."""

    name: str
    path: str
    pages: int = 0


@dataclass(frozen=True, slots=True)
class Suggestion:
    section: Section
    channel: Channel | None
    score: float
    rule: str  # name | synonym | slug | similar | none

    @property
    def sure(self) -> bool:
        return self.channel is not None and self.score >= SURE


def sections_of(pages: list[tuple[str, str | None, list[str]]]) -> list[Section]:
    """(url, ColumnName, breadcrumbs) of the pages read → the sections, most pages first."""
    named: Counter[tuple[str, str]] = Counter()
    for url, column, crumbs in pages:
        name = column or (crumbs[-1] if crumbs else "")
        directory = urlsplit(url).path.rsplit("/", 1)[0] + "/"
        named[(name or directory, _column_directory(directory))] += 1
    return [Section(name, path, count) for (name, path), count in named.most_common()]


def section_keys(url: str, column: str | None, crumbs: list[str]) -> tuple[str, ...]:
    """The names a page's section may be mapped by, most telling first: on its own legacy host (a county's
    consolidation maps each department's 通知公告 to its own channel: `old-wlj.feixi.gov.cn:通知公告`), then its
    column anywhere; its directory the same two ways (`//old-wlj.feixi.gov.cn/xwzx/tzgg/`, `/xwzx/tzgg/`)."""
    parts = urlsplit(url)
    host, directory = (parts.hostname or "").lower(), _column_directory(parts.path.rsplit("/", 1)[0] + "/")
    name = column or (crumbs[-1] if crumbs else "")
    keys = (f"{host}:{name}" if name else "", name, f"//{host}{directory}", directory)
    return tuple(k for k in keys if k)


def suggest(sections: list[Section], channels: list[Channel]) -> list[Suggestion]:
    return [_best(section, channels) for section in sections]


def _best(section: Section, channels: list[Channel]) -> Suggestion:
    candidates = [_scored(section, channel) for channel in channels]
    best = max(candidates, key=lambda s: s.score, default=None)
    if best is None or best.score < 0.5:
        return Suggestion(section, None, 0.0, "none")
    return best


def _scored(section: Section, channel: Channel) -> Suggestion:
    legacy, ours = _plain(section.name), _plain(channel.name)
    if legacy and legacy == ours:
        return Suggestion(section, channel, 1.0, "name")
    if any(legacy in group and ours in group for group in SYNONYMS):
        return Suggestion(section, channel, 0.9, "synonym")
    last = section.path.strip("/").rsplit("/", 1)[-1].lower()
    if last and last == channel.slug.lower():
        return Suggestion(section, channel, 0.8, "slug")
    return Suggestion(section, channel, _shared(legacy, ours) * 0.7, "similar")


def _plain(name: str) -> str:
    return _NOISE.sub("", name)


def _shared(a: str, b: str) -> float:
    """Dice's coefficient of the two names' characters: 1 for the same characters, 0 for none in common."""
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b))


def _column_directory(directory: str) -> str:
    """/xwzx/tzgg/202603/ → /xwzx/tzgg/: the month folders TRS and Hanweb add under a column are not columns."""
    parts = [p for p in directory.strip("/").split("/") if p]
    while parts and re.fullmatch(r"\d{4,8}|t?\d{6,8}", parts[-1]):
        parts.pop()
    return "/" + "/".join(parts) + ("/" if parts else "")
