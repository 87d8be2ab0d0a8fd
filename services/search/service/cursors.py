"""The date-sorted cursor: the sort key of the last result shown; the next page starts below it."""

from __future__ import annotations

from services.search.engines.base import Hit
from services.search.schemas import SearchParams
from shared.errors import InvalidInput


def after(params: SearchParams) -> int | None:
    if params.cursor is None:
        return None
    if not params.cursor.isdigit():
        raise InvalidInput("cursor", "不是本搜索给出的游标（请原样使用 next_cursor）")
    return int(params.cursor)


def next_cursor(params: SearchParams, page: list[Hit], total: int) -> str | None:
    """Only for sort=date, and only while a full page came back (there may be more)."""
    if params.sort != "date" or len(page) < params.size or not total:
        return None
    return str(page[-1].sort_key)
