"""What lists show of their entries, and how they page."""

from __future__ import annotations

from typing import Any

from services.render.list_queries import Entry

_CATALOGUE_FIELDS = ("index_number", "document_number", "issuing_body", "written_on")


def entry_item(entry: Entry) -> dict[str, Any]:
    """An entry as a list, the catalogue or a 图片新闻 block shows it."""
    item = {
        "title": entry.title,
        "url": entry.url_path,
        "published_at": entry.published_at,
        "validity": entry.validity,
        "topic": entry.topic_category,
        "kind": entry.kind,
        "cover": entry.cover_path,
    }
    fields = entry._fields
    return item | {name: getattr(entry, name) for name in _CATALOGUE_FIELDS if name in fields}


def pager(base: str, number: int, pages: int, total: int, *, query: bool = False) -> dict[str, Any]:
    def href(n: int) -> str:
        if query:
            return f"{base}{n}"
        return base if n == 1 else f"{base}index_{n}.html"

    window = range(max(1, number - 3), min(pages, number + 3) + 1)
    return {
        "number": number,
        "pages": pages,
        "total": total,
        "links": [{"n": n, "href": href(n), "current": n == number} for n in window],
        "prev": href(number - 1) if number > 1 else None,
        "next": href(number + 1) if number < pages else None,
        "first": href(1),
        "last": href(pages),
    }
