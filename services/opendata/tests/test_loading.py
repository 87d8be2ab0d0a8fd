"""The loading layer: uploads as publishers send them (UTF-8, BOM, GBK exports, Excel, CKAN JSON) typed right,
and broken ones reported whole — every bad row, at the line the publisher sees — before anything is loaded."""

from __future__ import annotations

import json
import tracemalloc
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font

from services.opendata.loading import Column, LoadError, Problem, jsonstream, open_table

POPULATION = """地区,年份,常住人口（万人）,城镇化率（%）
瑶海区,2023,101.2,97.85
庐阳区,2023,74.9,98.10
蜀山区,2023,121.1,96.52
包河区,2023,126.4,95.27
长丰县,2023,80.6,50.13
巢湖市,2023,72.5,62.78
"""
POPULATION_COLUMNS = [
    Column("地区", "text"),
    Column("年份", "integer"),
    Column("常住人口（万人）", "numeric"),
    Column("城镇化率（%）", "numeric"),
]
BICYCLE_HEADER = "站点编号,站点名称,经度,纬度,桩位数,启用日期"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def refused(path: Path, **options: Any) -> LoadError:
    with pytest.raises(LoadError) as caught:
        open_table(path, filename=path.name, **options)
    return caught.value


def messages(error: LoadError) -> list[str]:
    return [problem.message for problem in error.problems]


# Encodings


def test_utf8_csv_is_typed(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "人口.csv", POPULATION), filename="人口.csv")
    assert (table.format, table.encoding, table.row_count) == ("csv", "utf-8", 6)
    assert table.columns == POPULATION_COLUMNS
    assert next(table.rows()) == ("瑶海区", 2023, Decimal("101.2"), Decimal("97.85"))


def test_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "人口.csv", POPULATION, "utf-8-sig"), filename="人口.csv")
    assert table.encoding == "utf-8-sig"
    assert table.columns == POPULATION_COLUMNS


def test_utf16_with_its_mark_is_read(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "人口.csv", POPULATION, "utf-16"), filename="人口.csv")
    assert table.encoding == "utf-16"
    assert list(table.rows())[-1] == ("巢湖市", 2023, Decimal("72.5"), Decimal("62.78"))


def test_gbk_export_is_decoded_exactly(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "人口.csv", POPULATION, "gbk"), filename="人口.csv")
    utf8 = open_table(write(tmp_path, "utf8.csv", POPULATION), filename="utf8.csv")
    assert table.encoding == "gb18030"
    assert table.columns == POPULATION_COLUMNS
    assert list(table.rows()) == list(utf8.rows())


def test_gbk_whose_chinese_comes_after_64_kb_of_ascii(tmp_path: Path) -> None:
    # 站点编号, 经度, 纬度, 桩位数, 备注: the remarks are empty for thousands of stations, then one was moved.
    lines = ["ZDBH,JD,WD,ZWS,BZ"] + [f"{n:04d},117.{n:04d},31.{n:04d},20," for n in range(1, 3001)]
    lines.append("3001,117.2306,31.8204,24,站点迁至长江西路与怀宁路交口（原址施工）")
    path = write(tmp_path, "zd.csv", "\n".join(lines) + "\n", "gbk")
    assert path.read_bytes()[: 64 * 1024].isascii()
    table = open_table(path, filename="zd.csv")
    assert table.encoding == "gb18030"
    assert list(table.rows())[-1][-1] == "站点迁至长江西路与怀宁路交口（原址施工）"


def test_big5_is_read_as_big5_not_as_gbk_mojibake(tmp_path: Path) -> None:
    # Big5 bytes decode as GB18030 without an error, into nonsense: the text must read as Chinese to be GB18030.
    text = "行政區,年度,戶數,人口數\n松山區,2023,80215,186503\n信義區,2023,85122,207187\n萬華區,2023,80456,177466\n"
    table = open_table(write(tmp_path, "臺北.csv", text, "big5"), filename="臺北.csv")
    assert table.encoding == "big5"
    assert [column.name for column in table.columns] == ["行政區", "年度", "戶數", "人口數"]
    assert next(table.rows()) == ("松山區", 2023, 80215, 186503)


