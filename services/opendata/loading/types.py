"""Column types: inferred from every value of a column (deterministic, one pass, a few integers per column),
then each value converted to its column's type.

Inference keeps, per column, the set of types that every non-empty value so far fits; when several remain at the
end, the first of boolean, date, integer, numeric, timestamp wins; none (or no value at all) is text.
- integer: an optional sign and ASCII digits, or digits grouped by thousands ("1,234"), within int64 (beyond:
  numeric). Codes are not numbers: a leading zero ("007", 站点编号 "0012") or 11+ digits without separators
  (phone numbers, 身份证, 统一社会信用代码) make the column text.
- numeric: the same with a decimal part ("117.2", "1,234.56"). No exponents and no "%": "12.5%" and "9.1E+17"
  (a 身份证 mangled by Excel) stay text — we do not guess.
- boolean: every value is one of the same pair (BOOLEAN_PAIRS, case aside) and both of its values occur, so a
  column of codes that are all "Y" stays text. 1/0 are integers.
- date: 2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日, and 20260105 — eight digits that are a valid date of
  1900–2099. A column whose values are ALL such dates is date, not integer (the decision: eight-digit numbers that
  are every one a valid date of those years are dates in practice; one that is not makes the column integer).
- timestamp: a date, then a space or "T", then H:MM with optional seconds and fraction ("2026-01-05 08:30",
  "2026-01-05T08:30:00"); no time zones. A column mixing dates and timestamps is timestamp (dates at midnight).
Typed cells (XLSX, JSON) count by their type: int → integer (and date if eight digits as above; the code rules
are for text — a number the spreadsheet holds is a number), float and Decimal → numeric, datetime → timestamp
(date when at midnight), bool → boolean, anything else (times of day, durations) → text.

An explicit type (the publisher's data dictionary) converts more leniently: "0012" and 11-digit strings are
integers then, "1.2E+3" is numeric, 1/0 are booleans; a value that still does not convert is a problem.
"""

from __future__ import annotations

import itertools
import math
import re
from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal, TypeAlias

ColumnType = Literal["integer", "numeric", "boolean", "date", "timestamp", "text"]
COLUMN_TYPES: tuple[ColumnType, ...] = ("integer", "numeric", "boolean", "date", "timestamp", "text")
Cell: TypeAlias = str | int | float | Decimal | bool | date | datetime | time | None  # as a reader gives it
Value: TypeAlias = str | int | Decimal | bool | date | datetime | None  # as a typed row holds it

# Cells that mean "no value" in exported statistics (compared stripped, case aside). "无" is one because tables
# write it for "none" (备注: 无); the price is that a 有/无 column reads as 有 and empty cells.
EMPTY_MARKERS = frozenset({"", "-", "--", "—", "——", "－", "/", "null", "n/a", "无"})
_EMPTY_SPELLINGS = frozenset(  # every spelling of the markers in any case: no lower() per cell on a hot path
    "".join(spelling)
    for marker in EMPTY_MARKERS
    for spelling in itertools.product(*({char.lower(), char.upper()} for char in marker))
)
_MARKER_LENGTH = max(map(len, EMPTY_MARKERS))
# Yes/no pairs a column may use, one pair per column; compared lower-cased.
BOOLEAN_PAIRS = (("是", "否"), ("true", "false"), ("y", "n"), ("yes", "no"), ("对", "错"), ("√", "×"))
_BOOLEANS = {word: (pair, word == words[0]) for pair, words in enumerate(BOOLEAN_PAIRS) for word in words}

INTEGER, NUMERIC, BOOLEAN, DATE, TIMESTAMP = 1, 2, 4, 8, 16  # bits of a column's still-possible types
_ANY = INTEGER | NUMERIC | BOOLEAN | DATE | TIMESTAMP
_BOTH_TRUTHS = 3  # bit 1: a true value seen, bit 2: a false one
_PRIORITY: tuple[tuple[int, ColumnType], ...] = (
    (DATE, "date"),
    (INTEGER, "integer"),
    (NUMERIC, "numeric"),
    (TIMESTAMP, "timestamp"),
)
INT64 = 2**63

# Inference: strict forms (codes stay text). Conversion: lenient forms (the publisher said what the column is).
_INTEGER = re.compile(r"[+-]?(?:0|[1-9][0-9]{0,9}|[1-9][0-9]{0,2}(?:,[0-9]{3})+)")
_DECIMAL = re.compile(r"[+-]?(?:0|[1-9][0-9]*|[1-9][0-9]{0,2}(?:,[0-9]{3})+)\.[0-9]+")
_DATE = re.compile(r"([0-9]{4})(?:([-/.])([0-9]{1,2})\2([0-9]{1,2})|年([0-9]{1,2})月([0-9]{1,2})日)")
_TIME = re.compile(r"[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")


