"""Plain text of attachments (PDF, DOCX, XLSX, plain text and CSV) for the search index.

The type comes from the bytes, not the name. Every reader is a generator of paragraphs read only as far as
max_chars needs, so a long file costs no more than its first part; page, row, cell, size and time caps keep a
hostile file (page bomb, zip bomb, a sheet claiming a million rows) from hanging the indexer. A file that gives
no text raises ExtractionProblem with a short reason in Chinese and English; no library exception escapes.
PDFs go through pdfminer.six: unlike pypdf it maps CJK fonts that lack a ToUnicode table (Adobe-GB1 CIDs).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import logging
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePath
from typing import Any

import docx
import filetype
import openpyxl
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTContainer, LTPage, LTTextLine
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

MAX_PDF_PAGES = 500  # pages read; a page bomb's others are ignored
MAX_XLSX_ROWS = 200_000  # rows read over all sheets, empty ones included
MAX_XLSX_CELLS = 2_000_000  # cells read over all sheets
MAX_UNZIPPED = 256 * 1024 * 1024  # a DOCX or XLSX whose parts unpack to more is refused (zip bomb)
TIME_BUDGET = 30.0  # seconds; the text read by then is kept, the rest of the file is not read

# pdfminer logs every quirk of real-world PDFs (a missing CropBox, a bad xref): the index only needs the text.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps, .et — and password-protected DOCX/XLSX
_OLE2_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_TEXT_SUFFIXES = {".txt", ".csv", ".tsv", ".text"}
_TEXT_TYPES = {"text/plain", "text/csv", "text/tab-separated-values"}
_JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200d\u2028\u2029\ufeff]|\(cid:\d+\)")
_SPACES = re.compile(r"[^\S\t]+")  # runs of whitespace other than the tab between cells, U+3000 included
_CJK = "\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")  # 邮 编 / 目 录: layout spaces, not words
_CJK_END = re.compile(f"[{_CJK}]$")
_CJK_START = re.compile(f"^[{_CJK}]")
# a line that starts a paragraph: 1. / （一） / 一、 / 第三条
_HEADING = re.compile(r"^(\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|第\S{1,4}[章节条])")
_PAGE_NUMBER = re.compile(r"^\s*([-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?)\s*$")  # - 3 -


class ExtractionProblem(Exception):
    """Why an attachment gives no text (encrypted, broken, unsupported): shown to editors, kept with the file."""


def extract_text(data: bytes, *, content_type: str, filename: str, max_chars: int) -> str:
    """The attachment's text for the index: whitespace normalised, a paragraph a line, at most max_chars."""
    if max_chars <= 0:
        return ""
    kind = _kind(data, content_type, filename)
    try:
        text = _take(_READERS[kind](data), max_chars)
    except ExtractionProblem:
        raise
    except Exception as exc:  # noqa: BLE001 — whatever a library trips on in a hostile file, the file is unreadable
        raise _problem(kind, exc) from exc
    if kind == "pdf" and not text:
        raise ExtractionProblem("PDF 中没有文字，可能是扫描件（no text layer: a scanned PDF?）")
    return text


def _kind(data: bytes, content_type: str, filename: str) -> str:
    """pdf, docx, xlsx or text, judged by the bytes; the declared type and name only vouch for plain text."""
    if not data:
        raise ExtractionProblem("文件为空（empty file）")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_OLE2):
        if _OLE2_ENCRYPTED in data:
            raise ExtractionProblem("文件设有打开密码，无法读取（password-protected Office file）")
        raise ExtractionProblem("不支持的旧格式 .doc/.xls/.wps，请另存为 docx/xlsx（old binary Office format）")
    if data.startswith(b"PK\x03\x04"):
        return _zipped_kind(data)
    guessed = filetype.guess(data)
    declared = content_type.split(";")[0].strip().lower()
    if guessed is None and (declared in _TEXT_TYPES or PurePath(filename).suffix.lower() in _TEXT_SUFFIXES):
        return "text"
    found = guessed.mime if guessed else declared or PurePath(filename).suffix or "unknown"
    raise ExtractionProblem(f"不支持的文件类型 {found}（unsupported file type）")