def test_gbk_of_traditional_characters_is_still_gbk(tmp_path: Path) -> None:
    text = (
        "企業名稱,註冊地,成立日期\n"
        "香港廣發國際貿易有限公司,香港灣仔區軒尼詩道,2015年3月2日\n"
        "澳門實業發展有限公司,澳門氹仔,2001年9月9日\n"
        "臺灣聯華電子股份有限公司,新竹科學園區,1980年5月22日\n"
    )
    table = open_table(write(tmp_path, "港澳企业.csv", text, "gbk"), filename="港澳企业.csv")
    assert table.encoding == "gb18030"
    assert next(table.rows()) == ("香港廣發國際貿易有限公司", "香港灣仔區軒尼詩道", date(2015, 3, 2))


def test_bytes_no_encoding_decodes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "人口.csv"
    path.write_bytes("地区,年份\n瑶海区,2023\n".encode() + b"\xff\xfe\x80\x81\xfe\xff,2023\n")
    assert messages(refused(path)) == ["文件编码无法识别（请另存为 UTF-8 或 GBK 编码的 CSV）"]


def test_utf8_broken_at_its_end_is_not_read_as_gbk(tmp_path: Path) -> None:
    # Every line but the last is good UTF-8: no other encoding is guessed for the whole (it would be mojibake).
    path = tmp_path / "人口.csv"
    path.write_bytes(POPULATION.encode() + "合肥市,2023,985.3,".encode() + b"\xe4\xb8")
    assert messages(refused(path)) == ["文件编码无法识别（请另存为 UTF-8 或 GBK 编码的 CSV）"]


# CSV structure


def test_tab_delimited(tmp_path: Path) -> None:
    path = write(tmp_path, "人口.txt", POPULATION.replace(",", "\t"))
    table = open_table(path, filename="人口.txt")
    assert table.columns == POPULATION_COLUMNS
    assert table.row_count == 6


def test_quoted_commas_and_newlines_keep_line_numbers(tmp_path: Path) -> None:
    text = (
        f"{BICYCLE_HEADER}\n"
        '0012,"政务中心站（东门,\n近天鹅湖）",117.2306,31.8204,20,2026-01-05\n'  # lines 2–3
        "\n"  # line 4, skipped
        "0013,天鹅湖路站,117.2351,31.8156,满,2026-01-06\n"  # line 5
    )
    path = write(tmp_path, "站点.csv", text)
    error = refused(path, types={"桩位数": "integer"})
    assert error.problems == [Problem(5, "桩位数", "满", "「桩位数」应为整数，实际为「满」")]
    table = open_table(write(tmp_path, "好.csv", text.replace("满", "16")), filename="好.csv")
    assert next(table.rows())[1] == "政务中心站（东门,\n近天鹅湖）"


def test_ragged_rows_are_reported_with_their_lines_and_nothing_returned(tmp_path: Path) -> None:
    text = POPULATION.replace("庐阳区,2023,74.9,98.10", "庐阳区,2023,74.9").replace("长丰县,", "长丰县,长丰,")
    error = refused(write(tmp_path, "人口.csv", "\n" + text))  # a blank first line: the header is on line 2
    assert messages(error) == ["第 4 行有 3 列，表头有 4 列", "第 7 行有 5 列，表头有 4 列"]
    assert (error.problems[0].row, error.problems[0].value) == (4, "庐阳区,2023,74.9")


def test_an_unclosed_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    rows = "".join(f"{n:04d},天鹅湖路{n}号站,117.2306,31.8204,20,2026-01-05\n" for n in range(1, 3000))
    text = f'{BICYCLE_HEADER}\n{rows}3000,"政务中心站,117.2351,31.8156,16,2026-01-06\n{rows}'
    error = refused(write(tmp_path, "站点.csv", text))
    assert messages(error) == [
        "第 3001 行无法按 CSV 读取（单元格超过 131072 个字符，可能是引号没有闭合），之后的内容未检查"
    ]


