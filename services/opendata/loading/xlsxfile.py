"""XLSX uploads: openpyxl streaming (read_only), the first worksheet with anything in it, cells typed as Excel
holds them (numbers, dates), formulas by their last computed value (data_only).

read_only keeps the shared-string table (every distinct text of the workbook) in memory: formats.py refuses a
workbook whose table is larger than the upload limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl

from services.opendata.loading.problems import Problem, file_problem
from services.opendata.loading.source import Record, Table, is_blank, tabulate


def read_xlsx(path: Path) -> Table:
    """A reading of the workbook: header, then records (short rows are rows whose last cells are empty)."""
    return tabulate(_records(path), pad=True)


def _records(path: Path) -> Iterator[Record | Problem]:
    """The rows of the first non-empty worksheet, numbered as Excel numbers them (empty rows included)."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl fails on a broken file with whatever zipfile, its XML
        # parser or its descriptors raise; the publisher is told, the service goes on
        yield file_problem(f"XLSX 文件无法打开（{type(error).__name__}: {error}），请用 Excel 另存后重新上传")
        return
    try:
        for sheet in book.worksheets:
            # The <dimension> a writer records may be wrong (too small): openpyxl would stop there, so it is not
            # trusted and every row of the sheet is read.
            sheet.reset_dimensions()
            rows = enumerate(sheet.iter_rows(values_only=True), start=1)
            for number, values in rows:
                if not is_blank(values):
                    yield Record(number, values)
                    yield from (Record(later, cells) for later, cells in rows)
                    return
    except Exception as error:  # noqa: BLE001 - as above, for a sheet broken halfway
        yield file_problem(f"XLSX 文件内容有误（{type(error).__name__}: {error}），之后的内容未检查")
    finally:
        book.close()
