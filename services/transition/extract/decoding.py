"""A legacy page's bytes to text, without mojibake: what the page says it is counts less than what its bytes are.

Chinese government sites of the 2000s and 2010s are GB2312/GBK, newer ones UTF-8, and many say the wrong one: a
template copied from an old site keeps `charset=gb2312` while the CMS now writes UTF-8, or the server's header
says UTF-8 for files saved in GBK. Two facts decide instead of the labels:
- Text in GBK is, beyond a few characters, never valid UTF-8 (its two-byte pairs do not follow UTF-8's lead and
  continuation pattern), so bytes that decode as UTF-8 strictly are UTF-8, whatever the page declares.
- Bytes that are not UTF-8 but decode strictly as GB18030 (the superset of GB2312 and GBK, so a "gb2312" page
  with a GBK-only character such as 镕 or 喆 still reads) are GB18030 when the page or the server said any GB
  label, or when no label was given and they read as Chinese.
Anything else is left to charset-normalizer, and refused if even that finds nothing: a page that cannot be read is
reported, never stored as mojibake.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

SNIFF_BYTES = 4096
GB_LABELS = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "csgb2312"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_HAN = re.compile(r"[\u4e00-\u9fff]")


class UndecodablePage(ValueError):
    """Bytes that are no text this module can read: reported with the page, never stored."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # what the bytes are: utf-8, gb18030, or charset-normalizer's name
    declared: str | None  # what the server or the page said, if anything
    trusted_label: bool  # whether the bytes are what was declared (False: the page lies about itself)


def declared_charset(body: bytes, content_type: str | None = None) -> str | None:
    """The server's charset if it gave one, else the page's own <meta charset> (or http-equiv)."""
    if content_type and (found := _HEADER_CHARSET.search(content_type)):
        return _normal(found[1])
    if found := _META_CHARSET.search(body[:SNIFF_BYTES]):
        return _normal(found[1].decode("ascii", "replace"))
    return None


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    declared = declared_charset(body, content_type)
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return Decoded(body.decode(encoding), "utf-8" if encoding == "utf-8" else encoding, declared, True)
    try:
        return Decoded(body.decode("utf-8"), "utf-8", declared, declared in (None, "utf-8", "us-ascii"))
    except UnicodeDecodeError:
        pass
    gb_said = declared in GB_LABELS
    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and (gb_said or (declared is None and _HAN.search(text))):
        return Decoded(text, "gb18030", declared, gb_said)
    return _guessed(body, declared)


def _guessed(body: bytes, declared: str | None) -> Decoded:
    """Neither UTF-8 nor GB18030 as labelled: the declared codec if it reads strictly, else a detector's best."""
    if declared and declared not in GB_LABELS:
        try:
            return Decoded(body.decode(declared), declared, declared, True)
        except (UnicodeDecodeError, LookupError):
            pass
    best = from_bytes(body).best()
    if best is None or best.encoding is None:
        raise UndecodablePage(f"无法识别页面的字符编码（声明为 {declared or '无'}）")
    return Decoded(str(best), _normal(best.encoding), declared, _normal(best.encoding) == declared)


def _normal(label: str) -> str:
    """A codec's canonical name (GB2312 → gb2312, UTF8 → utf-8), or the label lower-cased if Python lacks it."""
    label = label.strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return label
    return {"gbk": "gbk", "gb2312": "gb2312", "gb18030": "gb18030", "utf-8": "utf-8", "ascii": "us-ascii"}.get(
        name, name
    )