def test_empty_cells_past_the_header_are_not_columns(tmp_path: Path) -> None:
    text = POPULATION.replace("\n", ",,\n")  # an Excel export with two formatted, empty columns
    table = open_table(write(tmp_path, "人口.csv", text), filename="人口.csv")
    assert table.columns == POPULATION_COLUMNS


def test_empty_and_duplicate_header_names(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "人口.csv", "地区,,年份,地区\n瑶海区,,2023,瑶海\n"))
    assert messages(error) == ["第 2 列表头为空", "表头「地区」重复"]
    assert error.problems[1].row is None and error.problems[1].column == "地区"


def test_a_file_without_a_header(tmp_path: Path) -> None:
    assert messages(refused(write(tmp_path, "空.csv", "\n  \n,,\n"))) == ["文件中没有表头（没有任何内容）"]


# Type inference


def test_codes_stay_text_and_amounts_are_numbers(tmp_path: Path) -> None:
    text = (
        "统一社会信用代码,企业名称,成立日期,注册资本（万元）,联系电话,站点编号\n"
        '91340100MA2RMLXP3C,合肥市庐阳区鑫源科技有限公司,2018年3月12日,"5,000",13905512345,0012\n'
        '913401007050123456,安徽省巢湖市龙泉建材有限公司,2009年11月2日,"12,800",05512345678,0103\n'
    )
    table = open_table(write(tmp_path, "企业.csv", text), filename="企业.csv")
    kinds = {column.name: column.type for column in table.columns}
    assert kinds == {
        "统一社会信用代码": "text",
        "企业名称": "text",
        "成立日期": "date",
        "注册资本（万元）": "integer",
        "联系电话": "text",
        "站点编号": "text",
    }
    assert next(table.rows())[2:] == (date(2018, 3, 12), 5000, "13905512345", "0012")


def test_dates_and_timestamps(tmp_path: Path) -> None:
    text = (
        "启用日期,统计日期,更新时间,巡检时间,编号\n"
        "20260105,2026/1/5,2026-01-05 08:30,2026-01-05,20260105\n"
        "20251231,2025.12.31,2026-01-05T08:30:15,2026-01-06 17:45:00,20261332\n"
    )
    table = open_table(write(tmp_path, "巡检.csv", text), filename="巡检.csv")
    assert [column.type for column in table.columns] == ["date", "date", "timestamp", "timestamp", "integer"]
    assert list(table.rows())[1] == (
        date(2025, 12, 31),
        date(2025, 12, 31),
        datetime(2026, 1, 5, 8, 30, 15),
        datetime(2026, 1, 6, 17, 45),
        20261332,  # not a date: the column is numbers
    )


def test_booleans_only_when_one_pair_is_used_whole(tmp_path: Path) -> None:
    text = "站点名称,是否24小时,是否收费,停车位\n天鹅湖站,是,是,Y\n政务中心站,否,是,否\n"
    table = open_table(write(tmp_path, "站点.csv", text), filename="站点.csv")
    assert [column.type for column in table.columns] == ["text", "boolean", "text", "text"]
    assert list(table.rows())[1] == ("政务中心站", False, "是", "否")


def test_empty_markers_and_a_column_with_no_values(tmp_path: Path) -> None:
    text = "地区,年份,常住人口（万人）,备注\n瑶海区,2023,-,\n庐阳区,2023,NULL,无\n蜀山区,—,121.1, N/A \n"
    table = open_table(write(tmp_path, "人口.csv", text), filename="人口.csv")
    assert [column.type for column in table.columns] == ["text", "integer", "numeric", "text"]
    assert list(table.rows()) == [
        ("瑶海区", 2023, None, None),
        ("庐阳区", 2023, None, None),
        ("蜀山区", None, Decimal("121.1"), None),
    ]


