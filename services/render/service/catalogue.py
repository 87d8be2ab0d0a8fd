"""政府信息公开目录: every disclosed document under the column, with its 索引号, 文号, 发布机构 and dates, found by
keyword and narrowed by 主题分类, 发布机构, year and 有效性 (the 失效文件 list is the catalogue of 废止 and 失效)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from services.render.list_queries import Filters
from services.render.models import ChannelView
from services.render.service.context import RenderUnitOfWork
from services.render.service.listing import entry_item, pager
from services.render.service.site_context import SiteContext

FIRST_YEAR, LAST_YEAR = 1949, 2100  # the years a filter may name
VALIDITIES = ("有效", "修改", "废止", "失效")
NO_LONGER_IN_FORCE = "废止,失效"  # the 失效文件 list


class BadParameter(ValueError):
    """A query parameter a page cannot take: the page answers 400 naming it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def catalogue_filters(params: dict[str, str]) -> tuple[Filters, int]:
    """The filters and page number of a catalogue request (absent: no filter, page 1)."""
    year_text, page_text = params.get("year", ""), params.get("page", "")
    if year_text and not (year_text.isdigit() and FIRST_YEAR <= int(year_text) <= LAST_YEAR):
        raise BadParameter("year", f"年份须为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的四位数字")
    if page_text and not (page_text.isdigit() and int(page_text) > 0):
        raise BadParameter("page", "页码须为正整数")
    validity = tuple(v for v in params.get("validity", "").split(",") if v)
    if any(v not in VALIDITIES for v in validity):
        raise BadParameter("validity", f"有效性须为 {'、'.join(VALIDITIES)} 之一（可用逗号连写）")
    filters = Filters(
        topic=params.get("topic") or None,
        year=int(year_text) if year_text else None,
        issuing_body=params.get("org") or None,
        validity=validity,
        q=(params.get("q") or "").strip() or None,
    )
    return filters, int(page_text or 1)


async def catalogue_context(
    uow: RenderUnitOfWork, ctx: SiteContext, channel: ChannelView, filters: Filters, number: int, size: int
) -> dict[str, Any]:
    items, total = await uow.repo.listed(channel.path, (number - 1) * size, size, filters, catalogue=True)
    chosen = {
        "q": filters.q,
        "topic": filters.topic,
        "org": filters.issuing_body,
        "year": filters.year,
        "validity": ",".join(filters.validity) or None,
    }
    query = urlencode({k: v for k, v in chosen.items() if v})
    pages = max(1, -(-total // size))
    return {
        "channel": channel.snapshot,
        "children": [c.snapshot for c in ctx.children(channel.id)],
        "items": [entry_item(e) for e in items],
        "topics": await uow.repo.topics(channel.path),
        "bodies": await uow.repo.issuing_bodies(channel.path),
        "years": await uow.repo.years(channel.path),
        "validities": VALIDITIES,
        "no_longer_in_force": NO_LONGER_IN_FORCE,
        "selected": chosen,
        "pager": pager(
            f"/{channel.path}/?{query + '&' if query else ''}page=",
            number,
            pages,
            total,
            query=True,
        ),
    }
