"""Tenancy: every row, blob key, cache key and event carries its site, and forgetting it fails loudly.

A session carries a `TenantScope`: one site, or `PLATFORM` for deliberate cross-site work (the site
directory, reposting a published document of another site). Reads of tenant-scoped tables in a
site scope are filtered to that site automatically; a session with no scope cannot touch them at
all; writes of rows for another site are refused at flush.

Hot paths may use statements built once with `site_bound(...)`: they filter on the bound parameter
`tenant_site`, and the guard checks the value passed instead of rewriting the statement each time.
Core statements run on a unit of work's connection (`UnitOfWork.execute`) pass `check_core_statement`:
site-bound, a deliberate `all_sites`, an INSERT of the scope's own rows, or no tenant table at all.
"""

from __future__ import annotations

import contextlib
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from sqlalchemy import Executable, FromClause, String, Table, bindparam, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, declared_attr, mapped_column, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from shared.blobs.base import check_key

SITE_ID_PATTERN: Final = r"^[a-z][a-z0-9-]{1,39}$"
_SITE_ID_RE = re.compile(SITE_ID_PATTERN.rstrip("$") + r"\Z")


TENANT_SITE: Final = "tenant_site"  # the bound parameter of site_bound() statements
_Statement = TypeVar("_Statement", bound=Executable)


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
    return check_key("/".join(("sites", site_id, *parts)))


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


def _tenant_tables() -> frozenset[Table]:
    """Tables of every mapped TenantScoped class (recomputed only when new models appear)."""
    global _tables_cache
    classes = _all_subclasses(TenantScoped)
    if _tables_cache[0] != len(classes):
        tables = frozenset(c.__table__ for c in classes if isinstance(getattr(c, "__table__", None), Table))
        _tables_cache = (len(classes), tables)
    return _tables_cache[1]


_tables_cache: tuple[int, frozenset[Table]] = (-1, frozenset())


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def _tenant_froms(statement: object) -> list[FromClause]:
    """Every tenant table the statement reads or writes: selected, joined, in subqueries, aliased. Found once
    per statement: a prebuilt one runs thousands of times, and walking it was most of the guard's cost."""
    try:
        return _froms_seen[statement]
    except (KeyError, TypeError):  # TypeError: a statement that cannot be weakly referenced
        pass
    tenant = _tenant_tables()
    found = find_tables(statement, include_joins=True, include_aliases=True, check_columns=True, include_crud=True)
    froms = [t for t in found if getattr(t, "element", t) in tenant or _base_table(t) in tenant]
    with contextlib.suppress(TypeError):
        _froms_seen[statement] = froms
    return froms


_froms_seen: weakref.WeakKeyDictionary[object, list[FromClause]] = weakref.WeakKeyDictionary()


def _base_table(from_clause: FromClause) -> object:
    while isinstance(getattr(from_clause, "element", None), FromClause):
        from_clause = from_clause.element
    return getattr(from_clause, "__clause_element__", lambda: from_clause)()


def site_bound(statement: _Statement, *entities: type[TenantScoped]) -> _Statement:
    """Filter each entity on `tenant_site` once, at build time; refuse a statement reading a tenant table
    the filter does not cover (a join or subquery added without its own entity)."""
    for entity in entities:
        statement = statement.where(entity.site_id == bindparam(TENANT_SITE))  # type: ignore[attr-defined]
    covered = {entity.__table__ for entity in entities}  # type: ignore[attr-defined]
    for read in _tenant_froms(statement):  # an alias or a subquery of a tenant table is not covered: refuse
        if not isinstance(read, Table) or read._deannotate() not in covered:
            raise TenantScopeError(f"site_bound statement reads {read.description or 'an alias'} unfiltered")
    return statement.execution_options(site_bound=True)


def _check_bound_site(state: ORMExecuteState, scope: TenantScope | None) -> None:
    _check_bound_value(state.parameters if isinstance(state.parameters, dict) else {}, scope)


def _check_bound_value(params: Mapping[str, Any], scope: TenantScope | None) -> None:
    if scope is None:
        raise TenantScopeError("query of tenant data in a session without a tenant scope")
    if not scope.is_platform and params.get(TENANT_SITE) != scope.site_id:
        raise TenantScopeError(f"site-bound statement for {params.get(TENANT_SITE)!r} in scope {scope.site_id}")


