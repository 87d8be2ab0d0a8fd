"""Unit of work: one transaction, its tenant scope, the append-only rows it records, what runs after commit.

Services that publish events use `shared.messaging.outbox.OutboxUnitOfWork`, which adds `emit`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Self

from sqlalchemy import Executable, Result, Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.engine import Database
from shared.db.transaction import Params, Transaction
from shared.tenancy import TenantScope, TenantScoped, TenantScopeError, check_core_statement

# What repositories are given to run prebuilt Core statements: a unit of work's `execute`.
CoreRunner = Callable[[Executable, Any], Awaitable[Result]]


class UnitOfWork:
    """`async with uow: … await uow.commit()` — nothing is kept unless commit() is reached."""

    def __init__(self, database: Database, *, scope: TenantScope) -> None:
        self.database = database
        self.scope = scope
        self._records: dict[Table, list[dict[str, Any]]] = {}
        self._after_commit: list[Callable[[], None]] = []
        self.session: AsyncSession
        self._transaction: Transaction

    async def __aenter__(self) -> Self:
        self.session = self.database.sessions()
        self.session.info["tenant_scope"] = self.scope
        self._transaction = self.database.transaction(self.session)
        self._records = {}
        self._after_commit = []
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._transaction.close()  # rolls back what was not committed; results stay readable

    async def execute(self, statement: Executable, params: Params = None) -> Result:
        """Run a (prebuilt) Core statement in this transaction, under the tenant guard's rules for Core.

        The hot use cases read and write this way: on the connection, a statement costs ~30 µs against
        ~75 µs through the session's ORM path, and an UPDATE ~25 µs against ~105 µs for a flush.
        """
        check_core_statement(statement, params, self.scope)
        return await self._transaction.execute(statement, params)

    def record(self, model: type, **values: Any) -> None:
        """Add an append-only row (audit entry, history, outbox): written at commit as one plain INSERT per
        table, since such rows never change and the ORM's unit of work would only track them at a cost."""
        if issubclass(model, TenantScoped):
            site_id = values.get("site_id")
            if not site_id or (not self.scope.is_platform and site_id != self.scope.site_id):
                raise TenantScopeError(f"{model.__name__} of site {site_id} recorded in scope {self.scope.site_id}")
        self._records.setdefault(model.__table__, []).append(values)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this transaction has committed (never if it rolls back; once if given twice):
        effects outside the database, such as dropping cached pages, wait until the data they reflect is visible."""
        if callback not in self._after_commit:
            self._after_commit.append(callback)

    async def commit(self) -> None:
        if self._records:
            if self.session.new or self.session.dirty or self.session.deleted:
                await self.session.flush()  # the rows recorded may refer to rows the ORM has yet to insert
            for table, rows in self._records.items():
                await self.execute(_insert_of(table), rows)
            self._records = {}
        await self._transaction.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    async def rollback(self) -> None:
        await self._transaction.rollback()
        self._records = {}
        self._after_commit = []


_inserts: dict[Table, Executable] = {}


def _insert_of(table: Table) -> Executable:
    """One INSERT statement per record table, built once (its compiled form is then cached by SQLAlchemy)."""
    if table not in _inserts:
        _inserts[table] = insert(table)
    return _inserts[table]
