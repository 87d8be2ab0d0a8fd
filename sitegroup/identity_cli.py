"""`sitegroup identity …`: what platform operators do at the provider from a shell (clients, keys)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from services import identity
from services.identity import ClientCreate, IdentityDeps, IdentityRuntime
from shared.auth import PLATFORM_SITE, Grant, Principal
from shared.errors import ProblemError
from sitegroup.settings import PlatformSettings, identity_settings

identity_app = typer.Typer(help="The identity provider: register clients, rotate signing keys.", no_args_is_help=True)
console = Console(stderr=True)
# Whoever runs these commands on the platform's host acts as its system administrator (and is audited so).
OPERATOR = Principal(subject="cli:operator", name="命令行", grants=(Grant(site=PLATFORM_SITE, role="system_admin"),))


@contextlib.asynccontextmanager
async def _provider() -> AsyncIterator[IdentityDeps]:
    from sitegroup.consolidated import migrate_all

    platform = PlatformSettings()
    await migrate_all(platform)
    runtime = IdentityRuntime(identity_settings(platform))
    await runtime.start()  # loads the signing keys; no worker runs
    try:
        yield runtime.deps
    finally:
        await runtime.stop()


@identity_app.command("register-client")
def register(
    client_id: Annotated[str, typer.Argument(help="e.g. hefei-portal")],
    name: Annotated[str, typer.Option(help="shown on the login page, e.g. 合肥市人民政府门户网站")],
    redirect_uri: Annotated[list[str] | None, typer.Option(help="exact redirect URI (repeat for more)")] = None,
    public: Annotated[bool, typer.Option(help="no secret; PKCE required (apps, single-page sites)")] = False,
    grant_type: Annotated[list[str] | None, typer.Option(help="default: authorization_code, refresh_token")] = None,
    scope: Annotated[list[str] | None, typer.Option(help="default: openid, profile, offline_access")] = None,
    backchannel_logout_uri: Annotated[str | None, typer.Option()] = None,
    first_party: Annotated[
        bool, typer.Option("--first-party/--third-party", help="a platform site (no consent page) or not")
    ] = True,
    service_role: Annotated[
        list[str] | None, typer.Option(help="a role on every site for the client's own tokens, e.g. gateway")
    ] = None,
) -> None:
    """Register a relying party or service; a confidential client's secret is printed this once."""

    async def run() -> str | None:
        request = ClientCreate(
            client_id=client_id,
            public=public,
            name=name,
            redirect_uris=redirect_uri or [],
            grant_types=grant_type or ["authorization_code", "refresh_token"],
            scopes=scope or ["openid", "profile", "offline_access"],
            backchannel_logout_uri=backchannel_logout_uri,
            service_grants=[{"site": PLATFORM_SITE, "role": role} for role in service_role or []],
            first_party=first_party,
        )
        async with _provider() as deps:
            _, secret = await identity.add_client(deps, OPERATOR, request)
            return secret

    try:
        secret = asyncio.run(run())
    except (ProblemError, ValidationError) as exc:
        reason = exc.message if isinstance(exc, ProblemError) else exc.errors()[0]["msg"]
        console.print(f"[red]not registered:[/] {reason}")
        raise typer.Exit(2) from None
    console.print(f"[green]registered[/] {client_id}")
    if secret:
        typer.echo(secret)  # stdout: the secret alone, for scripts; it is not shown again


@identity_app.command("rotate-keys")
def rotate_keys() -> None:
    """The published next signing key starts signing; the old one stays published until its tokens expire."""

    async def run() -> str:
        async with _provider() as deps:
            return await identity.rotate_keys(deps, OPERATOR)

    console.print(f"[green]signing with[/] {asyncio.run(run())} (a running platform picks it up on its next restart)")
