"""Tokens for development, tests and benchmarks, signed by the identity provider's own active key with its
issuer: exactly what the provider issues after a login, without the login. Never exposed over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from services.identity import IdentityDeps, IdentityRuntime, access_token
from shared.auth import Grant
from sitegroup.settings import PlatformSettings, identity_settings

DEV_CLIENT = "sitegroup-dev"


class ProviderSigner:
    def __init__(self, deps: IdentityDeps) -> None:
        self.deps = deps

    def mint(
        self,
        subject: str,
        grants: Sequence[Grant] = (),
        *,
        name: str | None = None,
        lifetime: int = 3600,
        issued_at: int | None = None,
    ) -> str:
        claim = [g.model_dump(exclude_none=True) for g in grants]
        token, _ = access_token(
            self.deps,
            subject=subject,
            client_id=DEV_CLIENT,
            scope="openid",
            grants=claim,
            name=name,
            issued_at=issued_at,
            lifetime=lifetime,
        )
        return token


@contextlib.asynccontextmanager
async def provider_signer(platform: PlatformSettings) -> AsyncIterator[ProviderSigner]:
    """The signer of a consolidated platform's data directory, from another process (CLI, benchmarks)."""
    runtime = IdentityRuntime(identity_settings(platform))
    await runtime.start()  # loads the signing keys; no worker runs
    try:
        yield ProviderSigner(runtime.deps)
    finally:
        await runtime.stop()
