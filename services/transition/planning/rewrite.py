"""A migrated body's links pointed at where things are now: a legacy page's link at the document it became, a
legacy file's at the copy in the blob store. A link to a legacy page that did not come along is left as it was and
reported (the dry run lists them, so the operator maps or accepts them); links to other sites are untouched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml.html import HtmlElement, fragment_fromstring, tostring

from services.transition.extract.links import absolute
from services.transition.planning.urlmap import legacy_key

NewAddress = Callable[[str, str], str | None]  # (legacy host, legacy key) → its address on the platform, if any


@dataclass
class Rewritten:
    html: str
    changed: int = 0
    missing: list[str] = field(default_factory=list)  # legacy URLs on the old site with nowhere to go


def rewrite_links(
    body_html: str, page_url: str, legacy_hosts: set[str], new_address: NewAddress, parsed: HtmlElement | None = None
) -> Rewritten:
    """Every href and src of the body resolved against the page and, if on one of the legacy sites (a county's
    consolidation brings several), mapped. `parsed`: the element the extraction wrote body_html from, changed in
    place (parsing the body again cost a crawled page ~40 µs)."""
    if not body_html.strip():
        return Rewritten(body_html)
    container = fragment_fromstring(body_html, create_parent="div") if parsed is None else parsed
    result = Rewritten("")
    for element in container.iter("a", "img"):
        attribute = "href" if element.tag == "a" else "src"
        url = absolute(element.get(attribute) or "", page_url)
        host = urlsplit(url).hostname if url else None
        if url is None or host not in legacy_hosts:
            continue
        target = new_address(host, legacy_key(url))
        if target is None:
            if url not in result.missing:
                result.missing.append(url)
            continue
        element.set(attribute, target)
        result.changed += 1
    result.html = (container.text or "") + "".join(tostring(child, encoding="unicode") for child in container)
    if parsed is not None:
        result.html = result.html.strip()  # as the extraction wrote body_html
    return result
