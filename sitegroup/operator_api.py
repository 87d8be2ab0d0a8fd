"""Commands that act on the running platform call its API as a platform operator: the token is minted from
this data directory's provider key (consolidated), or given (SITEGROUP_TOKEN, distributed). `replay` is one."""

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
console = Console(stderr=True)
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
        console.print(
            f"[red]the platform does not answer at {client.base_url}[/] ({exc.__class__.__name__}): "
            "start it (make run), or name it with --url"
        )
        raise typer.Exit(1) from None


def replay(
    site: Annotated[str | None, typer.Option(help="one site (default: every site)")] = None,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Announce every site, channel and public document again, so a read model rebuilt from nothing (the
    renderer's, search's) fills itself from the content library; consumers that have them drop the repeats."""

    client = operator_client(url, token)  # mints its token on a loop of its own, before this one runs

    async def run() -> httpx.Response:
        async with client:
            return await client.post("/api/v1/content/replay", json={"site": site} if site else {})

    answer = run_against_platform(client, run)
    if answer.status_code != 200:
        console.print(f"[red]refused ({answer.status_code})[/]: {answer.text[:300]}")
        raise typer.Exit(1)
    counts = answer.json()
    console.print(
        f"[green]announced again[/]: {counts['sites']} sites, {counts['channels']} channels, "
        f"{counts['documents']} documents"
    )
