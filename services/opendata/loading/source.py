"""What every reader gives (a header, then records of raw cells or the problems of their shape), and the rules
CSV and XLSX share: the header is the first non-empty row, and each later row must fit its width."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from services.opendata.loading.convert import as_text
from services.opendata.loading.problems import LoadError, Problem, file_problem
from services.opendata.loading.types import Cell

Format = Literal["csv", "xlsx", "json"]
NO_HEADER = "文件中没有表头（没有任何内容）"


@dataclass(frozen=True, slots=True)
class Record:
    """One row as the file holds it: where it is (see Problem.row) and its cells, raw (not yet cleaned)."""

    row: int
    cells: Sequence[Cell]


@dataclass(frozen=True, slots=True)
class Table:
    """A reading of the file: its header (names stripped) and then its records, each fitting the header's width,
    or the problem that kept one from fitting. Reading it streams the file."""

    header: list[str]
    body: Iterator[Record | Problem]


@dataclass(frozen=True, slots=True)
class Source:
    """An upload whose format and encoding are known; `read` starts a new reading (a pass) each time."""

    format: Format
    encoding: str | None
    read: Callable[[], Table]


def is_empty(cell: Cell) -> bool:
    """A cell with nothing in it (None, or only whitespace)."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def is_blank(cells: Sequence[Cell]) -> bool:
    """A row with nothing in it (an empty line, or cells that are all empty)."""
    return all(is_empty(cell) for cell in cells)


def header_names(cells: Sequence[Cell]) -> list[str]:
    """Column names, stripped; trailing empty ones dropped (Excel exports carry blank formatted columns)."""
    names = ["" if cell is None else as_text(cell).strip().lstrip("\ufeff").strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    return names


def tabulate(rows: Iterator[Record | Problem], *, pad: bool) -> Table:
    """The header (first non-empty row) and the rest shaped to its width; `pad` fills short rows with empty
    cells (a spreadsheet leaves out empty cells) instead of reporting them (CSV)."""
    for item in rows:
        if isinstance(item, Problem):
            raise LoadError([item])
        if not is_blank(item.cells):
            header = header_names(item.cells)
            return Table(header, _shaped(rows, len(header), pad=pad))
    raise LoadError([file_problem(NO_HEADER)])


def _shaped(rows: Iterator[Record | Problem], width: int, *, pad: bool) -> Iterator[Record | Problem]:
    for item in rows:
        if isinstance(item, Problem):
            yield item
        elif not is_blank(item.cells):
            yield shape(item, width, pad=pad)


def shape(record: Record, width: int, *, pad: bool) -> Record | Problem:
    """The record with exactly `width` cells: empty cells past the header dropped, or the problem of its width."""
    cells = record.cells
    if len(cells) > width and is_blank(cells[width:]):
        cells = cells[:width]
    if len(cells) < width and pad:
        cells = [*cells, *([None] * (width - len(cells)))]
    if len(cells) == width:
        return record if cells is record.cells else Record(record.row, cells)
    if len(cells) > width:  # "有 5 列" counts up to the last cell with something in it
        cells = cells[: max(index for index, cell in enumerate(cells) if not is_empty(cell)) + 1]
    row = ",".join("" if cell is None else as_text(cell) for cell in cells)
    return Problem(record.row, None, row, f"第 {record.row} 行有 {len(cells)} 列，表头有 {width} 列")
