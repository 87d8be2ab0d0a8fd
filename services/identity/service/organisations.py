"""The organisation tree (province → city → county → department) the sites belong to; the system admin
keeps it. A child's level is always below its parent's, so the tree cannot be drawn upside down."""

from __future__ import annotations

import re

from sqlalchemy import select

from services.identity.models import Organisation
from services.identity.service.context import IdentityDeps
from services.identity.service.roles import SYSTEM_ADMIN, require
from shared.auth import Principal
from shared.errors import Conflict, InvalidInput

LEVELS = ("province", "city", "county", "department")
_ID = re.compile(r"[a-z][a-z0-9-]{1,39}")


async def add_organisation(
    deps: IdentityDeps,
    actor: Principal,
    *,
    org_id: str,
    name: str,
    level: str,
    parent_id: str | None,
    site_ids: list[str],
) -> Organisation:
    require(actor, SYSTEM_ADMIN)
    if not _ID.fullmatch(org_id):
        raise InvalidInput("id", "须为 2–40 个字符，由小写字母、数字和 - 组成，以字母开头")
    if level not in LEVELS:
        raise InvalidInput("level", f"须为以下之一：{', '.join(LEVELS)}")
    async with deps.uow() as uow:
        if await uow.session.get(Organisation, org_id) is not None:
            raise Conflict(f"机构 {org_id!r} 已存在")
        if parent_id is not None:
            parent = await uow.session.get(Organisation, parent_id)
            if parent is None:
                raise InvalidInput("parent_id", f"机构 {parent_id!r} 不存在")
            if LEVELS.index(level) <= LEVELS.index(parent.level) and level != "department":
                raise InvalidInput("level", f"{level} 级机构不能隶属于 {parent.level} 级机构")
        elif level != "province":
            raise InvalidInput("parent_id", f"{level} 级机构须有上级机构")
        org = Organisation(id=org_id, name=name, level=level, parent_id=parent_id, site_ids=list(site_ids))
        uow.session.add(org)
        uow.audit(actor.subject, "organisation.created", target=org_id, detail=f"{level} {name}")
        await uow.commit()
    return org


async def organisation_tree(deps: IdentityDeps) -> list[dict[str, object]]:
    """Every organisation with its children, roots first (the tree is small: hundreds of nodes)."""
    async with deps.uow() as uow:
        rows = list(await uow.session.scalars(select(Organisation).order_by(Organisation.id)))
    nodes = {o.id: {"id": o.id, "name": o.name, "level": o.level, "sites": o.site_ids, "children": []} for o in rows}
    roots = []
    for o in rows:
        (nodes[o.parent_id]["children"] if o.parent_id in nodes else roots).append(nodes[o.id])  # type: ignore[union-attr]
    return roots
