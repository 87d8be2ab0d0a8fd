"""CSV uploads: the delimiter sniffed from the start of the text, then records streamed with the csv module, each
located at the line where it starts (a quoted cell may hold newlines)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from services.opendata.loading.encoding import open_text
from services.opendata.loading.problems import Problem
from services.opendata.loading.source import Record, Table, is_blank, tabulate

DELIMITERS = ",\t;|"  # in order of preference when the sample does not decide
SNIFF_CHARS = 64 * 1024
SNIFF_ROWS = 50
_REASONS = {  # the csv module's errors, as a publisher reads them
    "field larger than field limit": f"单元格超过 {csv.field_size_limit()} 个字符，可能是引号没有闭合",
    "line contains NUL": "含有空字符（NUL），不是文本文件",
}


def read_csv(path: Path, encoding: str, delimiter: str) -> Table:
    """A reading of the CSV file: header, then records (ragged ones reported, empty lines skipped)."""
    return tabulate(_records(path, encoding, delimiter), pad=False)


def sniff_delimiter(path: Path, encoding: str) -> str:
    """The delimiter that splits the first rows into the most consistent widths, then the most columns."""
    with open_text(path, encoding) as text:
        sample = text.read(SNIFF_CHARS)
    truncated = len(sample) == SNIFF_CHARS
    return max(DELIMITERS, key=lambda delimiter: _score(sample, delimiter, truncated=truncated))


def _score(sample: str, delimiter: str, *, truncated: bool) -> tuple[int, int, int]:
    """How well `delimiter` fits: rows as wide as the header, the header's width, then the preference order."""
    try:
        rows = [row for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if not is_blank(row)]
    except csv.Error:
        return (0, 0, 0)
    rows = rows[:-1] if truncated and len(rows) > 1 else rows  # the sample may end inside the last row
    rows = rows[:SNIFF_ROWS]
    width = len(rows[0]) if rows else 0
    if width < 2:
        return (0, 0, -DELIMITERS.index(delimiter))
    return (sum(len(row) == width for row in rows), width, -DELIMITERS.index(delimiter))


def _records(path: Path, encoding: str, delimiter: str) -> Iterator[Record | Problem]:
    """Every record with the line it starts on (csv's line_num is where the previous one ended)."""
    with open_text(path, encoding) as text:
        reader = csv.reader(text, delimiter=delimiter)
        start = 1
        try:
            for cells in reader:
                yield Record(start, cells)
                start = reader.line_num + 1
        except csv.Error as error:  # a cell beyond csv's field size limit (an unclosed quote), a NUL character
            reason = _REASONS.get(str(error).split(" (")[0], str(error))
            yield Problem(start, None, None, f"第 {start} 行无法按 CSV 读取（{reason}），之后的内容未检查")
        except UnicodeDecodeError:  # the file changed since its encoding was checked
            yield Problem(start, None, None, f"第 {start} 行之后的内容编码有误")
