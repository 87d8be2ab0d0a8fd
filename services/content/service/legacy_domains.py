"""A migration's legacy hosts become the target site's other domains."""

from __future__ import annotations

from services.content.events import site_snapshot
from services.content.models import SiteDomain
from services.content.service.context import Actor, ContentUnitOfWork, audit
from shared.auth import Principal
from shared.events.content import SiteUpdated
from shared.events.transition import LegacyDomainsClaimed


async def attach_legacy_domains(uow: ContentUnitOfWork, event: LegacyDomainsClaimed) -> bool:
    """A migration's legacy hosts become the target site's other domains (a host another site holds stays
    with it, and the refusal is audited): old links reach the site once DNS points at the platform."""
    site = await uow.repo.site(event.site_id)
    if site is None:
        return False
    actor = Actor(Principal(subject=event.editor, name="网站迁移"))
    have = {d.host for d in await uow.repo.domains([site.id])}
    added = []
    for host in dict.fromkeys(h.lower() for h in event.domains):
        owner = await uow.repo.domain(host) if host not in have else None
        if owner is not None:
            audit(uow, actor, site.id, "site.legacy_domain_refused", "site", site.id, host=host, owner=owner.site_id)
        elif host not in have:
            uow.session.add(SiteDomain(site_id=site.id, host=host, is_main=False))
            added.append(host)
    if not added:
        return True
    uow.read_once.clear()  # the site's row changes: the imports after this one in the batch read it again
    site.version += 1
    await uow.session.flush()
    snapshot = await site_snapshot(uow.repo, site)
    uow.emit(SiteUpdated(site_id=site.id, aggregate_id=site.id, aggregate_version=site.version, site=snapshot))
    audit(uow, actor, site.id, "site.legacy_domains_attached", "site", site.id, domains=added)
    return True
