"""The main text of a legacy article page: the operator's rules for the site if it has some, else the container
the site's CMS puts articles in, else trafilatura.

Government sites run on a handful of CMSes (TRS WCM, 大汉 Hanweb, 开普云 UCAP, 拓尔思, 易点) and each puts the
article in the same container on every site it runs: `.TRS_Editor`, `#UCAP-CONTENT`, `#zoom`… Those are tried
in order before anything else, because they are exact where a general extractor guesses (and 20–100 times
faster: parsing and one lookup, where trafilatura scores the whole page). trafilatura is the last resort, for a
site with neither rules nor a known CMS.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache

import trafilatura
from lxml import etree
from lxml.cssselect import CSSSelector, SelectorError
from lxml.html import HtmlElement, fragment_fromstring, tostring

CMS_CONTAINERS = (
    ".TRS_Editor",  # TRS WCM (拓尔思): most ministries' and provinces' sites
    "#UCAP-CONTENT",  # 开普云 UCAP: www.gov.cn and many others
    "#zoom",  # 大汉 Hanweb (JCMS), with #Zoom below
    "#Zoom",
    ".article-content",
    ".pages_content",
    "#js_content",
    ".view.TRS_UEDITOR",
    ".bt_content",
    "#fontzoom",
    ".zw",
    "#zw",
    ".content_text",
)
DROPPED = ("script", "style", "noscript", "iframe", "form", "button", "input", "select", "textarea", "object")
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)


@dataclass
class SiteRules:
    """CSS selectors an operator sets for one legacy site (each optional), tried before anything else."""

    title: str | None = None
    body: str | None = None
    date: str | None = None
    source: str | None = None
    remove: list[str] = field(default_factory=list)  # inside the body: share buttons, "打印本页", QR codes


class TextToGuess(Exception):  # noqa: N818 - a state, not an error: the caller asks again, letting it guess
    """Neither rules nor a CMS container found the text, and guessing was not allowed: trafilatura takes tens of
    milliseconds a page, which a caller on the event loop asks for in a thread."""


@dataclass(frozen=True, slots=True)
class MainText:
    html: str
    found_by: str  # "rules", the CMS container's selector, or "trafilatura"
    element: HtmlElement | None = field(default=None, compare=False, repr=False)  # html's parent, its links read there


def main_text(root: HtmlElement, rules: SiteRules | None, source_html: str, guess: bool = True) -> MainText | None:
    if rules and rules.body and (found := _first(root, rules.body)) is not None:
        return _main(_cleaned(found, rules.remove), "rules")
    for selector in CMS_CONTAINERS:
        found = _first(root, selector)
        if found is not None and len(found.text_content().strip()) >= 10:
            return _main(_cleaned(found, rules.remove if rules else []), selector)
    if not guess:
        raise TextToGuess
    extracted = trafilatura.extract(
        source_html, output_format="html", include_images=True, include_tables=True, include_links=True,
        favor_precision=True, with_metadata=False,
    )  # fmt: skip
    if not extracted:
        return None
    body = fragment_fromstring(extracted, create_parent="div")
    inner = body.find(".//body")
    return _main(_cleaned(inner if inner is not None else body, []), "trafilatura")


def _main(cleaned: tuple[str, HtmlElement], found_by: str) -> MainText:
    return MainText(cleaned[0], found_by, cleaned[1])


def select_text(root: HtmlElement, selector: str | None) -> str | None:
    if not selector:
        return None
    found = _first(root, selector)
    return " ".join(found.text_content().split()) if found is not None else None


def _first(root: HtmlElement, selector: str) -> HtmlElement | None:
    compiled = _compiled(selector)
    found = compiled(root) if compiled is not None else None
    return found[0] if found else None


@lru_cache(maxsize=512)
def _compiled(selector: str) -> CSSSelector | None:
    """A selector made XPath once, not once a page (that took as long as the rest of reading an article)."""
    try:
        return CSSSelector(selector, translator="html")
    except (etree.XPathError, ValueError, SyntaxError, SelectorError):  # an operator's rule that is no selector
        return None


def _cleaned(container: HtmlElement, remove: list[str]) -> tuple[str, HtmlElement]:
    """The container's children as HTML, without scripts, forms, hidden blocks and what the rules remove (and
    the cleaned copy they were written from)."""
    container = copy.deepcopy(container)  # the page stays whole (libxml2 copies: no writing out and parsing back)
    container.tail = None
    doomed = [e for e in container.iter(*DROPPED)]
    doomed += [e for e in container.iter() if isinstance(e.tag, str) and _HIDDEN.search(e.get("style") or "")]
    for selector in remove:
        try:
            doomed += container.cssselect(selector)
        except (etree.XPathError, ValueError, SyntaxError):
            continue
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    etree.strip_elements(container, etree.Comment, with_tail=False)
    inner = (container.text or "") + "".join(tostring(child, encoding="unicode") for child in container)
    return inner.strip(), container
