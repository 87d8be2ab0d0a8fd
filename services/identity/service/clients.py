"""Registering relying parties and services (platform operators only; CLI and API)."""

from __future__ import annotations

import re
from typing import Any

from services.identity.models import Client
from services.identity.schemas import ClientCreate
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from services.identity.service.secrets import digest, new_secret
from shared.errors import Conflict, InvalidInput

CLIENT_ID = re.compile(r"[a-z][a-z0-9-]{2,63}")


def _check_uris(field: str, uris: list[str]) -> None:
    for uri in uris:
        local = uri.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))
        if not (uri.startswith("https://") or local) or "#" in uri:
            raise InvalidInput(field, f"{uri!r}：须为不带片段（#）的 https 地址（仅本机回环地址可用 http）")


def check_client_uris(spec: ClientCreate) -> None:
    _check_uris("redirect_uris", spec.redirect_uris)
    _check_uris("post_logout_redirect_uris", spec.post_logout_redirect_uris)
    _check_uris("backchannel_logout_uri", [spec.backchannel_logout_uri] if spec.backchannel_logout_uri else [])


async def register_client(
    uow: IdentityUnitOfWork, deps: IdentityDeps, *, actor: str, client_id: str, public: bool, **fields: Any
) -> tuple[Client, str | None]:
    """The client and, for a confidential one, its secret (shown this once, stored hashed)."""
    if not CLIENT_ID.fullmatch(client_id):
        raise InvalidInput("client_id", "须为 3–64 个字符，由小写字母、数字和 - 组成，以字母开头")
    if await uow.repo.client(client_id) is not None:
        raise Conflict(f"客户端 {client_id!r} 已存在")
    _check_uris("redirect_uris", fields.get("redirect_uris", []))
    _check_uris("post_logout_redirect_uris", fields.get("post_logout_redirect_uris", []))
    _check_uris("backchannel_logout_uri", [u for u in [fields.get("backchannel_logout_uri")] if u])
    if public and "client_credentials" in fields.get("grant_types", []):
        raise InvalidInput("grant_types", "公开客户端不能使用 client_credentials")
    secret = None if public else new_secret()
    client = Client(
        id=client_id,
        public=public,
        secret_hash=digest(secret) if secret else None,  # 256 random bits: a fast hash suffices
        created_by=actor,
        **fields,
    )
    uow.session.add(client)
    await uow.session.flush()
    uow.audit(actor, "client.registered", target=client_id, detail=f"{'public' if public else 'confidential'}")
    return client, secret
