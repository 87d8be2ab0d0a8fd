"""The datastore: each loaded resource's rows in a table of their own, searched as CKAN's datastore_search is,
on SQLite (embedded) or PostgreSQL (by URL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from services.opendata.datastore.advisor import SLOW_MS, IndexAdvisor
from services.opendata.datastore.base import Datastore, DatastoreUnavailable, Page, SqlAnswer, storable
from services.opendata.datastore.query import ROW_ID, QueryError, Search, SortKey, decode_cursor, encode_cursor
from services.opendata.datastore.values import ckan_type


def create_datastore(url: str, *, slow_ms: float = SLOW_MS) -> Datastore:
    """`sqlite:///path` or `postgresql://…` (a `+driver` suffix, as in SQLAlchemy URLs, is ignored); searches
    slower than `slow_ms` teach it which composite indexes to build (services.opendata.datastore.advisor)."""
    parsed = make_url(url)
    advisor = IndexAdvisor(slow_ms=slow_ms)
    if parsed.get_backend_name() == "sqlite":
        from services.opendata.datastore.sqlite import SqliteDatastore

        return SqliteDatastore(Path(parsed.database or "var/data/datastore.db"), advisor=advisor)
    from services.opendata.datastore.postgres import PostgresDatastore

    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresDatastore(dsn, advisor=advisor)


__all__ = [
    "ROW_ID",
    "Datastore",
    "DatastoreUnavailable",
    "Page",
    "QueryError",
    "Search",
    "SortKey",
    "SqlAnswer",
    "ckan_type",
    "create_datastore",
    "decode_cursor",
    "encode_cursor",
    "storable",
]