def in_int64(number: int) -> bool:
    """Whether a whole number fits the datastore's integer column (bigint)."""
    return -INT64 <= number < INT64


def truth(text: str) -> bool | None:
    """The truth a yes/no word stands for (any of BOOLEAN_PAIRS, case aside), or None."""
    found = _BOOLEANS.get(text.lower())
    return None if found is None else found[1]


def clean(cell: Cell) -> Cell:
    """A cell with surrounding whitespace gone and the empty markers (EMPTY_MARKERS, any case) as None."""
    if isinstance(cell, str):
        cell = cell.strip()
        if len(cell) <= _MARKER_LENGTH and cell in _EMPTY_SPELLINGS:
            return None
    return cell


def parse_moment(text: str, *, any_year: bool = False) -> date | datetime | None:
    """A date or date-and-time in one of the forms above, or None; eight digits only for 1900–2099 unless
    `any_year` (an explicit date column)."""
    if (compact := _COMPACT.fullmatch(text)) is not None:
        year, month, day = (int(part) for part in compact.groups())
        return _date(year, month, day) if any_year or 1900 <= year <= 2099 else None
    if (found := _DATE.match(text)) is None:
        return None
    year, _, month, day, cn_month, cn_day = found.groups()
    day_of = _date(int(year), int(month or cn_month), int(day or cn_day))
    rest = text[found.end() :]
    if not rest or day_of is None:
        return day_of
    if (clock := _TIME.fullmatch(rest)) is None:
        return None
    hour, minute, second, fraction = clock.groups()
    try:
        moment = time(int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0")))
    except ValueError:  # 25:00, 08:61
        return None
    return datetime.combine(day_of, moment)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 2026-02-30
        return None


class Inference:
    """What one column can be, narrowed by each of its values; `result()` after the last one."""

    __slots__ = ("mask", "pair", "seen", "truths")

    def __init__(self) -> None:
        self.mask = _ANY
        self.seen = False
        self.pair: int | None = None
        self.truths = 0

    def observe(self, value: Cell) -> None:
        """Narrow by one non-empty (cleaned) value; a column already known to be text costs nothing more."""
        self.seen = True
        if not self.mask:
            return
        if isinstance(value, str):
            self.mask &= _fits_text(value, self.mask)
            if self.mask & BOOLEAN:
                self._pair(value)
        else:
            self.mask &= _fits_typed(value)
            if self.mask & BOOLEAN:
                self.truths = _BOTH_TRUTHS  # a typed true/false is a boolean by itself

    def _pair(self, value: str) -> None:
        pair, truth = _BOOLEANS[value.lower()]
        if self.pair is None:
            self.pair = pair
        elif pair != self.pair:
            self.mask &= ~BOOLEAN
            return
        self.truths |= 1 if truth else 2

    def result(self) -> ColumnType:
        """The first type every value fits, in the documented order; text if none (or no value at all)."""
        if not self.seen:
            return "text"
        if self.mask & BOOLEAN and self.truths == _BOTH_TRUTHS:
            return "boolean"
        return next((name for bit, name in _PRIORITY if self.mask & bit), "text")


def _fits_text(value: str, mask: int) -> int:
    """Which of the types still in `mask` a string value can be (bits), by the strict forms: a column narrowed to
    numbers tests no date form, one that is text already (mask 0) is not asked at all."""
    if mask & (INTEGER | NUMERIC | DATE) and _INTEGER.fullmatch(value):
        fits = INTEGER | NUMERIC if len(value) < 19 or in_int64(int(value.replace(",", ""))) else NUMERIC
        return fits | DATE | TIMESTAMP if mask & DATE and len(value) == 8 and parse_moment(value) else fits
    if mask & NUMERIC and _DECIMAL.fullmatch(value):
        return NUMERIC
    if mask & TIMESTAMP and (moment := parse_moment(value)) is not None:
        return TIMESTAMP if isinstance(moment, datetime) else DATE | TIMESTAMP
    if mask & BOOLEAN and value.lower() in _BOOLEANS:
        return BOOLEAN
    return 0


def _fits_typed(value: Cell) -> int:
    """The types a typed cell (XLSX, JSON) can be (bits)."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        fits = INTEGER | NUMERIC if in_int64(value) else NUMERIC
        return fits | DATE | TIMESTAMP if 19000101 <= value <= 20991231 and parse_moment(str(value)) else fits
    if isinstance(value, float):
        return NUMERIC if math.isfinite(value) else 0
    if isinstance(value, Decimal):
        return NUMERIC if value.is_finite() else 0
    if isinstance(value, datetime):
        return TIMESTAMP | DATE if value.time() == time() else TIMESTAMP
    if isinstance(value, date):
        return DATE | TIMESTAMP
    return 0
