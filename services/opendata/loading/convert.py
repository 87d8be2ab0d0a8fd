"""Cells converted to their column's type — the inferred one, or the publisher's, taken more leniently — and any
cell as text (a text column, a problem's quoted value)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal

from services.opendata.loading.problems import quote
from services.opendata.loading.types import Cell, ColumnType, Value, in_int64, parse_moment, truth

# What the publisher may write once they have said the column's type (codes with leading zeros, exponents).
_ANY_INTEGER = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)")
_ANY_NUMBER = re.compile(r"[+-]?(?:(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
EXCEL_DIGITS = ".15g"  # an XLSX float as Excel shows it: 15 significant digits, so 0.1+0.2 is 0.3
_LABELS: dict[ColumnType, str] = {
    "integer": "整数",
    "numeric": "数值",
    "boolean": "是/否",
    "date": "日期（如 2026-01-05）",
    "timestamp": "时间（如 2026-01-05 08:30）",
    "text": "文本",
}


def convert(cell: Cell, kind: ColumnType) -> Value:
    """A cleaned, non-empty cell as a value of `kind`; ValueError if it is not one."""
    return _CONVERTERS[kind](cell)


def mismatch(column: str, kind: ColumnType, cell: Cell) -> str:
    """What the publisher reads when a cell is not of its column's type."""
    return f"「{column}」应为{_LABELS[kind]}，实际为「{quote(as_text(cell))}」"


def as_text(cell: Cell) -> str:
    """Any cell as the text a person would read in it (dates without a midnight time, floats as Excel shows)."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "true" if cell else "false"  # JSON's words: typed booleans come from JSON or Excel's TRUE/FALSE
    if isinstance(cell, float):
        return format(cell, EXCEL_DIGITS)
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell)


def _integer(cell: Cell) -> int:
    if isinstance(cell, str) and _ANY_INTEGER.fullmatch(cell):
        number = int(cell.replace(",", ""))
    elif isinstance(cell, int) and not isinstance(cell, bool):
        number = cell
    elif isinstance(cell, float | Decimal) and _finite(cell) and cell == int(cell):
        number = int(cell)  # 12.0 from a spreadsheet
    else:
        raise ValueError(cell)
    if not in_int64(number):
        raise ValueError(cell)
    return number


def _numeric(cell: Cell) -> Decimal:
    if isinstance(cell, str) and _ANY_NUMBER.fullmatch(cell):
        return Decimal(cell.replace(",", ""))
    if isinstance(cell, int) and not isinstance(cell, bool):
        return Decimal(cell)
    if isinstance(cell, float) and _finite(cell):
        return Decimal(format(cell, EXCEL_DIGITS))
    if isinstance(cell, Decimal) and _finite(cell):
        return cell
    raise ValueError(cell)


def _boolean(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int) and cell in (0, 1):
        return cell == 1
    if isinstance(cell, str):
        found = truth(cell) if cell not in ("0", "1") else cell == "1"
        if found is not None:
            return found
    raise ValueError(cell)


def _moment(cell: Cell) -> date | datetime:
    """A date or datetime from any cell that holds one (eight-digit numbers of any year, once the type is given)."""
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | str) and not isinstance(cell, bool):
        found = parse_moment(str(cell), any_year=True)
        if found is not None:
            return found
    raise ValueError(cell)


def _date(cell: Cell) -> date:
    found = _moment(cell)
    if not isinstance(found, datetime):
        return found
    if found.time() != time():
        raise ValueError(cell)  # a date column would lose the time of day
    return found.date()


def _timestamp(cell: Cell) -> datetime:
    found = _moment(cell)
    return found if isinstance(found, datetime) else datetime.combine(found, time())


def _finite(number: float | Decimal) -> bool:
    return number.is_finite() if isinstance(number, Decimal) else math.isfinite(number)


_CONVERTERS: dict[ColumnType, Callable[[Cell], Value]] = {
    "integer": _integer,
    "numeric": _numeric,
    "boolean": _boolean,
    "date": _date,
    "timestamp": _timestamp,
    "text": as_text,
}
