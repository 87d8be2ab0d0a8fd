"""Request and response models of the render service's API (site look, redirect table, mirror)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.events.content import DocumentSnapshot
from shared.legacy_urls import legacy_key

HEX = r"^#[0-9a-fA-F]{6}$"
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for body text; white text on the primary colour, links on white


def contrast_with_white(color: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


ChannelPath = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")]
BlockTitle = Annotated[str, Field(min_length=1, max_length=20)]


class Link(Strict):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    url: Annotated[str, Field(max_length=500, pattern=r"^(https?://|/)\S+$")]


class PictureNewsBlock(Strict):
    """图片新闻: the newest documents with a cover image under a channel, the first one large."""

    kind: Literal["picture_news"]
    title: BlockTitle = "图片新闻"
    channel: ChannelPath = "zwdt"
    limit: Annotated[int, Field(ge=1, le=10)] = 5


class ChannelListsBlock(Strict):
    """The newest titles of channels: the ones named, else the site's news lists in its own order."""

    kind: Literal["channel_lists"]
    channels: Annotated[list[ChannelPath], Field(max_length=12)] = []
    limit: Annotated[int, Field(ge=1, le=20)] = 8


class TopicsBlock(Strict):
    """专题: the site's topic channels, each with its description."""

    kind: Literal["topics"]
    title: BlockTitle = "专题专栏"


class LeadersBlock(Strict):
    """领导之窗: the 负责人信息 column (a page: its summary and photo; a list: its entries)."""

    kind: Literal["leaders"]
    title: BlockTitle = "领导之窗"
    channel: ChannelPath = "zfxxgk/fdzdgknr/ldxx"


class ServicesBlock(Strict):
    """办事服务 entries: the links given, else the site's service, disclosure, interaction and data columns."""

    kind: Literal["services"]
    title: BlockTitle = "办事服务"
    links: Annotated[list[Link], Field(max_length=12)] = []


class SiteGroupBlock(Strict):
    """网站群导航: the group's other sites this site belongs with (its parent, its peers, the sites under it)."""

    kind: Literal["site_group"]
    title: BlockTitle = "网站群导航"


class LinksBlock(Strict):
    """相关链接: the site's own list of other sites."""

    kind: Literal["links"]
    title: BlockTitle = "相关链接"
    links: Annotated[list[Link], Field(min_length=1, max_length=30)]


HomeBlock = Annotated[
    PictureNewsBlock | ChannelListsBlock | TopicsBlock | LeadersBlock | ServicesBlock | SiteGroupBlock | LinksBlock,
    Field(discriminator="kind"),
]


class ThemeUpdate(Strict):
    """A site's own colours, logo, footer lines and home page blocks; colours must keep text readable (AA)."""

    primary_color: Annotated[str, Field(pattern=HEX)] = "#b3000c"
    link_color: Annotated[str, Field(pattern=HEX)] = "#0b4aa2"
    logo_url: Annotated[str, Field(max_length=500, pattern=r"^(https://|/)\S+$")] | None = None
    logo_alt: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    footer_lines: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=5)] = []
    home_blocks: Annotated[list[HomeBlock], Field(max_length=12)] | None = Field(
        None, description="the home page's blocks in order; null: the arrangement of the site's theme"
    )

    @field_validator("primary_color", "link_color")
    @classmethod
    def readable(cls, value: str) -> str:
        ratio = contrast_with_white(value)
        if ratio < MIN_CONTRAST:
            raise ValueError(f"与白色的对比度为 {ratio:.2f}:1，低于 WCAG AA 要求的 {MIN_CONTRAST}:1")
        return value.lower()

    @model_validator(mode="after")
    def logo_has_alt(self) -> ThemeUpdate:
        if self.logo_url and not self.logo_alt:
            raise ValueError("设置 logo_url 时须填写 logo_alt（供读屏软件朗读的替代文本）")
        return self


class ThemeRead(ThemeUpdate):
    model_config = ConfigDict(extra="ignore")
    site_id: str


_PATH = re.compile(r"^/[^\s?#]{0,499}(\?[^\s#]+)?$")  # a query: old CMSes address pages by it


class RedirectItem(Strict):
    old_path: Annotated[
        str,
        Field(
            max_length=500,
            description="a path on the site's own domain (/art/2019/1.html), or with its query (/content.jsp?id=12)",
        ),
    ]
    target: Annotated[str, Field(max_length=1000, pattern=r"^(https?://\S+|/\S*)$")] | None = Field(
        None, description="where it moved (301); null: gone for good (410)"
    )

    @field_validator("old_path")
    @classmethod
    def plain_path(cls, value: str) -> str:
        if not _PATH.match(value) or "/../" in value or value.endswith("/.."):
            raise ValueError("须为以 / 开头的路径（可带查询参数），不能含空格或片段（#）")
        return legacy_key(value)  # its parameters in the order every lookup uses


class RedirectBatch(Strict):
    items: Annotated[list[RedirectItem], Field(min_length=1, max_length=10_000)]


class RedirectRead(BaseModel):
    old_path: str
    target: str | None
    status: int


class RedirectsWritten(BaseModel):
    site_id: str
    written: int


class MirrorRebuilt(BaseModel):
    site_id: str
    files: int


class CacheStats(BaseModel):
    pages: int
    hits: int
    misses: int
    mirror_files_written: int
    mirror_pending: int = Field(description="changes (documents, channels' lists, sites) the mirror has yet to write")


class PreviewCreate(Strict):
    """What to show before it is published, to whoever gets the link: a draft on its site's theme (the reviewer,
    the leader who signs it off), or the site's home with theme settings not saved yet (its admin)."""

    document: DocumentSnapshot | None = Field(None, description="the working copy (GET …/documents/{id}/preview)")
    theme: ThemeUpdate | None = Field(None, description="colours, logo, footer and home blocks to try")
    hours: int = Field(72, ge=1, le=168, description="how long the link works")

    @model_validator(mode="after")
    def _one_thing(self) -> PreviewCreate:
        if (self.document is None) == (self.theme is None):
            raise ValueError("须给出 document 或 theme 之一")
        return self


class PreviewRead(BaseModel):
    path: str = Field(description="/preview/<token> on the site's own host")
    expires_at: datetime