def test_huge_integers_are_numeric_and_percentages_are_text(tmp_path: Path) -> None:
    text = '科目,金额（元）,增长率\n一般公共预算收入,"98,765,432,109,876,543,210",12.5%\n税收收入,1,3.1%\n'
    table = open_table(write(tmp_path, "财政.csv", text), filename="财政.csv")
    assert [column.type for column in table.columns] == ["text", "numeric", "text"]
    assert next(table.rows())[1:] == (Decimal("98765432109876543210"), "12.5%")


# The publisher's types (data dictionary)


def test_given_types_convert_and_report_each_bad_value(tmp_path: Path) -> None:
    text = POPULATION.replace("74.9", "约75").replace("80.6", "80")
    error = refused(write(tmp_path, "人口.csv", text), types={"常住人口（万人）": "integer"})
    assert error.total == 5  # 101.2, 121.1, 126.4, 72.5 and 约75; 80 converts
    assert error.problems[1] == Problem(3, "常住人口（万人）", "约75", "「常住人口（万人）」应为整数，实际为「约75」")


def test_given_types_are_lenient_where_inference_is_strict(tmp_path: Path) -> None:
    text = f"{BICYCLE_HEADER}\n0012,天鹅湖站,117.2306,31.8204,20,20260105\n"
    table = open_table(write(tmp_path, "站点.csv", text), filename="站点.csv", types={"站点编号": "integer"})
    assert next(table.rows()) == (12, "天鹅湖站", Decimal("117.2306"), Decimal("31.8204"), 20, date(2026, 1, 5))


def test_unknown_column_in_types(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "人口.csv", POPULATION), types={"户籍人口（万人）": "numeric"})
    assert error.problems == [Problem(None, "户籍人口（万人）", None, "数据字典中的字段「户籍人口（万人）」不在表头中")]


# Limits


def test_a_file_over_the_limit_is_refused_at_once(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "人口.csv", POPULATION * 20), max_bytes=1024)
    assert len(error.problems) == 1
    assert error.problems[0].message.startswith("文件超过 1 KB")


def test_problems_are_bounded_and_all_counted(tmp_path: Path) -> None:
    rows = "".join(f"瑶海区,{year},约{year - 1500}\n" for year in range(1949, 2449))
    path = write(tmp_path, "人口.csv", f"地区,年份,常住人口（万人）\n{rows}")
    error = refused(path, types={"常住人口（万人）": "numeric"}, max_problems=10)
    assert (len(error.problems), error.total) == (10, 500)
    assert [problem.row for problem in error.problems] == list(range(2, 12))
    assert str(error).endswith("（共 500 个问题）")


def test_long_values_are_cut_in_the_report(tmp_path: Path) -> None:
    remark = "根据《合肥市公共自行车管理办法》" * 20
    error = refused(write(tmp_path, "站点.csv", f"站点名称,桩位数\n天鹅湖站,{remark}\n"), types={"桩位数": "integer"})
    assert error.problems[0].value == remark[:100]
    assert len(error.problems[0].message) < 80


@pytest.mark.slow
def test_200000_rows_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "站点.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write(BICYCLE_HEADER + "\n")
        for n in range(200_000):
            file.write(
                f"{n:06d},蜀山区长江西路{n}号站,117.{n % 9999:04d},31.{n % 7777:04d},{n % 40},2020-{n % 12 + 1}-28\n"
            )
    tracemalloc.start()
    try:
        table = open_table(path, filename="站点.csv")
        assert sum(1 for _ in table.rows()) == table.row_count == 200_000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * 2**20, f"peak {peak / 2**20:.1f} MB for a {path.stat().st_size / 2**20:.0f} MB file"


