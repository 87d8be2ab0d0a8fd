"""Attachment text for the index: a real government PDF, a 申请表 DOCX, a 统计表 XLSX and plain text come out as
Chinese text; broken, encrypted and old-format files are named as such; nothing hangs or lets a library error out."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from services.search.service import extraction
from services.search.service.extraction import ExtractionProblem, extract_text

FIXTURES = Path(__file__).parent / "fixtures"
GOV_PDF = (FIXTURES / "putuo-2025-budget-excerpt.pdf").read_bytes()  # real: see fixtures/README.md
ENCRYPTED_PDF = (FIXTURES / "aes-256-r6-encrypted.pdf").read_bytes()  # user password "usersecret"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def text_of(data: bytes, content_type: str = "", filename: str = "附件", max_chars: int = 1_000_000) -> str:
    return extract_text(data, content_type=content_type, filename=filename, max_chars=max_chars)


def application_form() -> bytes:
    """A 政府信息公开申请表 as offices make them: a title, a table with merged cells, notes after it."""
    document = docx.Document()
    document.add_heading("政府信息公开申请表", level=1)
    document.add_paragraph("填表说明：请如实填写，  带*号为必填项。")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 3)).text = "申请人信息"
    for column, value in enumerate(["*姓名", "张三", "证件类型", "居民身份证"]):
        table.cell(1, column).text = value
    table.cell(2, 0).text = "所需信息内容描述"
    described = table.cell(2, 1).merge(table.cell(2, 3))
    described.text = "2023年本区老旧小区改造项目清单"
    described.add_paragraph("及资金使用情况")
    document.add_paragraph("申请人签名：        日期：2024年3月1日")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def statistics_workbook(rows: int = 3) -> bytes:
    """A 统计表 with two sheets; the first has `rows` data rows after its header."""
    workbook = openpyxl.Workbook(write_only=True)
    first = workbook.create_sheet("主动公开情况")
    first.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "统计日期"])
    for i in range(rows):
        first.append([f"行政规范性文件{i + 1}", 5, 0, 5.0, dt.datetime(2024, 3, 1)])
    second = workbook.create_sheet("依申请公开情况")
    second.append(["申请人情况", "自然人", "法人或其他组织", "总计"])
    second.append(["本年新收政府信息公开申请数量", 21, None, 21])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_real_government_pdf_gives_its_chinese_text_with_wrapped_lines_joined() -> None:
    text = text_of(GOV_PDF, "application/pdf", "2025年部门预算.pdf")
    assert text.startswith("上海市普陀区2025年区级部门预算")
    assert "9.推进、指导、协调、监督全区的政务公开和政府信息公开工作。" in text.splitlines()
    # "…加挂上海市普陀区人民政府研究" / "室、…" were two lines of the page: one paragraph, no space inside words
    assert "上海市普陀区人民政府研究室、上海市普陀区人民政府外事办公室" in text
    assert "14.完成区委、区政府交办的其他任务。" in text.splitlines()
    assert not any(mark in text for mark in ("(cid:", "\x0c", "  ", "\n\n"))


def test_max_chars_cuts_the_text_and_stops_reading() -> None:
    whole = text_of(GOV_PDF)
    assert len(whole) > 500
    cut = text_of(GOV_PDF, max_chars=60)
    assert len(cut) <= 60 and whole.startswith(cut)
    assert text_of(GOV_PDF, max_chars=0) == ""


def test_pages_past_the_cap_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "MAX_PDF_PAGES", 1)
    text = text_of(GOV_PDF)
    assert "区级部门预算" in text and "主要职能" not in text


def test_past_the_time_budget_the_text_read_so_far_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "TIME_BUDGET", 0.0)
    assert text_of(GOV_PDF) == "上海市普陀区2025年区级部门预算预算主管部门：上海市普陀区人民政府办公室"


def test_a_docx_form_gives_paragraphs_and_table_rows_in_order_merged_cells_once() -> None:
    lines = text_of(application_form(), DOCX, "申请表.docx").splitlines()
    assert lines == [
        "政府信息公开申请表",
        "填表说明：请如实填写，带*号为必填项。",
        "申请人信息",
        "*姓名\t张三\t证件类型\t居民身份证",
        "所需信息内容描述\t2023年本区老旧小区改造项目清单及资金使用情况",  # cell paragraphs, one line
        "申请人签名：日期：2024年3月1日",
    ]


def test_an_xlsx_gives_every_sheet_its_name_then_tab_separated_rows() -> None:
    lines = text_of(statistics_workbook(), XLSX, "统计表.xlsx").splitlines()
    assert lines == [
        "主动公开情况",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\t统计日期",
        "行政规范性文件1\t5\t0\t5\t2024-03-01",
        "行政规范性文件2\t5\t0\t5\t2024-03-01",
        "行政规范性文件3\t5\t0\t5\t2024-03-01",
        "依申请公开情况",
        "申请人情况\t自然人\t法人或其他组织\t总计",
        "本年新收政府信息公开申请数量\t21\t\t21",
    ]


def test_a_30000_row_xlsx_is_read_within_a_bound() -> None:
    data = statistics_workbook(rows=30_000)
    started = time.perf_counter()
    text = text_of(data, XLSX, "统计表.xlsx", max_chars=10_000_000)
    elapsed = time.perf_counter() - started
    assert "行政规范性文件30000\t5\t0\t5\t2024-03-01" in text and text.endswith("21\t\t21")
    assert elapsed < 15, f"30,000 rows took {elapsed:.1f} s"  # about 1.5 s here (~20,000 rows/s)


def test_rows_past_the_cap_are_not_read_and_a_false_dimension_pads_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _with_dimension(statistics_workbook(rows=50), "A1:XFD1048576")  # claims 17 billion cells
    started = time.perf_counter()
    assert "行政规范性文件50\t" in text_of(data, XLSX)
    assert time.perf_counter() - started < 5
    monkeypatch.setattr(extraction, "MAX_XLSX_ROWS", 10)
    text = text_of(data, XLSX)
    assert "行政规范性文件9\t" in text and "行政规范性文件10\t" not in text and "依申请公开情况" not in text


def _with_dimension(xlsx: bytes, ref: str) -> bytes:
    """The workbook with a <dimension> in its first sheet, as some exporters get it wrong."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # openpyxl's write-only mode writes none
                part = part.replace(b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'.encode(), 1)
            target.writestr(item, part)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_plain_text_and_csv_in_utf8_or_gb18030(encoding: str) -> None:
    csv = "地区,政府信息公开申请数\r\n普陀区,21\r\n\r\n长宁区,\u3000 35\r\n".encode(encoding)
    assert text_of(csv, "text/csv", "统计.csv") == "地区,政府信息公开申请数\n普陀区,21\n长宁区, 35"
    assert text_of(csv, "application/octet-stream", "统计.CSV").startswith("地区")


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    assert "政府信息公开" in text_of(GOV_PDF, DOCX, "申请表.docx")
    assert "张三" in text_of(application_form(), "application/pdf", "通知.pdf")
    with pytest.raises(ExtractionProblem, match="不支持的文件类型 image/png"):
        text_of(b"\x89PNG\r\n\x1a\n" + bytes(64), "text/plain", "说明.txt")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (ENCRYPTED_PDF, "PDF 设有打开密码"),
        (OLE2 + bytes(600), "不支持的旧格式"),  # .doc / .xls / .wps
        (OLE2 + "EncryptedPackage".encode("utf-16-le"), "设有打开密码"),  # password-protected .docx
        (GOV_PDF[:3000], "PDF 文件已损坏"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF", "PDF 文件已损坏"),
        (application_form()[:2000], "文件已损坏"),
        ("说明文字".encode(), "不支持的文件类型 application/octet-stream"),  # text, but neither named nor typed so
        (b"%PDF-1.4\n" + bytes(100) + b"\ntrailer << /Root 1 0 R >>\n%%EOF", "PDF"),
        (b"", "文件为空"),
    ],
    ids=["encrypted-pdf", "doc", "encrypted-docx", "cut-pdf", "no-pages-pdf", "cut-docx", "bin", "no-root", "empty"],
)
def test_files_that_give_no_text_are_named_for_why(data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionProblem, match=reason):
        text_of(data, "application/octet-stream", "附件.bin")


def test_a_zip_that_would_unpack_too_large_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "MAX_UNZIPPED", 10_000)
    with pytest.raises(ExtractionProblem, match="解压后过大"):
        text_of(statistics_workbook(rows=2000), XLSX)


@pytest.mark.parametrize("sample", ["pdf", "docx", "xlsx"])
def test_damaged_files_give_text_or_a_problem_never_a_library_error(sample: str) -> None:
    original = {"pdf": GOV_PDF, "docx": application_form(), "xlsx": statistics_workbook()}[sample]
    rng = random.Random(sample)
    for _ in range(8):
        damaged = bytearray(original)
        for _ in range(20):
            damaged[rng.randrange(64, len(damaged))] = rng.randrange(256)
        with contextlib.suppress(ExtractionProblem):  # a reason is fine; any other exception fails the test
            assert isinstance(text_of(bytes(damaged), max_chars=5000), str)
