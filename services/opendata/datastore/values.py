"""Values of the datastore's column types: what a filter's value is taken as, and the names CKAN clients read.

The column types are the loader's (integer, numeric, boolean, date, timestamp, text); CKAN's clients see its own
names for them (int, numeric, bool, date, timestamp, text), and `_id` is an int."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

CKAN_TYPES = {"integer": "int", "numeric": "numeric", "boolean": "bool", "date": "date", "timestamp": "timestamp"}
TRUE, FALSE = {"true", "1", "t", "yes", "y", "是"}, {"false", "0", "f", "no", "n", "否"}


class ValueError_(ValueError):  # noqa: N801 - a ValueError of ours, raised with the reason in Chinese
    """A value that is not of its column's type."""


def ckan_type(kind: str) -> str:
    return CKAN_TYPES.get(kind, "text")


def to_python(kind: str, value: Any) -> Any:
    """A filter's value (JSON or a query string) as the column's type; ValueError_ says why not."""
    if value is None:
        return None
    try:
        return _CONVERT.get(kind, _text)(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError_(f"应为{_LABELS.get(kind, '文本')}，实际为「{str(value)[:40]}」") from exc


def _int(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(value)
    return int(value)


def _numeric(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(value)
    return float(value)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(value)


def _date(value: Any) -> date:
    return value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(str(value))


def _timestamp(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        raise ValueError(value)
    return str(value)


_CONVERT = {"integer": _int, "int": _int, "numeric": _numeric, "boolean": _bool, "date": _date}
_CONVERT |= {"timestamp": _timestamp, "text": _text}
_LABELS = {"integer": "整数", "int": "整数", "numeric": "数值", "boolean": "是/否", "date": "日期（如 2026-01-05）"}
_LABELS |= {"timestamp": "时间（如 2026-01-05T08:30:00）"}
