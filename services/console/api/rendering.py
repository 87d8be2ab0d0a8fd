"""Pages of the console: Jinja2 templates of the core and of every section, one frame (menu by role), and the
headers of a strict page (only the console's own scripts and styles, no framing)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from services.console.registry import Section
from services.console.service.sessions import Staff
from shared.page_headers import page_headers

TEMPLATES = Path(__file__).parent.parent / "templates"
HEADERS = [(k.decode(), v.decode()) for k, v in page_headers(frame_ancestors="'none'")]
CHINA = ZoneInfo("Asia/Shanghai")
NO_STORE = ("cache-control", "no-store")  # staff pages hold drafts and personal data: never cached


class ConsolePages:
    def __init__(self, sections: list[Section], *, auto_reload: bool = False) -> None:
        self.sections = sections
        folders = [TEMPLATES, *(s.templates for s in sections if s.templates is not None)]
        self.env = Environment(
            loader=FileSystemLoader(folders),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            auto_reload=auto_reload,
        )
        self.env.filters["china"] = china_time

    def menu(self, staff: Staff | None) -> list[dict[str, Any]]:
        if staff is None:
            return []
        groups = []
        for section in self.sections:
            items = [item for item in section.menu if item.shown_to(staff.principal)]
            if items:
                groups.append({"key": section.key, "title": section.title, "items": items})
        return groups

    def render(
        self, request: Request, template: str, staff: Staff | None, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        html = self.env.get_template(template).render(
            request=request,
            staff=staff,
            menu=self.menu(staff),
            path=request.url.path,
            flash=request.query_params.get("done", "")[:40],
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        for name, value in (*HEADERS, NO_STORE):
            response.headers[name] = value
        return response


def china_time(value: str | None) -> str:
    """An API's ISO time as staff read it: Beijing time, to the minute."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def pages_of(request: Request) -> ConsolePages:
    return request.app.state.pages
