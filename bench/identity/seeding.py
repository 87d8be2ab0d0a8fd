"""The provider's settings as this bench states them, and the accounts and clients it seeds through the
service's own use cases before anything is measured."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.identity import INDEXER, ISSUER, PASSWORD, PORTAL, REDIRECT


def identity_settings(db: Path):
    """The defaults (argon2id cost, RSA keys, lifetimes) but for the database and the issuer."""
    from services.identity import IdentitySettings

    return IdentitySettings(
        database_url=f"sqlite+aiosqlite:///{db}", issuer=ISSUER, log_json=False, log_level="WARNING"
    )


def drop_identity_env() -> None:
    """IDENTITY_* variables would override the defaults this bench states (argon2 cost, lifetimes)."""
    for name in [k for k in os.environ if k.startswith("IDENTITY_")]:
        del os.environ[name]


@dataclass
class Seed:
    """What the measures need from the seeding: logins, client secrets, the keys and the password cost."""

    usernames: list[str]
    indexer_secret: str
    portal_secret: str
    password_hash: str  # one stored hash: its header names the argon2 parameters really used
    jwks: dict[str, Any]
    rsa_bits: int


@contextlib.asynccontextmanager
async def provider(settings) -> AsyncIterator[Any]:
    """The provider's dependencies in this process (keys loaded), for seeding and minting."""
    from services.identity import IdentityRuntime

    runtime = IdentityRuntime(settings)
    await runtime.start()  # loads the signing keys; no worker runs
    try:
        yield runtime.deps
    finally:
        await runtime.stop()


async def seed(deps, accounts: int) -> Seed:
    """Staff accounts with an editor grant, the service client and the portal, through the use cases."""
    from services.identity import StaffSeed, provision_staff

    people = [StaffSeed(f"bench{i:02d}", "张伟", "hefei", "editor") for i in range(accounts)]
    made = await provision_staff(deps, people, PASSWORD, actor="bench")
    indexer_secret, portal_secret = await register_clients(deps)
    return Seed(
        usernames=[a.username for a in made],
        indexer_secret=indexer_secret,
        portal_secret=portal_secret,
        password_hash=made[0].password_hash,
        jwks=deps.keys.jwks(),
        rsa_bits=deps.keys.active.raw_value.key_size,
    )


async def register_clients(deps) -> tuple[str, str]:
    """The service client (client_credentials) and the portal (code + PKCE, refresh): their secrets."""
    from services.identity import ClientCreate, add_client
    from shared.auth import PLATFORM_SITE, Grant, Principal

    system_admin = Principal(subject="bench", grants=(Grant(site=PLATFORM_SITE, role="system_admin"),))
    indexer = ClientCreate(
        client_id=INDEXER,
        name="全文检索服务",
        grant_types=["client_credentials"],
        scopes=["content.read"],
        service_grants=[{"site": PLATFORM_SITE, "role": "reader"}],
    )
    portal = ClientCreate(
        client_id=PORTAL,
        name="门户网站",
        redirect_uris=[REDIRECT],
        grant_types=["authorization_code", "refresh_token"],
        scopes=["openid", "profile", "offline_access"],
    )
    _, indexer_secret = await add_client(deps, system_admin, indexer)
    _, portal_secret = await add_client(deps, system_admin, portal)
    return indexer_secret or "", portal_secret or ""
