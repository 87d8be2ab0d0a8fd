"""A legacy CMS's own export — CSV, JSON or XML — read through a field-mapping file that says which of its
columns is the title, the old URL, the date, the body…

The mapping (JSON), for example:

    {"format": "csv", "fields": {"url": "原文链接", "title": "标题", "body_html": "正文", "published_at": "发布时间",
     "column": "所属栏目", "source": "来源", "document_number": "文号", "attachments": "附件"},
     "date_format": "%Y年%m月%d日", "list_separator": ";"}

For JSON, `records` names the key holding the list (none: the file is the list); for XML, `records` is the tag of
one record and fields are its child elements. url, title and body_html are required. CSV and XML are streamed
(a CSV's encoding is told from its first megabyte); JSON is read whole.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from services.transition.extract.decoding import decode_page
from services.transition.extract.meta import parse_moment
from services.transition.sources.base import Record

REQUIRED = ("url", "title", "body_html")
RECORD_FIELDS = ("url", "title", "body_html", "published_at", "column", "source", "author", "keywords", "attachments")
DISCLOSURE_FIELDS = ("index_number", "document_number", "issuing_body", "written_on", "topic_category", "validity")
FORMATS = ("csv", "json", "xml")
SAMPLE_BYTES = 1 << 20


class MappingError(ValueError):
    """A mapping file, or an export, that does not say what the migration needs: the message names the field."""


@dataclass(frozen=True)
class FieldMapping:
    format: str
    fields: dict[str, str]
    records: str | None = None
    date_format: str | None = None
    list_separator: str = ";"

    @classmethod
    def read(cls, path: Path) -> FieldMapping:
        try:
            given = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MappingError(f"字段映射文件无法读取：{exc}") from exc
        return cls.of(given)

    @classmethod
    def of(cls, given: dict[str, Any]) -> FieldMapping:
        if given.get("format") not in FORMATS:
            raise MappingError(f"format：应为 {'、'.join(FORMATS)} 之一")
        fields = given.get("fields") or {}
        unknown = sorted(set(fields) - set(RECORD_FIELDS) - set(DISCLOSURE_FIELDS))
        if unknown:
            raise MappingError(f"fields：不认识的字段 {'、'.join(unknown)}")
        missing = [name for name in REQUIRED if not fields.get(name)]
        if missing:
            raise MappingError(f"fields：缺少必需的字段 {'、'.join(missing)}")
        if given.get("format") == "xml" and not given.get("records"):
            raise MappingError("records：XML 导出须指明一条记录的元素名")
        return cls(given["format"], dict(fields), given.get("records"), given.get("date_format"),
                   given.get("list_separator") or ";")  # fmt: skip


def export_records(path: Path, mapping: FieldMapping) -> Iterator[Record]:
    rows = {"csv": _csv_rows, "json": _json_rows, "xml": _xml_rows}[mapping.format](path, mapping)
    for number, row in enumerate(rows, 1):
        yield _record(row, mapping, number)


def _csv_rows(path: Path, mapping: FieldMapping) -> Iterator[dict[str, str]]:
    """GBK or UTF-8 alike (Excel saves CSV in GBK on a Chinese Windows), told as a page's bytes are."""
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
    if len(sample) == SAMPLE_BYTES:
        sample = sample[: sample.rfind(b"\n") + 1] or sample  # whole lines: no character cut in two
    encoding = decode_page(sample).encoding
    with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as text:
        yield from csv.DictReader(text)


def _json_rows(path: Path, mapping: FieldMapping) -> Iterator[dict[str, Any]]:
    data = json.loads(decode_page(path.read_bytes()).text)
    rows = data.get(mapping.records) if mapping.records and isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise MappingError(f"records：{mapping.records or '文件'} 不是记录的列表")
    yield from (row for row in rows if isinstance(row, dict))


def _xml_rows(path: Path, mapping: FieldMapping) -> Iterator[dict[str, str]]:
    for _, element in etree.iterparse(str(path), events=("end",), tag=mapping.records, huge_tree=True):
        yield {etree.QName(c.tag).localname: (c.text or "").strip() for c in element if isinstance(c.tag, str)}
        element.clear(keep_tail=False)


def _record(row: dict[str, Any], mapping: FieldMapping, number: int) -> Record:
    def value(name: str) -> str:
        column = mapping.fields.get(name)
        return str(row.get(column) or "").strip() if column else ""

    for name in REQUIRED:
        if not value(name):
            raise MappingError(f"第 {number} 条记录缺少 {name}（{mapping.fields[name]}）")
    separator = mapping.list_separator
    return Record(
        url=value("url"), title=value("title"), body_html=value("body_html"),
        published_at=_date(value("published_at"), mapping.date_format, number),
        column=value("column") or None, source=value("source") or None, author=value("author") or None,
        keywords=[w.strip() for w in value("keywords").split(separator) if w.strip()],
        attachments=[u.strip() for u in value("attachments").split(separator) if u.strip()],
        disclosure={name: value(name) for name in DISCLOSURE_FIELDS if value(name)},
    )  # fmt: skip


def _date(text: str, date_format: str | None, number: int) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, date_format) if date_format else parse_moment(text)
    except ValueError as exc:
        raise MappingError(f"第 {number} 条记录的日期“{text}”不合格式 {date_format}") from exc
