"""datastore_search_sql's gate: one read-only SELECT over resources the caller may read, or a refusal saying why.

The statement is parsed (sqlglot, PostgreSQL syntax as CKAN's users write it: `SELECT … FROM "<resource id>"`),
never matched with patterns. It must be a single query; nothing in it may write, lock, call a function outside
an allow-list, or name a table that is not a readable resource (a CTE's own name aside). Each resource id is
rewritten to its datastore table, and the statement is written out in the backend's dialect. The backend then
runs it read-only and time-limited (services.opendata.datastore.sqlite / .postgres): three fences, not one.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from services.opendata.datastore.query import QueryError

# Functions a statistics query needs; anything else (pg_sleep, pg_read_file, load_extension, dblink …) is refused.
ALLOWED_FUNCTIONS = {
    "abs", "avg", "cast", "ceil", "ceiling", "coalesce", "concat", "count", "date", "date_trunc", "extract",
    "floor", "greatest", "least", "length", "lower", "max", "min", "nullif", "round", "stddev", "strftime",
    "substr", "substring", "sum", "trim", "upper", "variance", "to_char", "date_part", "if", "case",
}  # fmt: skip
WRITES = (
    exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Command, exp.Copy,
    exp.Pragma, exp.Transaction, exp.Commit, exp.Rollback, exp.Set, exp.Use, exp.Into, exp.Lock,
)  # fmt: skip


def checked_sql(statement: str, tables: Mapping[str, str], *, dialect: str) -> str:
    """The statement for the backend, its resource ids replaced by `tables[id]`; QueryError("sql") otherwise."""
    try:
        parsed = [p for p in sqlglot.parse(statement, read="postgres") if p is not None]
    except ParseError as exc:
        raise QueryError("sql", f"SQL 语法错误：{_first_line(exc)}") from exc
    if len(parsed) != 1:
        raise QueryError("sql", "只能提交一条 SELECT 语句")
    query = parsed[0]
    if not isinstance(query, exp.Query):
        raise QueryError("sql", "只允许查询（SELECT）语句")
    _refuse_writes(query)
    _refuse_functions(query)
    _replace_tables(query, tables)
    return query.sql(dialect=dialect)


def _refuse_writes(query: exp.Expression) -> None:
    for node in query.walk():
        if isinstance(node, WRITES):
            raise QueryError("sql", "只允许只读的查询，不能写入、加锁或修改数据")


def _refuse_functions(query: exp.Expression) -> None:
    for node in query.find_all(exp.Func):
        name = (node.sql_name() if not isinstance(node, exp.Anonymous) else node.name).lower()
        if name not in ALLOWED_FUNCTIONS and not isinstance(node, exp.AggFunc | exp.Cast | exp.Case | exp.Paren):
            raise QueryError("sql", f"不允许调用函数 {name}")


def _replace_tables(query: exp.Expression, tables: Mapping[str, str]) -> None:
    own = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    for table in list(query.find_all(exp.Table)):
        name = table.name
        if name in own and not table.db:
            continue
        if table.db or table.catalog or name not in tables:
            raise QueryError("sql", f"没有可查询的资源「{table.sql()}」：FROM 后请写资源 ID（resource_id）")
        alias = table.alias or name
        table.replace(exp.to_table(tables[name], quoted=True).as_(alias, quoted=True))


def _first_line(error: ParseError) -> str:
    return str(error).splitlines()[0][:200]