# XLSX


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    """A workbook whose first sheet is empty (the data is on the second), a blank styled column after the data."""
    book = openpyxl.Workbook()
    sheet = book.create_sheet("常住人口")
    for row in rows:
        sheet.append(row)
    sheet.cell(row=1, column=max(map(len, rows)) + 2).font = Font(bold=True)  # formatted, never filled
    book.save(path)
    return path


def test_xlsx_typed_cells(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "站点.xlsx",
        [
            ["站点编号", "站点名称", "经度", "桩位数", "启用日期", "更新时间"],
            ["0012", "天鹅湖站", 117.2306, 20, datetime(2026, 1, 5), datetime(2026, 1, 5, 8, 30)],
            [],
            ["0013", "政务中心站", 117.2351, 16, datetime(2026, 1, 6), None],
        ],
    )
    table = open_table(path, filename="站点.xlsx")
    assert (table.format, table.encoding, table.row_count) == ("xlsx", None, 2)
    assert [column.type for column in table.columns] == ["text", "text", "numeric", "integer", "date", "timestamp"]
    assert list(table.rows())[1] == ("0013", "政务中心站", Decimal("117.2351"), 16, date(2026, 1, 6), None)


def test_xlsx_problems_name_excel_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [],
        [],
        ["地区", "年份", "常住人口（万人）"],
        ["瑶海区", 2023, 101.2],
        ["庐阳区", 2023, "约75"],
    ]
    error = refused(_workbook(tmp_path / "人口.xlsx", rows), types={"常住人口（万人）": "numeric"})
    assert error.problems == [Problem(5, "常住人口（万人）", "约75", "「常住人口（万人）」应为数值，实际为「约75」")]


def test_old_xls_and_other_zips_are_refused(tmp_path: Path) -> None:
    xls = tmp_path / "人口.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "xls" in messages(refused(xls))[0]
    book = openpyxl.Workbook()
    book.save(tmp_path / "x.xlsx")
    docx = tmp_path / "说明.docx"
    docx.write_bytes((tmp_path / "x.xlsx").read_bytes().replace(b"xl/workbook.xml", b"xl/notebook.xml"))
    assert messages(refused(docx)) == ["不支持的文件格式（请上传 CSV、XLSX 或 JSON 文件）"]


# JSON


def test_json_array_of_objects(tmp_path: Path) -> None:
    records = [
        {"地区": "瑶海区", "年份": 2023, "常住人口（万人）": 101.2},
        {"地区": "庐阳区", "年份": 2023, "城镇化率（%）": 98.1, "街道": ["三孝口", "杏花村"]},
    ]
    path = write(tmp_path, "人口.json", json.dumps(records, ensure_ascii=False, indent=2))
    table = open_table(path, filename="人口.json")
    assert (table.format, table.encoding) == ("json", "utf-8")
    assert [(column.name, column.type) for column in table.columns] == [
        ("地区", "text"),
        ("年份", "integer"),
        ("常住人口（万人）", "numeric"),
        ("城镇化率（%）", "numeric"),
        ("街道", "text"),
    ]
    assert list(table.rows()) == [
        ("瑶海区", 2023, Decimal("101.2"), None, None),
        ("庐阳区", 2023, None, Decimal("98.1"), '["三孝口", "杏花村"]'),
    ]


def test_ckan_fields_and_records(tmp_path: Path) -> None:
    fields = [{"id": "_id", "type": "int"}, {"id": "地区", "type": "text"}, {"id": "年份", "type": "int"}]
    result = {"records": [[1, "瑶海区", 2023], [2, "庐阳区", 2023]], "fields": fields}  # fields last: order is free
    answer = {"help": "https://data.hefei.gov.cn/api/3/action/help_show", "success": True, "result": result}
    table = open_table(write(tmp_path, "a.json", json.dumps(answer, ensure_ascii=False)), filename="a.json")
    assert table.columns == [Column("地区", "text"), Column("年份", "integer")]
    assert list(table.rows()) == [("瑶海区", 2023), ("庐阳区", 2023)]
    objects = {"fields": fields, "records": [{"_id": 1, "地区": "瑶海区", "年份": 2023}, {"地区": "包河区"}]}
    table = open_table(write(tmp_path, "b.json", json.dumps(objects, ensure_ascii=False)), filename="b.json")
    assert list(table.rows()) == [("瑶海区", 2023), ("包河区", None)]


