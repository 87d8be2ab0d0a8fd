"""How a unit of work's statements reach the database and how its transaction ends.

The unit of work has one way to run: through a `Transaction`, chosen with the database's driver when the
database is opened (`shared.db.engine.Database`). The default awaits the session's connection (asyncpg and
any other async driver); a driver whose statements never suspend brings a subclass that skips the awaits
(`shared.db.sqlite_inloop.InlineTransaction`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Params = dict[str, Any] | list[dict[str, Any]] | None


class Transaction:
    """Statements awaited on the session's connection; commit, rollback and close through the session."""

    __slots__ = ("_connection", "session")

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._connection: AsyncConnection | None = None

    async def execute(self, statement: Executable, params: Params) -> Result:
        connection = self._connection or await self._connect()
        return await connection.execute(statement, params)

    async def _connect(self) -> AsyncConnection:
        self._connection = await self.session.connection()
        return self._connection

    async def commit(self) -> None:
        await self.session.commit()
        self._connection = None

    async def rollback(self) -> None:
        await self.session.rollback()
        self._connection = None

    async def close(self) -> None:
        """Roll back whatever was not committed, without expiring what was read (results stay readable)."""
        await self.session.close()
