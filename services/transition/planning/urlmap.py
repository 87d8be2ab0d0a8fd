"""The URL map: a decision for every legacy URL — 301 to the document it became, 301 to a page the operator chose,
or 410 Gone — kept as the renderer's redirect table once the legacy domain points at the platform, and edited in
bulk as CSV (旧地址, 处理, 新地址).

A legacy URL is keyed by its path and, when it has one, its query string with the parameters in a fixed order:
old CMSes address articles as `/content.jsp?id=123`, so the path alone would send every article to one place.
A directory's index is one page under three spellings (/tzgg/, /tzgg/index.html, /tzgg), all of them kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Literal

from shared.legacy_urls import hosted_key, legacy_key

__all__ = ["CSV_HEADER", "MapRow", "UrlMapError", "aliases", "legacy_key", "read_csv", "spellings", "write_csv"]

Action = Literal["301", "410"]
INDEX_NAMES = ("index.html", "index.htm", "index.shtml", "index.jsp", "default.htm", "default.aspx")
CSV_HEADER = ("旧地址", "处理", "新地址")


class UrlMapError(ValueError):
    """A row of a URL map that cannot be used: the message names its line and what is wrong."""


@dataclass(frozen=True, slots=True)
class MapRow:
    legacy: str  # the key: path[?query]
    action: Action
    target: str | None  # an absolute URL or a path on the new site; None for 410


def aliases(key: str) -> list[str]:
    """The spellings of one page: an index file, its directory with and without the slash."""
    if "?" in key:
        return [key]
    directory, _, name = key.rpartition("/")
    if name in INDEX_NAMES:
        return [key, f"{directory}/", directory] if directory else [key, "/"]
    if name == "" and directory:
        return [key, directory]
    return [key]


def spellings(hosted: str) -> list[str]:
    """aliases() of a hosted key: //host/tzgg/index.html is also //host/tzgg/ and //host/tzgg."""
    host, _, path = hosted.removeprefix("//").partition("/")
    return [f"//{host}{alias}" for alias in aliases("/" + path)]


def read_csv(text: str) -> list[MapRow]:
    """旧地址,处理,新地址 — 处理 is 301 or 410 (新地址 empty for 410), both empty for a URL left undecided; every
    bad line is reported at once. 旧地址 is a full URL, //host/path, or a bare path."""
    rows, problems = [], []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for line, cells in enumerate(reader, 1):
        if not cells or (line == 1 and tuple(c.strip() for c in cells[:3]) == CSV_HEADER):
            continue
        try:
            if (row := _row(cells)) is not None:
                rows.append(row)
        except UrlMapError as exc:
            problems.append(f"第 {line} 行：{exc}")
    if problems:
        raise UrlMapError("；".join(problems[:20]) + (f"；另有 {len(problems) - 20} 行" if len(problems) > 20 else ""))
    return rows


def write_csv(rows: list[MapRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows((row.legacy, row.action, row.target or "") for row in rows)
    return "\ufeff" + buffer.getvalue()  # Excel opens it as UTF-8 with the BOM


def _row(cells: list[str]) -> MapRow | None:
    legacy, action, target = ([c.strip() for c in cells] + ["", "", ""])[:3]
    if not legacy:
        raise UrlMapError("旧地址为空")
    if not action and not target:
        return None  # still undecided, as the map was exported: left as it is
    if action not in ("301", "410"):
        raise UrlMapError(f"处理应为 301 或 410，而不是“{action}”")
    if action == "301" and not (target.startswith("/") or target.startswith(("http://", "https://"))):
        raise UrlMapError("301 须有新地址（以 / 开头的路径或完整网址）")
    if action == "410" and target:
        raise UrlMapError("410 不应有新地址")
    key = hosted_key(f"http:{legacy}") if legacy.startswith("//") else legacy_key(legacy)
    if legacy.startswith(("http://", "https://")):
        key = hosted_key(legacy)
    return MapRow(key, action, target or None)  # type: ignore[arg-type]
