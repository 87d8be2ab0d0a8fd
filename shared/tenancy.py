"""Tenancy: every row, blob key, cache key and event carries its site, and forgetting it fails loudly.

A session carries a `TenantScope`: one site, or `PLATFORM` for deliberate cross-site work (the site
directory, reposting a published document of another site). Reads of tenant-scoped tables in a
site scope are filtered to that site automatically; a session with no scope cannot touch them at
all; writes of rows for another site are refused at flush.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, declared_attr, mapped_column, with_loader_criteria

SITE_ID_PATTERN: Final = r"^[a-z][a-z0-9-]{1,39}$"
_SITE_ID_RE = re.compile(SITE_ID_PATTERN)


class TenantScopeError(RuntimeError):
    """A query or write of tenant data without a tenant, or for the wrong tenant: always a bug."""


@dataclass(frozen=True, slots=True)
class TenantScope:
    site_id: str | None  # None only for PLATFORM

    @property
    def is_platform(self) -> bool:
        return self.site_id is None


PLATFORM: Final = TenantScope(None)


def site_scope(site_id: str) -> TenantScope:
    if not _SITE_ID_RE.match(site_id):
        raise ValueError(f"not a site id: {site_id!r}")
    return TenantScope(site_id)


class TenantScoped:
    """Mixin for every table that holds one site's data."""

    @declared_attr
    def site_id(cls) -> Mapped[str]:
        return mapped_column(String(40), nullable=False, index=True)


def site_blob_key(site_id: str, *parts: str) -> str:
    """Blob keys always start with the site: sites/<site>/<parts…>."""
    if not _SITE_ID_RE.match(site_id):
        raise TenantScopeError(f"blob key for a bad site id {site_id!r}")
    for part in parts:
        if not part or part in {".", ".."} or part.startswith("/") or "\\" in part or "/../" in f"/{part}/":
            raise ValueError(f"bad blob key part {part!r}")
    return "/".join(("sites", site_id, *parts))


def site_cache_key(site_id: str, *parts: str) -> str:
    if not _SITE_ID_RE.match(site_id):
        raise TenantScopeError(f"cache key for a bad site id {site_id!r}")
    return "\x1f".join((site_id, *parts))


_installed = False


def install_tenant_guard() -> None:
    """Hook the ORM once per process: scope reads, refuse unscoped reads and foreign writes."""
    global _installed
    if _installed:
        return
    event.listen(Session, "do_orm_execute", _scope_orm_execution)
    event.listen(Session, "before_flush", _check_writes)
    _installed = True


def _touches_tenant_tables(state: ORMExecuteState) -> bool:
    return any(issubclass(mapper.class_, TenantScoped) for mapper in state.all_mappers)


def _scope_orm_execution(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete) or not _touches_tenant_tables(state):
        return
    scope: TenantScope | None = state.session.info.get("tenant_scope")
    if scope is None:
        raise TenantScopeError("query of tenant data in a session without a tenant scope")
    if scope.is_platform or state.execution_options.get("all_sites", False):
        return
    site_id = scope.site_id
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.site_id == site_id, include_aliases=True)
    )


def _check_writes(session: Session, _context: object, _instances: object) -> None:
    scope: TenantScope | None = session.info.get("tenant_scope")
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, TenantScoped):
            continue
        if scope is None:
            raise TenantScopeError(f"write of {type(obj).__name__} in a session without a tenant scope")
        if not obj.site_id:
            raise TenantScopeError(f"{type(obj).__name__} written without a site_id")
        if not scope.is_platform and obj.site_id != scope.site_id and not session.info.get("all_sites_writes"):
            raise TenantScopeError(f"{type(obj).__name__} of site {obj.site_id} written in scope {scope.site_id}")
