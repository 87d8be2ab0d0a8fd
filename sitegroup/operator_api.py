"""Commands that act on the running platform call its API as a platform operator: the token is minted from
this data directory's provider key (consolidated), or given (SITEGROUP_TOKEN, distributed)."""

from __future__ import annotations

import asyncio

import httpx

from shared.auth import PLATFORM_SITE, Grant
from sitegroup.settings import PlatformSettings


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
