"""Rich text is sanitized on the way in: what is stored is what may be shown."""

from __future__ import annotations

import re
from html import unescape

import nh3

# Government articles need headings, lists, tables, images, links and a little inline style
# (text-align and indent are common in official documents); nothing that runs or embeds.
_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "col",
    "colgroup",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "p": {"align"},
    "div": {"align"},
    "*": {"style"},
}
_STYLES = {"text-align", "text-indent", "font-weight", "margin-left", "padding-left"}
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        filter_style_properties=_STYLES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def html_to_text(html: str) -> str:
    """Plain text of sanitized HTML, for checks, summaries and search."""
    return _SPACE_RE.sub(" ", unescape(_TAG_RE.sub(" ", html))).strip()


def excerpt(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
