"""The desk's forms as the interaction API's bodies: a draft's articles, a survey's questions one per line."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8))
KINDS = {"单选": "single", "多选": "multiple", "文字": "text", "评分": "rating", "矩阵": "matrix"}
_SPLIT = re.compile(r"[／/、|]")
Checked = tuple[dict[str, Any], dict[str, str]]


def moment(text: str) -> str | None:
    """A date or date-and-time typed in Beijing time, as ISO 8601 with its offset."""
    text = text.strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=BEIJING).isoformat()
        except ValueError:
            continue
    return None


def sections(text: str) -> list[str]:
    """A draft pasted as text: one article per paragraph (blank lines or one per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def questions(text: str) -> tuple[list[dict[str, Any]], str | None]:
    """'单选：题目：选项一／选项二' one per line ('矩阵：题目：行一／行二：选项一／选项二'; a trailing '（选答）')."""
    found = []
    for n, line in enumerate((x.strip() for x in text.splitlines() if x.strip()), 1):
        parts = [p.strip() for p in re.split(r"[：:]", line)]
        kind = KINDS.get(parts[0])
        if kind is None or len(parts) < 2:
            return [], f"第 {n} 行：请以 单选、多选、文字、评分 或 矩阵 开头，用冒号分隔"
        title = parts[1].removesuffix("（选答）")
        question: dict[str, Any] = {"id": f"q{n}", "kind": kind, "text": title, "required": title == parts[1]}
        if kind == "matrix":
            question |= {"rows": _items(parts, 2), "options": _items(parts, 3)}
        elif kind in ("single", "multiple"):
            question["options"] = _items(parts, 2)
        found.append(question)
    return found, None


def _items(parts: list[str], index: int) -> list[str]:
    return [item.strip() for item in _SPLIT.split(parts[index])] if len(parts) > index else []


def period(form: dict[str, str]) -> Checked:
    opens, closes = moment(form.get("opens_at", "")), moment(form.get("closes_at", ""))
    errors = {}
    if opens is None:
        errors["opens_at"] = "请按 2026-12-01 或 2026-12-01 09:00 填写"
    if closes is None:
        errors["closes_at"] = "请按 2026-12-31 或 2026-12-31 18:00 填写"
    return {"opens_at": opens, "closes_at": closes}, errors
