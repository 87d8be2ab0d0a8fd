"""bench.sqlcost — what one trivial SELECT costs at each layer of the content service's database stack.

`SELECT … FROM channels WHERE id = ?` on an SQLite database holding a channels table of the bench's own (shaped
like the content service's, and as empty as a freshly migrated one: the cost of the layers, not of a row),
run N times through:
sqlite3 (synchronous), aiosqlite (a worker thread per connection: what the engine used before
shared.db.sqlite_inloop, kept for comparison), SQLAlchemy Core on the service's async engine (the in-loop
driver; text() and select()), the ORM in a platform-scoped session, and the ORM in a site-scoped session
(where the tenant guard of shared.tenancy adds its loader criteria to every statement). Explains the
per-statement share of bench.publish.

    .venv/bin/python -m bench.sqlcost [--n 1000] [--repeat 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.table import Table
from sqlalchemy import String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bench.common import console, fmt, fresh_database, machine, quiet_logs, warn_if_busy, write_json
from shared.db.engine import Database
from shared.db.types import BigId, service_metadata
from shared.db.uow import UnitOfWork
from shared.tenancy import PLATFORM, TenantScoped, site_scope

REPEAT = 5


async def timed(n: int, call: Callable[[int], Awaitable[object]]) -> float:
    """Best of REPEAT rounds of n calls (as timeit does: the minimum is the least disturbed round)."""
    for i in range(200):
        await call(i % 50 + 1)
    best = float("inf")
    for _ in range(REPEAT):
        began = time.perf_counter()
        for i in range(n):
            await call(i % 50 + 1)
        best = min(best, (time.perf_counter() - began) / n)
    return best


class _Base(DeclarativeBase):
    metadata = service_metadata()


class Channel(TenantScoped, _Base):
    """The columns of the content service's channels that matter to a lookup by primary key."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(BigId)
    name: Mapped[str] = mapped_column(String(60))
    path: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(default=0)


async def measure(n: int) -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="sgbench-sqlcost-") as tmp_name:
        async with fresh_database("sqlite", Path(tmp_name), "sqlcost") as url:
            database = Database(url)
            async with database.engine.begin() as conn:
                await conn.run_sync(_Base.metadata.create_all)
            path = url.split("///", 1)[1]
            rows += await _driver_layers(n, path)
            rows += await _sqlalchemy_layers(n, database)
            await database.dispose()
    return rows


async def _driver_layers(n: int, path: str) -> list[tuple[str, float]]:
    import aiosqlite

    sql = "SELECT * FROM channels WHERE id = ?"
    plain = sqlite3.connect(path)

    async def sync(i: int) -> object:
        return plain.execute(sql, (i,)).fetchall()

    rows = [("sqlite3, synchronous", await timed(n, sync))]
    plain.close()
    async with aiosqlite.connect(path) as db:

        async def via_aiosqlite(i: int) -> object:
            async with db.execute(sql, (i,)) as cursor:
                return await cursor.fetchall()

        rows.append(("aiosqlite: execute + fetchall (not used by the engine)", await timed(n, via_aiosqlite)))
    return rows


async def _sqlalchemy_layers(n: int, database: Database) -> list[tuple[str, float]]:
    table = Channel.__table__
    rows = []
    async with database.engine.connect() as conn:

        async def core_text(i: int) -> object:
            return (await conn.execute(text("SELECT * FROM channels WHERE id = :i"), {"i": i})).all()

        async def core_select(i: int) -> object:
            return (await conn.execute(select(table).where(table.c.id == i))).all()

        for label, call in (("text()", core_text), ("select(table)", core_select)):
            rows.append((f"SQLAlchemy Core, {label}, AsyncConnection (in-loop driver)", await timed(n, call)))
    for label, scope in (
        ("ORM session.scalar(select(Channel)), platform scope", PLATFORM),
        ("ORM session.scalar(select(Channel)), site scope (tenant guard)", site_scope("hefei")),
    ):
        async with UnitOfWork(database, scope=scope) as uow:

            async def orm(i: int, uow=uow) -> object:
                return await uow.session.scalar(select(Channel).where(Channel.id == i))

            rows.append((label, await timed(n, orm)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sqlcost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="statements per round (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds per layer; the best counts (default 5)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    args = parser.parse_args(argv)
    global REPEAT
    REPEAT = args.repeat
    quiet_logs()
    warn_if_busy()
    rows = asyncio.run(measure(args.n))
    base = rows[0][1]
    table = Table(title="one SELECT by primary key on a channels table (SQLite), per layer")
    table.add_column("layer")
    table.add_column("µs per statement", justify="right")
    table.add_column("× sqlite3", justify="right")
    for label, seconds in rows:
        table.add_row(label, fmt(seconds * 1e6, 0), fmt(seconds / base, 0))
    console.print(table)
    write_json(
        args.json,
        {
            "bench": "sqlcost",
            "machine": machine(),
            "n": args.n,
            "repeat": args.repeat,
            "results": [{"layer": label, "us": seconds * 1e6} for label, seconds in rows],
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