def _zipped_kind(data: bytes) -> str:
    """docx or xlsx by the parts inside; a zip that would unpack past MAX_UNZIPPED is refused unread."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except Exception:  # noqa: BLE001 — a damaged central directory fails in many ways (BadZipFile, EOFError, …)
        raise ExtractionProblem("文件已损坏（broken zip container）") from None
    if sum(part.file_size for part in parts) > MAX_UNZIPPED:
        raise ExtractionProblem("文件解压后过大，未读取（unpacks too large: zip bomb?）")
    names = [part.filename for part in parts]
    if any(name.startswith("word/") for name in names):
        return "docx"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    raise ExtractionProblem("不支持的压缩文件，仅支持 docx/xlsx（unsupported zip: not DOCX or XLSX）")


def _take(paragraphs: Iterable[str], max_chars: int) -> str:
    """Clean lines joined by newlines, read only as far as max_chars (or the time budget) needs."""
    deadline = time.monotonic() + TIME_BUDGET
    kept: list[str] = []
    size = 0
    for paragraph in paragraphs:  # readers yield "" for an empty page or row, so the clock is read anyway
        for line in paragraph.splitlines():
            if line := _clean(line):
                kept.append(line)
                size += len(line) + 1
        if size > max_chars or time.monotonic() > deadline:
            break
    return "\n".join(kept)[:max_chars].rstrip()


def _clean(line: str) -> str:
    """One line without control characters, unmapped-glyph marks and runs of spaces (tabs between cells stay)."""
    line = _SPACES.sub(" ", _JUNK.sub("", line))
    return _CJK_GAP.sub("", line).strip()


def _problem(kind: str, exc: Exception) -> ExtractionProblem:
    """A library's failure as a short reason an editor can act on."""
    if isinstance(exc, PDFPasswordIncorrect):
        return ExtractionProblem("PDF 设有打开密码，无法读取（encrypted PDF: password required）")
    if isinstance(exc, PDFEncryptionError):
        return ExtractionProblem("PDF 的加密方式不受支持（unsupported PDF encryption）")
    name = kind.upper()
    return ExtractionProblem(f"{name} 文件已损坏或无法解析（broken {name} file: {type(exc).__name__}）")


def _pdf(data: bytes) -> Iterator[str]:
    """Each page's lines in pdfminer's reading order, lines that wrap at the right margin joined again."""
    layout = LAParams(all_texts=True)  # text drawn in form XObjects too
    for page in extract_pages(io.BytesIO(data), maxpages=MAX_PDF_PAGES, laparams=layout):
        yield from _unwrap(_page_lines(page))
        yield ""


def _page_lines(page: LTPage) -> list[tuple[str, bool]]:
    """A page's lines, each with whether it reaches the right margin (and so may go on in the next line)."""
    lines = [line for line in _text_lines(page) if not _PAGE_NUMBER.match(line.get_text())]
    if not lines:
        return []
    margin = sorted(line.x1 for line in lines)[len(lines) * 4 // 5]  # a wide table or a stray mark moves it not
    wide = page.width / 2  # a centred title is not a wrapped line
    return [(line.get_text().strip(), line.x1 >= margin - line.height and line.width > wide) for line in lines]


def _text_lines(container: LTContainer[Any]) -> Iterator[LTTextLine]:
    """The text lines of a laid-out page, boxes and figures descended into."""
    for item in container:
        if isinstance(item, LTTextLine):
            yield item
        elif isinstance(item, LTContainer):
            yield from _text_lines(item)


def _unwrap(lines: Iterable[tuple[str, bool]]) -> Iterator[str]:
    """Lines back into paragraphs: a line that reaches the margin runs on (with no space between CJK)."""
    paragraph, runs_on = "", False
    for text, full in lines:
        if paragraph and text and runs_on and not _HEADING.match(text):
            cjk = _CJK_END.search(paragraph) and _CJK_START.match(text)
            paragraph += text if cjk else " " + text
        else:
            if paragraph:
                yield paragraph
            paragraph = text
        runs_on = full
    yield paragraph


def _docx(data: bytes) -> Iterator[str]:
    """Paragraphs and table rows (cells tab-separated) in document order, content controls included."""
    document = docx.Document(io.BytesIO(data))
    yield from _blocks(document, document.element.body)


def _blocks(parent: Any, element: Any) -> Iterator[str]:
    """The paragraphs and table rows directly in a body, cell or content control (w:sdt), in order."""
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent).text
        elif child.tag == qn("w:tbl"):
            yield from _table_rows(Table(child, parent))
        elif child.tag == qn("w:sdt") and (content := child.find(qn("w:sdtContent"))) is not None:
            yield from _blocks(parent, content)


def _table_rows(table: Table) -> Iterator[str]:
    """A row a line; a merged cell once (python-docx repeats it in every grid cell it spans)."""
    seen: set[Any] = set()  # the cells' <w:tc> elements, held so lxml hands back the same proxies
    for row in table.rows:
        texts = []
        for cell in row.cells:
            if cell._tc in seen:  # the <w:tc> element is a merged cell's only identity
                continue
            seen.add(cell._tc)
            texts.append(" ".join(" ".join(_blocks(cell, cell._tc)).split()))  # nested tables too
        yield "\t".join(texts)


def _xlsx(data: bytes) -> Iterator[str]:
    """Every worksheet: its name, then its rows as tab-separated cells, within the row and cell caps."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = cells = 0
    try:
        for sheet in workbook.worksheets:
            yield sheet.title
            sheet.reset_dimensions()  # a false <dimension> (A1:XFD1048576) would pad every row to its width
            for values in sheet.iter_rows(values_only=True):
                rows, cells = rows + 1, cells + len(values)
                if rows > MAX_XLSX_ROWS or cells > MAX_XLSX_CELLS:
                    return
                yield "\t".join(_cell_text(value) for value in values).rstrip("\t")
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell value as a person reads it: 2024-03-01 rather than 2024-03-01 00:00:00, 21 rather than 21.0."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _text(data: bytes) -> Iterator[str]:
    """Plain text or CSV: UTF-16 by its BOM, else UTF-8, else GB18030 (which reads GBK and GB2312 too)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
    yield from text.splitlines()


_READERS: dict[str, Callable[[bytes], Iterator[str]]] = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "text": _text}
