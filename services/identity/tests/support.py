"""The people and clients of the identity tests, made through the service's own use cases."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp

from services.identity.service.accounts import create_account
from services.identity.service.clients import register_client
from services.identity.service.context import IdentityDeps

ISSUER = "https://id.test.sitegroup/api/v1/identity"
PORTAL_REDIRECT = "https://www.ah.gov.cn/oidc/callback"
APP_REDIRECT = "http://127.0.0.1:5173/callback"
PASSWORD = "Hefei-2026-zhengwu"


@dataclass
class People:
    editor_id: str
    portal_secret: str
    service_secret: str
    totp_secret: str


async def seed_people(deps: IdentityDeps) -> People:
    totp_secret = pyotp.random_base32()
    async with deps.uow() as uow:
        editor = await create_account(
            uow,
            deps,
            actor="test",
            username="zhangwei",
            password=PASSWORD,
            kind="staff",
            name="张伟",
            email="zhangwei@hefei.gov.cn",
        )
        await create_account(
            uow,
            deps,
            actor="test",
            username="lina",
            password=PASSWORD,
            kind="staff",
            name="李娜",
            totp_secret=totp_secret,
            totp_required=True,
        )
        from services.identity.models import RoleGrant

        uow.session.add(RoleGrant(account_id=editor.id, site_id="hefei", role="editor", granted_by="test"))
        _, portal_secret = await register_client(
            uow,
            deps,
            actor="test",
            client_id="ah-portal",
            public=False,
            name="安徽省人民政府门户网站",
            redirect_uris=[PORTAL_REDIRECT],
            grant_types=["authorization_code", "refresh_token"],
            scopes=["openid", "profile", "email", "offline_access"],
            post_logout_redirect_uris=["https://www.ah.gov.cn/"],
            backchannel_logout_uri="https://www.ah.gov.cn/oidc/backchannel",
        )
        await register_client(
            uow,
            deps,
            actor="test",
            client_id="zwfw-app",
            public=True,
            name="政务服务移动端",
            redirect_uris=[APP_REDIRECT],
            grant_types=["authorization_code", "refresh_token"],
            scopes=["openid", "profile", "offline_access"],
            backchannel_logout_uri="http://127.0.0.1:5173/backchannel",
        )
        _, service_secret = await register_client(
            uow,
            deps,
            actor="test",
            client_id="search-indexer",
            public=False,
            name="全文检索服务",
            grant_types=["client_credentials"],
            scopes=["content.read"],
            service_grants=[{"site": "*", "role": "reader"}],
        )
        await uow.commit()
    return People(editor.id, portal_secret or "", service_secret or "", totp_secret)