# What each Core statement touches, worked out once per statement object (hot statements are prebuilt).
_core_tenant_use: weakref.WeakKeyDictionary[object, tuple[bool, bool]] = weakref.WeakKeyDictionary()


def check_core_statement(
    statement: Executable, params: Mapping[str, Any] | list[Mapping[str, Any]] | None, scope: TenantScope | None
) -> None:
    """The guard for Core statements run outside the ORM session's events: the same rules, checked here."""
    rows = params if isinstance(params, list) else (params or {},)
    options = statement.get_execution_options()
    if options.get("site_bound"):
        for row in rows:
            _check_bound_value(row, scope)
        return
    if statement not in _core_tenant_use:
        froms = _tenant_froms(statement)
        _core_tenant_use[statement] = (bool(froms), bool(getattr(statement, "is_insert", False)))
    touches_tenant, is_insert = _core_tenant_use[statement]
    if not touches_tenant:
        return
    if scope is None:
        raise TenantScopeError("Core access to tenant data in a session without a tenant scope")
    if scope.is_platform or (options.get("all_sites") and not is_insert):
        return
    if not is_insert:
        raise TenantScopeError("Core access to a tenant table in a site scope: bind it with site_bound or all_sites")
    given = {value for key, value in _statement_values(statement) if key == "site_id"}
    fixed = {site for site in map(_literal, given) if site is not None}  # a bindparam's value comes per row
    for row in rows:  # each row must name the scope's site, and only it
        if fixed | ({row["site_id"]} if row.get("site_id") is not None else set()) != {scope.site_id}:
            raise TenantScopeError(f"Core INSERT of a row of another site (or of none) in scope {scope.site_id}")


def _scope_orm_execution(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete or state.is_insert):
        return
    scope: TenantScope | None = state.session.info.get("tenant_scope")
    if state.execution_options.get("site_bound"):
        return _check_bound_site(state, scope)
    opted_out = scope is not None and (scope.is_platform or state.execution_options.get("all_sites", False))
    if opted_out and not state.is_insert:
        return  # deliberate cross-site work: nothing to analyse (the common platform-scope path stays cheap)
    selects_tenant_entity = any(issubclass(m.class_, TenantScoped) for m in state.all_mappers)
    froms = [] if selects_tenant_entity and not state.is_insert else _tenant_froms(state.statement)
    if not selects_tenant_entity and not froms:
        return
    if scope is None:
        raise TenantScopeError("query of tenant data in a session without a tenant scope")
    if opted_out:
        return
    if state.is_insert or state.is_update:
        _check_statement_values(state, scope.site_id)
    if state.is_insert:
        return
    orm_based = bool(state.all_mappers) or any(getattr(t, "_annotations", {}).get("parententity") for t in froms)
    if not orm_based:
        raise TenantScopeError("Core access to a tenant table in a site scope: use the mapped class or all_sites")
    site_id = scope.site_id
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.site_id == site_id, include_aliases=True)
    )


def _check_statement_values(state: ORMExecuteState, site_id: str) -> None:
    """INSERT and UPDATE statements may only write rows of the scope's own site."""
    params = state.parameters
    rows = params if isinstance(params, list) else [params or {}]
    values = [row.get("site_id") for row in rows if "site_id" in row]
    values += [_literal(v) for k, v in _statement_values(state.statement) if k == "site_id"]
    if any(v != site_id for v in values):
        raise TenantScopeError(f"statement writes rows of another site in scope {site_id}")


def _statement_values(statement: object) -> list[tuple[str, object]]:
    """(column key, value) pairs given with .values(…); compiling the statement instead costs ~0.5 ms."""
    given = getattr(statement, "_values", None) or {}
    pairs = [(getattr(col, "key", col), val) for col, val in given.items()]
    for row in getattr(statement, "_multi_values", None) or ():
        for values in row:
            items = values.items() if isinstance(values, dict) else []
            pairs += [(getattr(col, "key", col), val) for col, val in items]
    return pairs


def _literal(value: object) -> object:
    return getattr(value, "value", value)


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
