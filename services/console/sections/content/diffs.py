"""Revisions side by side for people: each changed field's words, removed struck through and added underlined,
compared character by character (Chinese has no spaces to split words at) on the text a reader sees."""

from __future__ import annotations

import html
import re
from difflib import SequenceMatcher
from typing import Any

from markupsafe import Markup

BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|tr|div)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")
FIELD_NAMES = {
    "title": "标题",
    "subtitle": "副标题",
    "body_html": "正文",
    "summary": "摘要",
    "author": "作者",
    "source": "来源",
    "document_number": "文号",
    "written_on": "成文日期",
    "issuing_body": "发布机构",
    "topic_category": "主题分类",
    "channel_id": "栏目",
    "keywords": "关键词",
    "subject_words": "主题词",
    "publish_at": "定时发布",
    "expires_at": "定时下线",
}


def readable(value: Any) -> str:
    """A field's value as text: HTML to its words with one line per block, lists joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(map(str, value))
    text = str(value)
    if "<" in text:
        text = html.unescape(TAG.sub("", BLOCK_END.sub("\n", text)))
    return text.strip()


def marked_changes(before: Any, after: Any) -> Markup:
    """<del> for what went, <ins> for what came, the rest as it was; newlines kept for the page to show."""
    old, new = readable(before), readable(after)
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(html.escape(old[i1:i2]))
            continue
        if i2 > i1:
            parts.append(f"<del>{html.escape(old[i1:i2])}</del>")
        if j2 > j1:
            parts.append(f"<ins>{html.escape(new[j1:j2])}</ins>")
    return Markup("".join(parts))


def field_name(field: str) -> str:
    return FIELD_NAMES.get(field, field)
