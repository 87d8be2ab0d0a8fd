"""The desk's forms as the search API's bodies: what a person types (words separated as Chinese writers do) becomes
the JSON the API takes; what the API would refuse in English words is said here first, in Chinese."""

from __future__ import annotations

import re
from typing import Any

from services.console.service.platform_api import ApiError

SEPARATORS = re.compile(r"[,，、;；\n]+")
MAX_WORDS, MAX_WORD = 10, 20  # the search API's limits on a synonym group
PATTERN_MISMATCH = "格式不正确"  # the API's words for a value its pattern refuses, followed by the pattern
PLAIN = {"url": "须以 https://、http:// 或 / 开头，且不能含空格"}
Checked = tuple[dict[str, Any], dict[str, str]]  # the API's body, or refusals by field


def synonym_words(text: str) -> list[str]:
    """'医保，基本医疗保险、医疗保险' → the words, each trimmed (spaces inside a word kept as one)."""
    return [" ".join(word.split()) for word in SEPARATORS.split(text) if word.strip()]


def synonym_body(form: dict[str, str]) -> Checked:
    words = list(dict.fromkeys(word.lower() for word in synonym_words(form.get("words", ""))))
    long = next((word for word in words if len(word) > MAX_WORD), None)
    if len(words) < 2:
        return {}, {"words": "请填写至少两个不同的词，用逗号或顿号分隔"}
    if len(words) > MAX_WORDS:
        return {}, {"words": f"一组最多 {MAX_WORDS} 个词"}
    if long is not None:
        return {}, {"words": f"“{long}”超过 {MAX_WORD} 个字"}
    return {"words": words}, {}


def best_bet_body(form: dict[str, str]) -> Checked:
    body: dict[str, Any] = {key: form.get(key, "").strip() for key in ("query", "title", "url")}
    position = form.get("position", "").strip() or "0"
    if not (position.isascii() and position.isdigit()):
        return {}, {"position": "请填写 0 到 100 之间的整数"}
    return body | {"position": int(position)}, {}


def qa_body(form: dict[str, str]) -> Checked:
    body = {key: form.get(key, "").strip() for key in ("question", "answer", "url")}
    return body | {"url": body["url"] or None}, {}


def refusals(exc: ApiError, list_field: str | None = None) -> dict[str, str]:
    """The API's 422 by form field — a list's item ('body.words.2') is its list's field — and an address that
    does not match the API's pattern said in words, not as the pattern."""
    named = {}
    for field, message in exc.beside_fields().items():
        field = list_field if list_field and field.isdigit() else field
        named[field] = PLAIN.get(field, message) if message.startswith(PATTERN_MISMATCH) else message
    return named
