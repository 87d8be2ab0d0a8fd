"""Which encoding a text upload is in, decided on the WHOLE file (a GBK export may be ASCII for its first
megabytes), and never by a guess that would show the publisher's data as mojibake.

Order: a byte-order mark (UTF-8, UTF-16, UTF-32); else UTF-8 if every byte decodes; else GB18030 (a superset of
GBK and GB2312: legacy Chinese Excel exports) if every byte decodes AND the text reads as Chinese; else
charset_normalizer's guess on a sample, if it is an encoding a Chinese publisher plausibly has (FALLBACKS) and
every byte decodes in it; else the file is refused. Each check streams the bytes through an incremental decoder.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import charset_normalizer

from services.opendata.loading.problems import LoadError, file_problem

CHUNK = 2**20
SAMPLE = 2**20  # what charset_normalizer looks at: it reads its input whole, the file may be 200 MB
UNREADABLE = "文件编码无法识别（请另存为 UTF-8 或 GBK 编码的 CSV）"
_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A single-byte guess (cp1252, cp1250, …) of a file that is neither UTF-8 nor GB18030 would be mojibake of
# Chinese text far more often than a real Western file: only UTF-16/32 without a mark and the Chinese encodings
# (not Japanese ones either: charset_normalizer reads a short Big5 file as Shift JIS).
# GB18030 is among them: a GBK file of traditional characters (港澳 names) is not "mostly GB2312", yet the guesser
# recognises it; GBK and GB2312 guesses are read as GB18030, their superset.
FALLBACKS = frozenset(
    codecs.lookup(name).name
    for name in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "big5", "big5hkscs", "cp950")
) | {"gb18030"}
_SUBSETS = {codecs.lookup(name).name: "gb18030" for name in ("gbk", "gb2312")}
_WIDE = ("utf-16", "utf-32")  # NUL bytes belong to these; in any other encoding they mean a binary file
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
CHINESE_SAMPLE = 10_000  # non-ASCII characters looked at to tell Chinese from another encoding read as GB18030
ODD_SHARE = 0.2  # GBK text is almost all GB2312 characters; Big5 or Latin-1 read as GB18030 is largely not


def detect_encoding(path: Path) -> str:
    """The encoding the whole of `path` decodes in (a Python codec name); LoadError if there is none."""
    with path.open("rb") as file:
        head = file.read(4)
    for mark, name in _BOMS:
        if head.startswith(mark):
            if decodes(path, name):
                return name
            raise LoadError([file_problem(UNREADABLE)])  # a mark and then other bytes: not a guess to make
    if decodes(path, "utf-8"):
        return "utf-8"
    if decodes(path, "gb18030") and _reads_as_chinese(path):
        return "gb18030"
    for guess in _guesses(path):  # on a short file, a Japanese reading of Big5 may rank first: skipped
        if decodes(path, guess):
            return guess
    raise LoadError([file_problem(UNREADABLE)])


def open_text(path: Path, encoding: str) -> TextIO:
    """The file as text; newline="" leaves line ends to the csv module (quoted newlines, \\r\\n)."""
    return path.open(encoding=encoding, errors="strict", newline="")


def decodes(path: Path, encoding: str) -> bool:
    """Whether every byte of the file decodes in `encoding`, streamed (an error in the last byte counts too)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    binary_nul = not encoding.startswith(_WIDE)
    try:
        with path.open("rb") as file:
            while chunk := file.read(CHUNK):
                if binary_nul and b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
        decoder.decode(b"", final=True)  # a multi-byte character cut off at the end
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_chinese(path: Path) -> bool:
    """Whether the first non-ASCII characters read as GB18030 are mostly GB2312's (ordinary Chinese text)."""
    seen = odd = 0
    with open_text(path, "gb18030") as text:
        while seen < CHINESE_SAMPLE and (chunk := text.read(CHUNK)):
            for run in _NON_ASCII.findall(chunk):
                seen += len(run)
                odd += len(run) - len(run.encode("gb2312", errors="ignore")) // 2
    return odd <= 2 or odd <= ODD_SHARE * seen  # a few rare characters (names: 堃, 喆) are ordinary too


def _guesses(path: Path) -> Iterator[str]:
    """charset_normalizer's encodings for the start of the file, likeliest first, those of FALLBACKS only."""
    with path.open("rb") as file:
        sample = file.read(SAMPLE)
    for match in charset_normalizer.from_bytes(sample):
        name = codecs.lookup(match.encoding).name
        name = _SUBSETS.get(name, name)
        if name in FALLBACKS:
            yield name
