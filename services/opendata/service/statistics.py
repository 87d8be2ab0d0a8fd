"""Call and download counts: written from the in-memory counter in batches; read per site (for its publishers),
per dataset (the catalogue's 调用量/下载量) and per key (a developer's own use)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from services.opendata.models import Usage
from services.opendata.schemas import UsageRow
from services.opendata.service.context import OpendataDeps, Publisher, Reader
from services.opendata.service.usage import UsageKey
from shared.errors import Unauthenticated


async def write_usage(deps: OpendataDeps, counts: Counter[UsageKey]) -> None:
    """Add the counts to their rows (one transaction per flush)."""
    async with deps.platform_uow() as uow:
        for (day, dataset_id, key_id, kind, site_id, owner_id), count in counts.items():
            row = await uow.session.get(Usage, (day, dataset_id, key_id, kind))
            if row is None:
                kept = Usage(day=day, dataset_id=dataset_id, key_id=key_id, kind=kind, site_id=site_id, count=count)
                kept.owner_id = owner_id
                uow.session.add(kept)
            else:
                row.count += count
        await uow.commit()


async def site_usage(deps: OpendataDeps, publisher: Publisher, days: int) -> list[UsageRow]:
    """A site's datasets' calls and downloads per day over the last `days` days."""
    since = deps.today() - timedelta(days=days - 1)
    async with deps.site_uow(publisher.site_id) as uow:
        ids = [d.id for d in await uow.repo.datasets_of_site()]
        rows = await uow.repo.usage(since, dataset_ids=ids)
    return _summed(rows)


async def key_usage(deps: OpendataDeps, reader: Reader, days: int) -> list[UsageRow]:
    """A developer's own calls per day and dataset: with a key, that key's; signed in, every key of theirs."""
    since = deps.today() - timedelta(days=days - 1)
    async with deps.platform_uow() as uow:
        if reader.key is not None:
            return _summed(await uow.repo.usage(since, key_id=reader.key.key_id), by_key=True)
        if reader.principal is not None:
            return _summed(await uow.repo.usage(since, owner_id=reader.principal.subject), by_key=True)
    raise Unauthenticated("请使用您的 API 密钥（X-API-Key）或登录后查看调用量", code="key_required")


def _summed(rows, *, by_key: bool = False) -> list[UsageRow]:  # noqa: ANN001 - Usage rows
    totals: Counter[tuple[str, str, str, str]] = Counter()
    for row in rows:
        totals[(row.day.isoformat(), row.dataset_id, row.kind, row.key_id if by_key else "")] += row.count
    return [
        UsageRow(day=d, dataset_id=ds, kind=k, count=n, key_id=key or None)
        for (d, ds, k, key), n in sorted(totals.items())
    ]
