"""Who may read what: open data is everyone's; 有条件开放 data is read with a key whose application the owning
department approved; 不予开放 and unpublished data only by the site's publishers. Developers apply here, and
departments decide here."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from services.opendata.models import AccessRequest, Dataset
from services.opendata.schemas import AccessDecision, AccessRequestCreate, AccessRequestRead
from services.opendata.service.context import OpendataDeps, Publisher, Reader
from shared.errors import Conflict, Forbidden, NotFound, Unauthenticated
from shared.logs import get_logger

log = get_logger("opendata.access")
CACHE_SECONDS = 5.0  # a decision or a new upload reaches other processes' readers within this


@dataclass(frozen=True, slots=True)
class Readable:
    """What a data call needs of its resource, kept in memory between calls."""

    resource_id: str
    dataset_id: str
    site_id: str
    table: str | None
    columns: dict[str, str]
    access: str
    published: bool


class TtlCache:
    """A few seconds' memory of catalogue lookups: the hot read path asks the catalogue database rarely."""

    def __init__(self, seconds: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.clock = seconds, clock
        self._items: dict[Any, tuple[float, Any]] = {}

    def get(self, key: Any) -> Any:
        found = self._items.get(key)
        return found[1] if found and found[0] > self.clock() else None

    def put(self, key: Any, value: Any) -> Any:
        if len(self._items) > 10_000:
            self._items.clear()
        self._items[key] = (self.clock() + self.seconds, value)
        return value

    def clear(self) -> None:
        self._items.clear()


def may_read(reader: Reader, item: Readable, approved: set[str]) -> None:
    """Refuse, saying why and what to do, unless the reader may read the item's data."""
    if reader.publishes(item.site_id):
        return
    if not item.published:
        raise NotFound("没有该资源")  # an unpublished dataset is not there for the public
    if item.access == "open":
        return
    if item.access == "closed":
        raise Forbidden("该数据集不予开放，只公开目录信息", code="not_open")
    if reader.key is None:
        raise Unauthenticated("该数据集有条件开放：请使用已获批准的应用的 API 密钥访问", code="key_required")
    if item.dataset_id not in approved:
        raise Forbidden("该数据集有条件开放：您的应用尚未获得提供部门的批准，请先提交使用申请", code="not_approved")


async def approvals(deps: OpendataDeps, cache: TtlCache, reader: Reader) -> set[str]:
    if reader.key is None:
        return set()
    found = cache.get(("approved", reader.key.application_id))
    if found is None:
        async with deps.platform_uow() as uow:
            found = cache.put(
                ("approved", reader.key.application_id), await uow.repo.approved(reader.key.application_id)
            )
    return found


async def apply_for(deps: OpendataDeps, reader: Reader, data: AccessRequestCreate) -> AccessRequestRead:
    """A developer asks, with their application's key, to use a 有条件开放 dataset."""
    if reader.key is None:
        raise Unauthenticated("请使用您的应用的 API 密钥（X-API-Key）提交申请", code="key_required")
    async with deps.platform_uow() as uow:
        dataset = await uow.repo.dataset(data.dataset)
        if dataset is None or dataset.state != "published":
            raise NotFound(f"没有数据集 {data.dataset}")
        if dataset.access != "conditional":
            raise Conflict("只有有条件开放的数据集需要申请", code="not_conditional")
        for earlier in await uow.repo.access_requests(dataset_id=dataset.id):
            if earlier.application_id == reader.key.application_id and earlier.status in ("pending", "approved"):
                raise Conflict("该应用已申请过这个数据集", code="already_applied")
        request = AccessRequest(
            site_id=dataset.site_id, dataset_id=dataset.id, application_id=reader.key.application_id,
            owner_id=reader.key.owner_id or reader.key.application_id, applicant=data.applicant,
            purpose=data.purpose, status="pending", created_at=deps.now(),
        )  # fmt: skip
        uow.session.add(request)
        await uow.commit()
    log.info("access_requested", dataset_id=dataset.id, application_id=request.application_id)
    return _read(request)


async def requests_of(deps: OpendataDeps, reader: Reader) -> list[AccessRequestRead]:
    """With a key: its application's requests; signed in: every request of the developer's applications."""
    async with deps.platform_uow() as uow:
        if reader.key is not None:
            found = await uow.repo.access_requests()
            return await _described(uow, [r for r in found if r.application_id == reader.key.application_id])
        if reader.principal is not None:
            return await _described(uow, await uow.repo.requests_of_owner(reader.principal.subject))
    raise Unauthenticated("请使用您的应用的 API 密钥（X-API-Key）或登录后查看", code="key_required")


async def desk_requests(deps: OpendataDeps, publisher: Publisher, status: str | None) -> list[AccessRequestRead]:
    async with deps.site_uow(publisher.site_id) as uow:
        return await _described(uow, await uow.repo.access_requests(status=status))


async def decide(
    deps: OpendataDeps, publisher: Publisher, request_id: int, decision: AccessDecision, cache: TtlCache
) -> AccessRequestRead:
    """The owning department approves or refuses (with its reason); an approval may be revoked later."""
    async with deps.site_uow(publisher.site_id) as uow:
        request = await uow.repo.access_request(request_id, for_update=True)
        if request is None:
            raise NotFound(f"没有第 {request_id} 号申请")
        allowed = {"pending": ("approved", "rejected"), "approved": ("revoked",)}
        target = ("approved" if decision.approve else "rejected") if request.status == "pending" else "revoked"
        if (decision.approve and request.status != "pending") or target not in allowed.get(request.status, ()):
            raise Conflict(f"该申请已{_LABELS[request.status]}，不能再改", code="decided")
        request.status, request.reason = target, decision.reason or None
        request.decided_by, request.decided_at = publisher.actor, deps.now()
        await uow.commit()
    cache.clear()
    log.info("access_decided", request_id=request_id, status=target, actor=publisher.actor)
    return _read(request)


_LABELS = {"pending": "待审批", "approved": "批准", "rejected": "拒绝", "revoked": "撤销"}


def _read(request: AccessRequest, dataset: Dataset | None = None) -> AccessRequestRead:
    named = {"dataset_name": dataset.name, "dataset_title": dataset.title} if dataset else {}
    return AccessRequestRead.model_validate(request, from_attributes=True).model_copy(update=named)


async def _described(uow, requests: Sequence[AccessRequest]) -> list[AccessRequestRead]:  # noqa: ANN001 - a unit of work
    """Requests with their dataset's name and title (what a developer and a department recognise them by)."""
    datasets = {key: await uow.repo.dataset(key) for key in {r.dataset_id for r in requests}}
    return [_read(r, datasets[r.dataset_id]) for r in requests]
