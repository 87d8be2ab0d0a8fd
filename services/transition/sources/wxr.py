"""WordPress's export (WXR: RSS 2.0 with wp:, content: and dc: elements), read item by item as it streams, so
an export of any size costs the memory of one post. Posts and pages become records; their categories are the
legacy columns, their tags keywords; drafts, private posts, trash, menus and the media library's own items
(their files are reached through the posts that link them) are left out and counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from lxml import etree

from services.transition.sources.base import Record

KEPT_TYPES = frozenset({"post", "page"})


class WxrError(ValueError):
    """A file that is not a WordPress export."""


def wxr_records(path: Path, skipped: Counter | None = None) -> Iterator[Record]:
    """The published posts and pages of an export; `skipped` counts the rest by type and status."""
    skipped = skipped if skipped is not None else Counter()
    try:
        for _, item in etree.iterparse(str(path), events=("end",), tag="item", huge_tree=True):
            record = _record(item, skipped)
            item.clear(keep_tail=False)
            if record is not None:
                yield record
    except etree.XMLSyntaxError as exc:
        raise WxrError(f"不是有效的 WordPress 导出文件（WXR）：{exc}") from exc


def _record(item: etree._Element, skipped: Counter) -> Record | None:
    fields = {_local(child.tag): child for child in item if isinstance(child.tag, str) and not _excerpt(child.tag)}
    kind, status = _text(fields.get("post_type")) or "post", _text(fields.get("status")) or "publish"
    if kind not in KEPT_TYPES or status != "publish":
        skipped[f"{kind}:{status}"] += 1
        return None
    categories = [c for c in item if _local(c.tag) == "category"]
    columns = [_text(c) for c in categories if c.get("domain") == "category"]
    return Record(
        url=_text(fields.get("link")),
        title=_text(fields.get("title")),
        body_html=_text(fields.get("encoded")),
        published_at=_moment(_text(fields.get("post_date")), _text(fields.get("pubDate"))),
        column=columns[0] if columns else None,
        author=_text(fields.get("creator")) or None,
        keywords=[_text(c) for c in categories if c.get("domain") == "post_tag"],
    )


def _excerpt(tag: str) -> bool:
    """excerpt:encoded shares its local name with content:encoded, the body."""
    return "/excerpt/" in (etree.QName(tag).namespace or "")


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(element: etree._Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _moment(local: str, rfc822: str) -> datetime | None:
    """wp:post_date is the site's local time (Beijing for these sites); pubDate is RFC 822 with its zone."""
    try:
        return datetime.fromisoformat(local) if local and not local.startswith("0000") else None
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(rfc822).replace(tzinfo=None) if rfc822 else None
    except (TypeError, ValueError):
        return None