def test_json_records_that_do_not_fit(tmp_path: Path) -> None:
    document = {
        "fields": [{"id": "地区"}, {"id": "年份"}],
        "records": [["瑶海区", 2023], ["庐阳区"], {"地区": "蜀山区", "人口": 121.1}, "包河区"],
    }
    error = refused(write(tmp_path, "人口.json", json.dumps(document, ensure_ascii=False)))
    assert messages(error) == [
        "第 2 条记录有 1 个值，表头有 2 个",
        "第 3 条记录有字段「人口」，表头中没有",
        '第 4 条记录应为对象，实际为「"包河区"」',
    ]
    assert [problem.row for problem in error.problems] == [2, 3, 4]


def test_json_syntax_error_says_where(tmp_path: Path) -> None:
    path = write(tmp_path, "人口.json", '[\n  {"地区": "瑶海区", "年份": 2023},\n  {"地区": "庐阳区" "年份": 2023}\n]')
    assert messages(refused(path)) == ["JSON 格式有误：第 3 行第 16 列（缺少逗号）"]


def test_json_streams_across_chunks(tmp_path: Path) -> None:
    # 30,000 records of a GBK export, about 1.5 MB: records and numbers cut by the reader's chunks on the way.
    records = (f'{{"站点编号": "{n:05d}", "经度": 117.{n:05d}, "桩位数": {n % 40}}}' for n in range(30_000))
    path = write(tmp_path, "站点.json", "[" + ",\n".join(records) + "]", "gbk")
    table = open_table(path, filename="站点.json")
    assert table.encoding == "gb18030"
    assert [column.type for column in table.columns] == ["text", "numeric", "integer"]
    rows = list(table.rows())
    assert len(rows) == 30_000
    assert rows[12_345] == ("12345", Decimal("117.12345"), 12_345 % 40)


def test_json_values_cut_at_every_place_read_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = json.dumps(
        [
            {"站点编号": "0012", "经度": 117.2306, "桩位数": 20, "可借": True, "备注": None, "坐标": [117.2, 31.8]},
            {"站点编号": "0013", "经度": -1.5e-3, "桩位数": 123456789, "可借": False, "备注": '"东门"\n\u6574修'},
        ],
        ensure_ascii=False,
    )
    path = write(tmp_path, "站点.json", text)
    whole = list(open_table(path, filename="站点.json").rows())
    monkeypatch.setattr(jsonstream, "CHUNK", 1)  # every value is cut by the end of the buffer somewhere
    assert list(open_table(path, filename="站点.json").rows()) == whole
    assert whole[1][1:4] == (Decimal("-0.0015"), 123456789, False)


# Formats and re-reading


def test_format_is_told_by_content_not_the_name(tmp_path: Path) -> None:
    records = json.dumps([{"地区": "瑶海区", "年份": 2023}], ensure_ascii=False)
    assert open_table(write(tmp_path, "人口.csv", records), filename="人口.csv").format == "json"
    assert open_table(write(tmp_path, "人口.json", POPULATION), filename="人口.json").format == "csv"
    bracketed = "[地区],[年份]\n瑶海区,2023\n"
    table = open_table(write(tmp_path, "括号.csv", bracketed), filename="括号.csv")
    assert (table.format, table.columns[0].name) == ("csv", "[地区]")


def test_rows_can_be_read_twice(tmp_path: Path) -> None:
    table = open_table(write(tmp_path, "人口.csv", POPULATION, "gbk"), filename="人口.csv")
    first = list(table.rows())
    assert len(first) == table.row_count == 6
    assert list(table.rows()) == first
