"""Check findings in place: each term found in the body marked where it stands, so the reviewer sees it in the
text, not only in a list. The body is the content library's sanitized HTML; only text between tags is touched."""

from __future__ import annotations

import html
import re
from typing import Any

from markupsafe import Markup

TAG = re.compile(r"(<[^>]*>)")
KIND = {"sensitive": "敏感词", "wording": "表述错误", "broken_link": "失效链接"}


def marked_body(body_html: str, findings: list[dict[str, Any]]) -> Markup:
    terms = {f["term"]: f for f in findings if f["field"] == "body_html" and f["kind"] != "broken_link" and f["term"]}
    if not terms:
        return Markup(body_html)
    pattern = re.compile("|".join(re.escape(html.escape(term, quote=False)) for term in sorted(terms, key=len)[::-1]))
    parts = TAG.split(body_html)
    for i in range(0, len(parts), 2):  # the even parts are text between tags
        parts[i] = pattern.sub(lambda m: _mark(m.group(0), terms[html.unescape(m.group(0))]), parts[i])
    return Markup("".join(parts))


def _mark(text: str, finding: dict[str, Any]) -> str:
    hint = KIND.get(finding["kind"], finding["kind"])
    if finding.get("suggestion"):
        hint += f"，建议改为“{finding['suggestion']}”"
    return f'<mark class="finding {finding["kind"]}" title="{html.escape(hint)}">{text}</mark>'
