"""Saved views: a person's named filters of a list, kept by the console (they are the person's, not a site's)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from services.console.models import SavedView
from services.console.service.context import ConsoleDeps
from services.console.service.platform_api import ApiError

MAX_VIEWS = 20


async def views_of(deps: ConsoleDeps, subject: str, section: str) -> list[SavedView]:
    async with deps.uow() as uow:
        query = select(SavedView).where(SavedView.subject == subject, SavedView.section == section)
        return list((await uow.session.scalars(query.order_by(SavedView.name))).all())


async def save_view(deps: ConsoleDeps, subject: str, section: str, name: str, query: dict[str, Any]) -> SavedView:
    """A new view, or the one of that name replaced; refused (422) when unnamed or past the limit."""
    name = name.strip()
    if not 1 <= len(name) <= 40:
        raise ApiError(422, "invalid_input", "视图名称须为 1–40 个字符", {"name": "视图名称须为 1–40 个字符"})
    async with deps.uow() as uow:
        mine = (SavedView.subject == subject, SavedView.section == section)
        await uow.execute(delete(SavedView).where(*mine, SavedView.name == name))
        if await uow.session.scalar(select(func.count()).select_from(SavedView).where(*mine)) >= MAX_VIEWS:
            raise ApiError(422, "too_many_views", f"最多保存 {MAX_VIEWS} 个视图，请先删除不用的")
        view = SavedView(subject=subject, section=section, name=name, query=query)
        uow.session.add(view)
        await uow.commit()
    return view


async def delete_view(deps: ConsoleDeps, subject: str, view_id: int) -> None:
    """Only the person's own view goes (another's id deletes nothing)."""
    async with deps.uow() as uow:
        await uow.execute(delete(SavedView).where(SavedView.id == view_id, SavedView.subject == subject))
        await uow.commit()
