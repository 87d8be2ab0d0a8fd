"""Redirects the legacy site made itself (/old/tzgg.html → /xwzx/tzgg/) answered in one hop on the platform: a
URL that redirected to another legacy URL takes that URL's decision as soon as either is known, however many
legacy redirects were chained."""

from __future__ import annotations

from typing import Any

from services.transition.service.context import TransitionUnitOfWork
from shared.events.transition import Redirect
from shared.legacy_urls import key_of_link, link_of_key

MOST_HOPS = 5  # legacy redirect chains longer than this are left to answer hop by hop


async def shorten(uow: TransitionUnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Staged rows that redirect to an already decided legacy URL take its decision now."""
    pointing = {key: row for row in rows if (key := key_of_link(row.get("target") or ""))}
    known = await uow.repo.urls(list(pointing))
    for key, row in pointing.items():
        found = known.get(key)
        if found is not None and found.state in ("imported", "mapped", "gone") and not key_of_link(found.target or ""):
            if found.state == "imported" and not found.target:
                continue  # a draft: nothing public yet
            row["target"], row["state"] = found.target, "gone" if found.state == "gone" else "mapped"


async def follow(uow: TransitionUnitOfWork, site_id: str, decided: dict[str, str | None]) -> list[Redirect]:
    """URLs that redirected to these newly decided ones answer with the same decision."""
    redirects: list[Redirect] = []
    for _ in range(MOST_HOPS):
        links = {link_of_key(key): target for key, target in decided.items()}
        decided = {}
        for row in await uow.repo.pointing_at(site_id, list(links)):
            target = links[row.target]
            row.target, row.state = target, "mapped" if target else "gone"
            redirects.append(Redirect(legacy_key=row.legacy_key, target=target))
            decided[row.legacy_key] = target
        if not decided:
            break
    return redirects
