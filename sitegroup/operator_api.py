"""Commands that act on the running platform call its API as a platform operator: the token is minted from
this data directory's provider key (consolidated), or given (SITEGROUP_TOKEN, distributed)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import httpx
import typer
from rich.console import Console

from shared.auth import PLATFORM_SITE, Grant
from sitegroup.settings import PlatformSettings

T = TypeVar("T")
# The options of every such command.
UrlOption = Annotated[
    str | None, typer.Option("--url", help="the platform's address (default: where it was last served)")
]
TokenOption = Annotated[
    str | None,
    typer.Option("--token", envvar="SITEGROUP_TOKEN", help="a platform operator's token (default: minted here)"),
]


def operator_client(url: str | None, token: str | None) -> httpx.AsyncClient:
    """An HTTP client at the platform's address (default: where this data directory was last served)."""
    platform = PlatformSettings().as_served()
    bearer = token or asyncio.run(_minted(platform))
    return httpx.AsyncClient(
        base_url=url or platform.base_url, headers={"authorization": f"Bearer {bearer}"}, timeout=120
    )


async def _minted(platform: PlatformSettings) -> str:
    from sitegroup.devtokens import provider_signer

    async with provider_signer(platform) as signer:
        return signer.mint("cli:operator", [Grant(site=PLATFORM_SITE, role="platform_operator")], name="命令行")


def run_against_platform(client: httpx.AsyncClient, work: Callable[[], Awaitable[T]]) -> T:
    """Run a command's calls; a platform that does not answer is said plainly (exit 1), not as a traceback."""
    try:
        return asyncio.run(work())
    except httpx.TransportError as exc:
        Console(stderr=True).print(
            f"[red]the platform does not answer at {client.base_url}[/] ({exc.__class__.__name__}): "
            "start it (make run), or name it with --url"
        )
        raise typer.Exit(1) from None
