"""JSON uploads, streamed (jsonstream): an array of objects (the keys are the columns, in the order first seen; a
missing key is an empty cell), an array of arrays whose first is the header (a CSV in JSON), or CKAN's
{"fields": [{"id": …}], "records": [...]} — also inside datastore_search's {"result": …} — whose records are
objects or arrays. A nested object or array is a text cell holding its JSON.

Reading the header takes a pass of its own (the union of the keys is known only at the end); CKAN's own fields
(_id, _full_text) are left out: the datastore numbers its rows itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.opendata.loading.convert import as_text
from services.opendata.loading.encoding import open_text
from services.opendata.loading.jsonstream import JsonStream, JsonSyntaxError
from services.opendata.loading.problems import LoadError, Problem, file_problem, quote
from services.opendata.loading.source import Record, Table
from services.opendata.loading.types import Cell

CKAN_OWN = frozenset({"_id", "_full_text"})
NO_RECORDS = 'JSON 中没有表头：应为对象的数组，或 CKAN 的 {"fields": [...], "records": [...]}'
BAD_FIELDS = 'JSON 的 fields 应为 [{"id": "字段名"}, …]'
_UNREADABLE = (JsonSyntaxError, RecursionError, UnicodeDecodeError)  # RecursionError: absurdly deep nesting


@dataclass(frozen=True, slots=True)
class _Layout:
    """How records map to the columns: by key (objects), or by position (arrays of `width` values)."""

    names: list[str]
    index: dict[str, int]  # a key, stripped, → its column
    keep: list[int]  # the positions of an array record that are columns (CKAN's own fields are not)
    width: int | None  # how many values an array record has; None: records must be objects
    header_record: bool  # the first record is the header (an array of arrays without fields)


def read_json(path: Path, encoding: str) -> Table:
    """A reading of the JSON file: its header (a pass over the whole file), then its records."""
    layout = _layout(path, encoding)
    return Table(layout.names, _body(path, encoding, layout))


def _walk(stream: JsonStream) -> Iterator[tuple[str, Any]]:
    """("fields", value) and ("record", value) items, in document order, of any of the accepted shapes."""
    start = stream.peek()
    if start == "[":
        for record in stream.items():
            yield "record", record
    elif start == "{":
        yield from _walk_object(stream)
    else:
        raise stream.error("JSON 应为记录的数组，或含 records 的对象")
    stream.end()


def _walk_object(stream: JsonStream) -> Iterator[tuple[str, Any]]:
    for key in stream.members():
        if key == "records" and stream.peek() == "[":
            for record in stream.items():
                yield "record", record
        elif key == "result" and stream.peek() == "{":
            yield from _walk_object(stream)
        elif key == "fields":
            yield "fields", stream.value()
        else:
            stream.value()  # help, success, total, _links: not data


def _layout(path: Path, encoding: str) -> _Layout:
    """The columns: CKAN's fields if given, else the union of the objects' keys, else the first array."""
    fields: list[str] | None = None
    keys: dict[str, None] = {}  # an ordered set
    first: list[Any] | None = None
    with open_text(path, encoding) as text:
        try:
            for kind, value in _walk(JsonStream(text)):
                if kind == "fields":
                    fields = _field_ids(value)
                elif isinstance(value, dict):
                    keys.update(dict.fromkeys(value))
                elif isinstance(value, list) and first is None:
                    first = value
        except _UNREADABLE as error:
            raise LoadError([file_problem(str(error))]) from None
    if fields is not None:
        return _positional(fields, header_record=False)
    if keys:
        names = [name for name in (key.strip() for key in keys) if name not in CKAN_OWN]
        return _Layout(names, {name: at for at, name in enumerate(names)}, [], None, header_record=False)
    if first is not None:
        return _positional(["" if cell is None else as_text(cell) for cell in first], header_record=True)
    raise LoadError([file_problem(NO_RECORDS)])


def _positional(ids: list[str], *, header_record: bool) -> _Layout:
    keep = [at for at, name in enumerate(ids) if name.strip() not in CKAN_OWN]
    names = [ids[at].strip() for at in keep]
    return _Layout(names, {name: at for at, name in enumerate(names)}, keep, len(ids), header_record)


def _field_ids(fields: Any) -> list[str]:
    if not isinstance(fields, list) or not all(isinstance(f, dict) and isinstance(f.get("id"), str) for f in fields):
        raise LoadError([file_problem(BAD_FIELDS)])
    return [field["id"] for field in fields]


def _body(path: Path, encoding: str, layout: _Layout) -> Iterator[Record | Problem]:
    """The records, numbered by their place in the records array (the first is 1)."""
    with open_text(path, encoding) as text:
        try:
            records = (value for kind, value in _walk(JsonStream(text)) if kind == "record")
            for number, value in enumerate(records, start=1):
                if not (number == 1 and layout.header_record):
                    yield _record(number, value, layout)
        except _UNREADABLE as error:  # the file changed since its header was read
            yield file_problem(str(error))


def _record(number: int, value: Any, layout: _Layout) -> Record | Problem:
    """One record as the columns' cells, or why it does not fit them."""
    if isinstance(value, dict):
        return _from_object(number, value, layout)
    if isinstance(value, list) and layout.width is not None:
        if len(value) != layout.width:
            message = f"第 {number} 条记录有 {len(value)} 个值，表头有 {layout.width} 个"
            return Problem(number, None, _json(value), message)
        return Record(number, [_cell(value[at]) for at in layout.keep])
    return Problem(number, None, _json(value), f"第 {number} 条记录应为对象，实际为「{quote(_json(value))}」")


def _from_object(number: int, value: dict[str, Any], layout: _Layout) -> Record | Problem:
    cells: list[Cell] = [None] * len(layout.names)
    for key, cell in value.items():
        name = key.strip()
        at = layout.index.get(name)
        if at is not None:
            cells[at] = _cell(cell)
        elif name not in CKAN_OWN:
            return Problem(number, name, _json(cell), f"第 {number} 条记录有字段「{quote(name)}」，表头中没有")
    return Record(number, cells)


def _cell(value: Any) -> Cell:
    """A JSON value as a cell: nested objects and arrays as their JSON text."""
    return _json(value) if isinstance(value, dict | list) else value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=float)  # Decimal is the only type json cannot write
