"""Developers' applications and API keys: a key is shown once, stored as SHA-256, revocable, with its own
quota; the gateway asks `verify_key` (cached) before an API call counts against that quota."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from services.identity.models import ApiKey, Application
from services.identity.service.context import IdentityDeps
from services.identity.service.secrets import digest, new_secret, same_digest
from shared.auth import Principal
from shared.errors import Forbidden, NotFound

KEY_FORMAT = re.compile(r"sgk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})")
DEFAULT_PER_MINUTE = 600
MAX_KEYS = 10


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """What the gateway learns about a presented key."""

    active: bool
    key_id: str | None = None
    application_id: str | None = None
    owner_id: str | None = None
    per_minute: int = 0
    approved_datasets: tuple[str, ...] = ()


async def create_application(deps: IdentityDeps, actor: Principal, name: str, description: str) -> Application:
    async with deps.uow() as uow:
        owner = await uow.repo.account(actor.subject)
        if owner is None or owner.kind not in ("citizen", "legal_person"):
            raise Forbidden("只有注册开发者（公众账号）才能创建应用")
        app = Application(
            id=f"app-{uuid.uuid4().hex[:12]}",
            owner_id=owner.id,
            name=name,
            description=description,
            approved_datasets=[],
        )
        uow.session.add(app)
        uow.audit(owner.id, "application.created", target=app.id, detail=name)
        await uow.commit()
    return app


async def applications_of(deps: IdentityDeps, actor: Principal) -> list[tuple[Application, list[ApiKey]]]:
    """A developer's applications with their keys (ids and quotas only: the keys themselves are not kept)."""
    async with deps.uow() as uow:
        apps = await uow.repo.applications_of(actor.subject)
        return [(app, await uow.repo.keys_of(app.id)) for app in apps]


async def _own_application(uow, actor: Principal, application_id: str) -> Application:  # noqa: ANN001
    app = await uow.repo.application(application_id)
    if app is None or app.owner_id != actor.subject:
        raise NotFound(f"您名下没有应用 {application_id}")  # another's looks like none
    return app


async def issue_key(
    deps: IdentityDeps, actor: Principal, application_id: str, per_minute: int = DEFAULT_PER_MINUTE
) -> tuple[ApiKey, str]:
    """The key record and the key itself, which is never shown again."""
    async with deps.uow() as uow:
        app = await _own_application(uow, actor, application_id)
        live = [k for k in await uow.repo.keys_of(app.id) if k.revoked_at is None]
        if len(live) >= MAX_KEYS:
            raise Forbidden(f"每个应用最多有 {MAX_KEYS} 个有效密钥，请先撤销其中一个")
        key_id, secret = uuid.uuid4().hex[:12], new_secret()
        record = ApiKey(id=key_id, application_id=app.id, secret_hash=digest(secret), per_minute=per_minute)
        uow.session.add(record)
        uow.audit(actor.subject, "api_key.issued", target=f"{app.id}/{key_id}")
        await uow.commit()
    return record, f"sgk_{key_id}_{secret}"


async def revoke_key(deps: IdentityDeps, actor: Principal, application_id: str, key_id: str) -> None:
    async with deps.uow() as uow:
        app = await _own_application(uow, actor, application_id)
        key = await uow.repo.api_key(key_id)
        if key is None or key.application_id != app.id:
            raise NotFound(f"应用 {application_id} 下没有密钥 {key_id}")
        if key.revoked_at is None:
            key.revoked_at = deps.now()
            uow.audit(actor.subject, "api_key.revoked", target=f"{app.id}/{key_id}")
        await uow.commit()


GATEWAY_ROLE = "gateway"  # a service role: only clients get it (service_grants), never a person


async def check_key_for(deps: IdentityDeps, actor: Principal, presented: str) -> KeyCheck:
    """The gateway asks over HTTP (distributed mode) with its own client-credentials token."""
    if not actor.has_role("*", GATEWAY_ROLE):
        raise Forbidden("只有网关（gateway 角色）可以校验 API 密钥", code="needs_role")
    return await verify_key(deps, presented)


async def verify_key(deps: IdentityDeps, presented: str) -> KeyCheck:
    match = KEY_FORMAT.fullmatch(presented)
    if match is None:
        return KeyCheck(active=False)
    async with deps.uow() as uow:
        key = await uow.repo.api_key(match[1])
        if key is None or key.revoked_at is not None or not same_digest(key.secret_hash, match[2]):
            return KeyCheck(active=False)
        app = await uow.repo.application(key.application_id)
    return KeyCheck(True, key.id, app.id, app.owner_id, key.per_minute, tuple(app.approved_datasets))
