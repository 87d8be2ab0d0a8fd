"""The 政府信息公开 metadata a disclosure page shows above its text — 索引号, 发布机构, 文号, 成文日期, 发布日期,
主题分类, 有效性, 主题词 — read into the content library's fields.

Every CMS lays it out its own way: a table of label and value cells (two or three pairs to a row), a <dl>, a list
of "label：value" spans, or plain lines. What they share is the labels, each ending in a colon (full-width or
not) with its value after it, so the page's text is read cell by cell and line by line for a known label followed
by its value. The labels vary (发文字号 for 文号, 生成日期 for 成文日期, 时效 for 有效性); all their spellings map
to one field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from services.transition.extract.meta import parse_moment

LABELS = {
    "索引号": "index_number",
    "索 引 号": "index_number",
    "信息索引号": "index_number",
    "发布机构": "issuing_body",
    "发文机关": "issuing_body",
    "发文单位": "issuing_body",
    "发布单位": "issuing_body",
    "文号": "document_number",
    "发文字号": "document_number",
    "文件编号": "document_number",
    "成文日期": "written_on",
    "生成日期": "written_on",
    "发布日期": "published",
    "公开日期": "published",
    "主题分类": "topic_category",
    "分类": "topic_category",
    "有效性": "validity",
    "时效": "validity",
    "时效性": "validity",
    "主题词": "subject_words",
    "关键词": "subject_words",
}
_LABEL = "|".join(sorted((re.escape(k) for k in LABELS), key=len, reverse=True))
# a label (maybe spaced out), a colon, then its value up to the next label or the end of the cell
_PAIR = re.compile(rf"(?P<label>{_LABEL})\s*[:：]\s*(?P<value>.*?)(?=\s*(?:{_LABEL})\s*[:：]|$)")
_CELL_LABEL = re.compile(rf"^\s*(?P<label>{_LABEL})\s*[:：]?\s*$")
# Any label at all in the page's text, its spaces taken out (索 引 号 too): most articles have none, and reading them
# element by element for one was a tenth of reading an article
_ANY_LABEL = re.compile("|".join(sorted({re.escape("".join(k.split())) for k in LABELS}, key=len, reverse=True)))
_SPACES = re.compile(r"\s+")
BLOCKS = ("td", "th", "dt", "dd", "li", "p", "span", "div")


@dataclass
class Disclosure:
    values: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values)

    def get(self, name: str) -> str | None:
        return self.values.get(name) or None

    @property
    def written_on(self):  # noqa: ANN201 - a date or None
        moment = parse_moment(self.values.get("written_on", ""))
        return moment.date() if moment else None

    @property
    def subject_words(self) -> list[str]:
        return [w for w in re.split(r"[\s,，;；、]+", self.values.get("subject_words", "")) if w]


def read_disclosure(root: HtmlElement) -> Disclosure:
    """Label/value cells first (a table's layout), then "label：value" in any element's own text."""
    found = Disclosure()
    if not _ANY_LABEL.search(_SPACES.sub("", root.text_content())):
        return found
    _from_cells(root, found)
    for element in root.iter(*BLOCKS):
        text = _own_text(element)
        if "：" in text or ":" in text:
            for match in _PAIR.finditer(text):
                _keep(found, match["label"], match["value"])
    return found


def _from_cells(root: HtmlElement, found: Disclosure) -> None:
    """<td>索引号：</td><td>000014349/2026-00012</td>, and the same with <th> or <dt>/<dd>."""
    for cell in root.iter("td", "th", "dt"):
        match = _CELL_LABEL.match(cell.text_content())
        if not match:
            continue
        value_cell = cell.getnext()
        if value_cell is not None and value_cell.tag in ("td", "th", "dd"):
            _keep(found, match["label"], value_cell.text_content())


def _keep(found: Disclosure, label: str, value: str) -> None:
    name = LABELS[label]
    value = " ".join(value.split()).strip("：: ")
    if value and name not in found.values and not _CELL_LABEL.match(value):
        found.values[name] = value[:200]


def _own_text(element: HtmlElement) -> str:
    """The element's text without its block children's (a table cell's, not the whole table's)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in BLOCKS:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())
