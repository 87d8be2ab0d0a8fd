"""The document form: what the editor posts, turned into the content API's body, and the API's refusals turned
back into messages beside the fields (what was typed is shown again: nothing is lost)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
TEXT_FIELDS = (
    "title",
    "subtitle",
    "summary",
    "author",
    "source",
    "document_number",
    "issuing_body",
    "topic_category",
    "body_html",
)
REQUIRED = ("title", "body_html", "channel_id")
DATES = ("written_on",)
TIMES = ("publish_at", "expires_at")  # datetime-local inputs, China time


def document_body(form: dict[str, str], *, for_update: bool) -> dict[str, Any]:
    """Empty optional fields are left out of a new document and cleared (null) on an existing one."""
    body: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, *DATES):
        value = form.get(name, "").strip()
        if value or name in REQUIRED:
            body[name] = value
        elif for_update:
            body[name] = None
    for name in TIMES:
        value = form.get(name, "").strip()
        if value:
            body[name] = _china_time(value)
        elif for_update:
            body[name] = None
    channel = form.get("channel_id", "").strip()
    body["channel_id"] = int(channel) if channel.isdigit() else channel
    if for_update:
        version = form.get("version", "")
        body["version"] = int(version) if version.isdigit() else version
    return body


def _china_time(value: str) -> str:
    """'2026-12-05T09:30' as typed in China → an aware ISO time; anything else is passed on for the API to refuse."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=CHINA).isoformat()
    except ValueError:
        return value


def form_of_document(doc: dict[str, Any]) -> dict[str, str]:
    """An existing document as the form's values."""
    values = {name: doc.get(name) or "" for name in (*TEXT_FIELDS, *DATES)}
    for name in TIMES:
        when = doc.get(name)
        values[name] = datetime.fromisoformat(when).astimezone(CHINA).strftime("%Y-%m-%dT%H:%M") if when else ""
    values["channel_id"] = str(doc["channel_id"])
    values["version"] = str(doc["version"])
    return values
