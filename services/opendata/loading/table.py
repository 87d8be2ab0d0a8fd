"""open_table: an upload checked whole — format, encoding, header, every row — before anything of it is loaded
(a broken file yields the report of all its problems, never half a table), then its typed rows, streamed.

Memory stays flat whatever the file's size: a pass keeps per-column state, a count and the bounded problem list;
rows() reads the file again and converts each row as it goes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.opendata.loading.convert import as_text, convert, mismatch
from services.opendata.loading.formats import open_source
from services.opendata.loading.problems import LoadError, Problem, ProblemLog, file_problem, quote, size_label
from services.opendata.loading.source import Format, Record, Source, Table
from services.opendata.loading.types import COLUMN_TYPES, Cell, ColumnType, Inference, Value, clean

MAX_BYTES = 200 * 2**20
MAX_PROBLEMS = 100
CHANGED = "文件在检查之后被改动，请重新上传"


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # the header as given, stripped
    type: ColumnType


@dataclass
class TableFile:
    """A parsed upload: its format, encoding, columns (types inferred or given), and a way to stream typed rows."""

    format: Format
    encoding: str | None  # None for XLSX (a workbook has no text encoding)
    columns: list[Column]
    row_count: int
    _source: Source = field(repr=False, compare=False)

    def rows(self) -> Iterator[tuple[Value, ...]]:
        """Each row's values as its columns' types (None for empty cells), read from the file again per call."""
        table = self._source.read()
        names = [column.name for column in self.columns]
        if table.header != names:
            raise LoadError([file_problem(CHANGED)])
        kinds = [column.type for column in self.columns]
        for item in table.body:
            if isinstance(item, Problem):
                raise LoadError([item])
            yield _typed(item, names, kinds)


def open_table(
    path: Path,
    *,
    filename: str,
    types: Mapping[str, ColumnType] | None = None,
    max_bytes: int = MAX_BYTES,
    max_problems: int = MAX_PROBLEMS,
) -> TableFile:
    """Detect the format and encoding, read the header, infer (or apply) the column types and check EVERY row;
    LoadError with all the problems (the first `max_problems`, and their total) if anything is wrong."""
    path = Path(path)
    _check_size(path, max_bytes)
    source = open_source(path, filename, max_bytes)
    table = source.read()
    log = ProblemLog(max_problems)
    _check_header(table.header, log)
    given = _given(table, types or {}, log)
    checks = [_ColumnCheck(number, name, given[number - 1]) for number, name in enumerate(table.header, start=1)]
    row_count = _check_rows(table, checks, log)
    log.raise_if_any()
    columns = [Column(check.name, check.type()) for check in checks]
    return TableFile(source.format, source.encoding, columns, row_count, source)


class _ColumnCheck:
    """One column during the checking pass: its given type (each cell must convert) or its inference."""

    __slots__ = ("given", "inference", "label", "name")

    def __init__(self, number: int, name: str, given: ColumnType | None) -> None:
        self.name = name
        self.label = name or f"第 {number} 列"  # how messages name it (a nameless column is a problem already)
        self.given = given
        self.inference = Inference()

    def accepts(self, cell: Cell) -> bool:
        """Whether a cleaned, non-empty cell is of the column's type (an inferred type learns from it)."""
        if self.given is None:
            self.inference.observe(cell)
            return True
        try:
            convert(cell, self.given)
        except ValueError:
            return False
        return True

    def type(self) -> ColumnType:
        return self.given or self.inference.result()


def _check_size(path: Path, max_bytes: int) -> None:
    """Refuse a file over the limit before reading any of it."""
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError([file_problem(f"文件超过 {size_label(max_bytes)}（实际 {size_label(size)}）")])
    if size == 0:
        raise LoadError([file_problem("文件为空")])


def _check_header(names: list[str], log: ProblemLog) -> None:
    """Every column needs a name of its own: it becomes a column of the datastore."""
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if not name:
            log.add(file_problem(f"第 {number} 列表头为空"))
        elif name in seen:
            log.add(Problem(None, name, name, f"表头「{quote(name)}」重复"))
        seen.add(name)


def _given(table: Table, types: Mapping[str, ColumnType], log: ProblemLog) -> list[ColumnType | None]:
    """The publisher's type of each column (None: inferred); names or types they got wrong are problems."""
    wanted = {name.strip(): kind for name, kind in types.items()}
    for name, kind in wanted.items():
        if name not in table.header:
            log.add(Problem(None, name, None, f"数据字典中的字段「{quote(name)}」不在表头中"))
        elif kind not in COLUMN_TYPES:
            message = f"字段「{quote(name)}」的类型「{quote(str(kind))}」无效（应为 {'、'.join(COLUMN_TYPES)} 之一）"
            log.add(Problem(None, name, str(kind), message))
    return [wanted[name] if wanted.get(name) in COLUMN_TYPES else None for name in table.header]


def _check_rows(table: Table, checks: list[_ColumnCheck], log: ProblemLog) -> int:
    """The full pass: every record's shape and every cell's type; how many records there are."""
    count = 0
    for item in table.body:
        if isinstance(item, Problem):
            log.add(item)
            continue
        count += 1
        for check, raw in zip(checks, item.cells, strict=True):
            cell = clean(raw)
            if cell is not None and not check.accepts(cell):
                log.add(_mismatch(item.row, check.label, check.type(), cell))
    return count


def _typed(record: Record, names: list[str], kinds: list[ColumnType]) -> tuple[Value, ...]:
    values: list[Value] = []
    for name, kind, raw in zip(names, kinds, record.cells, strict=True):
        cell = clean(raw)
        try:
            values.append(None if cell is None else convert(cell, kind))
        except ValueError:  # the file changed since it was checked
            raise LoadError([_mismatch(record.row, name, kind, cell)]) from None
    return tuple(values)


def _mismatch(row: int, column: str, kind: ColumnType, cell: Cell) -> Problem:
    return Problem(row, column, as_text(cell), mismatch(column, kind, cell))
