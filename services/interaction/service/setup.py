"""How a site's desk is set up (its mailboxes and departments, reply templates, CAPTCHA and words, where alerts
go) and the platform's holiday table, from which the working-day calendar is rebuilt."""

from __future__ import annotations

from services.interaction.models import DeskSettings, ReplyTemplate, Unit
from services.interaction.schemas import (
    DeskSettingsRead,
    DeskSettingsWrite,
    TemplateRead,
    TemplateWrite,
    UnitRead,
    UnitWrite,
)
from services.interaction.service.context import Desk, InteractionDeps
from shared.auth import Principal
from shared.errors import Forbidden, NotFound

ADMIN_ROLES = ("site_admin", "platform_operator")


def require_admin(principal: Principal, site_id: str) -> None:
    if not principal.has_role(site_id, ADMIN_ROLES):
        raise Forbidden(f"设置站点 {site_id} 的信箱需要站点管理员", code="needs_role")


def require_office(desk: Desk) -> None:
    if not desk.office:
        raise Forbidden("只有信件受理部门可以做这件事", code="needs_role")


async def put_unit(deps: InteractionDeps, principal: Principal, site_id: str, code: str, data: UnitWrite) -> UnitRead:
    require_admin(principal, site_id)
    async with deps.site_uow(site_id) as uow:
        if await uow.repo.site(site_id) is None:
            raise NotFound(f"没有站点 {site_id}")
        unit = await uow.repo.unit_by_code(code)
        if unit is None:
            unit = Unit(site_id=site_id, code=code)
            uow.session.add(unit)
        for name, value in data.model_dump().items():
            setattr(unit, name, value)
        await uow.commit()
        return UnitRead.model_validate(unit)


async def list_units(deps: InteractionDeps, desk: Desk) -> list[UnitRead]:
    async with deps.site_uow(desk.site_id) as uow:
        return [UnitRead.model_validate(u) for u in await uow.repo.units()]


async def list_templates(deps: InteractionDeps, desk: Desk) -> list[TemplateRead]:
    async with deps.site_uow(desk.site_id) as uow:
        return [TemplateRead.model_validate(t) for t in await uow.repo.templates()]


async def save_template(
    deps: InteractionDeps, desk: Desk, data: TemplateWrite, template_id: int | None = None
) -> TemplateRead:
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        template = await uow.repo.template(template_id) if template_id else ReplyTemplate(site_id=desk.site_id)
        if template is None:
            raise NotFound(f"没有答复模板 {template_id}")
        template.title, template.body = data.title, data.body
        uow.session.add(template)
        await uow.commit()
        return TemplateRead.model_validate(template)


async def delete_template(deps: InteractionDeps, desk: Desk, template_id: int) -> None:
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        template = await uow.repo.template(template_id)
        if template is None:
            raise NotFound(f"没有答复模板 {template_id}")
        await uow.session.delete(template)
        await uow.commit()


async def desk_settings(deps: InteractionDeps, site_id: str) -> DeskSettingsRead:
    async with deps.site_uow(site_id) as uow:
        found = await uow.repo.desk_settings(site_id)
        return DeskSettingsRead.model_validate(found) if found else DeskSettingsRead()


async def save_desk_settings(
    deps: InteractionDeps, principal: Principal, site_id: str, data: DeskSettingsWrite
) -> DeskSettingsRead:
    require_admin(principal, site_id)
    async with deps.site_uow(site_id) as uow:
        found = await uow.repo.desk_settings(site_id) or DeskSettings(site_id=site_id)
        found.captcha, found.sensitive_words, found.office_email = data.captcha, data.sensitive_words, data.office_email
        uow.session.add(found)
        await uow.commit()
        return DeskSettingsRead.model_validate(found)
