"""Which reader an upload needs, decided by its content (XLSX is a zip holding xl/workbook.xml, JSON starts with
[ or {, anything else is CSV); the filename's extension only breaks a tie: a text that starts with a bracket not
followed by what only JSON has there ("[序号],[名称]" is a CSV header)."""

from __future__ import annotations

import zipfile
from functools import partial
from pathlib import Path

from services.opendata.loading.csvfile import read_csv, sniff_delimiter
from services.opendata.loading.encoding import detect_encoding, open_text
from services.opendata.loading.jsonfile import read_json
from services.opendata.loading.problems import LoadError, file_problem, size_label
from services.opendata.loading.source import Source
from services.opendata.loading.xlsxfile import read_xlsx

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: Excel 97–2003 (.xls), and an encrypted .xlsx
WORKBOOK = "xl/workbook.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
JSON_START_CHARS = 64 * 1024
_JSON_NEXT = frozenset('{["]}')  # after the opening bracket: an object, array or string, or an empty document
UNSUPPORTED = "不支持的文件格式（请上传 CSV、XLSX 或 JSON 文件）"
XLS = "不支持 Excel 97–2003 的 .xls 格式或设了密码的工作簿，请在 Excel 中另存为 .xlsx（不设密码）或 CSV 后上传"


def open_source(path: Path, filename: str, max_bytes: int) -> Source:
    """The upload's format, encoding and reader; LoadError if it is none of ours or undecodable."""
    with path.open("rb") as file:
        head = file.read(len(OLE2))
    if head.startswith(ZIP):
        return _xlsx(path, max_bytes)
    if head.startswith(OLE2):
        raise LoadError([file_problem(XLS)])
    encoding = detect_encoding(path)
    if _is_json(path, encoding, Path(filename).suffix.lower()):
        return Source("json", encoding, partial(read_json, path, encoding))
    return Source("csv", encoding, partial(read_csv, path, encoding, sniff_delimiter(path, encoding)))


def _xlsx(path: Path, max_bytes: int) -> Source:
    """A zip that is a workbook, whose shared strings (held in memory by openpyxl) are within the limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
    except zipfile.BadZipFile:
        raise LoadError([file_problem("文件已损坏（ZIP 结构有误），请用 Excel 另存后重新上传")]) from None
    if WORKBOOK not in sizes:
        raise LoadError([file_problem(UNSUPPORTED)])  # .docx, .ods, a zip of CSVs
    if sizes.get(SHARED_STRINGS, 0) > max_bytes:
        message = f"工作簿中的文字解压后超过 {size_label(max_bytes)}，请拆分文件或另存为 CSV"
        raise LoadError([file_problem(message)])
    return Source("xlsx", None, partial(read_xlsx, path))


def _is_json(path: Path, encoding: str, suffix: str) -> bool:
    """Whether the text is JSON: it starts with [ or {, and what follows is JSON's or the name says .json."""
    with open_text(path, encoding) as text:
        start = text.read(JSON_START_CHARS).lstrip(" \t\r\n\ufeff")
    if start[:1] not in ("[", "{"):
        return False
    after = start[1:].lstrip(" \t\r\n")
    return not after or after[0] in _JSON_NEXT or suffix == ".json"
