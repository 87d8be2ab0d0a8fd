"""Gap-free per-site counters: one upsert that returns the new value (row-locked on PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.content.models import Counter
from services.content.repository.base import Queries


def _next_value(insert) -> object:
    stmt = insert(Counter).values(site_id=bindparam("site_id"), name=bindparam("name"), value=1)
    return stmt.on_conflict_do_update(
        index_elements=[Counter.site_id, Counter.name], set_={"value": Counter.value + 1}
    ).returning(Counter.value)


def _next_values(insert) -> object:
    stmt = insert(Counter).values(site_id=bindparam("site_id"), name=bindparam("name"), value=bindparam("count"))
    return stmt.on_conflict_do_update(
        index_elements=[Counter.site_id, Counter.name], set_={"value": Counter.value + stmt.excluded.value}
    ).returning(Counter.value)


_NEXT_VALUE = {"postgresql": _next_value(pg_insert), "sqlite": _next_value(sqlite_insert)}
_NEXT_VALUES = {"postgresql": _next_values(pg_insert), "sqlite": _next_values(sqlite_insert)}


class CounterQueries(Queries):
    async def next_value(self, site_id: str, name: str) -> int:
        """Gap-free counter: one upsert that returns the new value (row-locked on PostgreSQL)."""
        stmt = _NEXT_VALUE[self.session.bind.dialect.name]
        return (await self.run(stmt, {"site_id": site_id, "name": name})).scalar_one()

    async def next_values(self, site_id: str, name: str, count: int) -> range:
        """The next `count` values of a gap-free counter, taken by one upsert (a batch numbering its documents)."""
        stmt = _NEXT_VALUES[self.session.bind.dialect.name]
        last = (await self.run(stmt, {"site_id": site_id, "name": name, "count": count})).scalar_one()
        return range(last - count + 1, last + 1)
