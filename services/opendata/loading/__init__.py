"""The file-loading layer of 数据开放: a publisher's CSV, XLSX or JSON upload checked whole and typed, then
streamed row by row to the loader. Nothing is loaded from a file with any problem: open_table finds them all.

Which types it infers and which cells count as empty: services.opendata.loading.types."""

from services.opendata.loading.problems import LoadError, Problem
from services.opendata.loading.table import Column, TableFile, open_table
from services.opendata.loading.types import BOOLEAN_PAIRS, EMPTY_MARKERS, ColumnType

__all__ = ["BOOLEAN_PAIRS", "EMPTY_MARKERS", "Column", "ColumnType", "LoadError", "Problem", "TableFile", "open_table"]
