"""The render tests' kit: content events from shared.events.samples, and waiting for a site's pages."""

from __future__ import annotations

from shared.events.samples import BODY, CHANNELS, Feeder, eventually, message, ref, site

__all__ = ["BODY", "CHANNELS", "Feeder", "eventually", "message", "ref", "site", "site_ready"]


async def site_ready(pages, host: str) -> None:
    """A site's events travel on two topics (and partitions): wait until its home and every channel answer."""

    async def ready() -> bool:
        for path in ["/", *(f"/{c[3]}/" for c in CHANNELS)]:
            if (await pages.get(path, headers={"host": host})).status_code != 200:
                return False
        return True

    await eventually(ready, timeout=90)  # a fresh Kafka namespace's first fetches can take a while
