"""Legacy pages parsed into plain HtmlElements: lxml.html's own parser asks a Python lookup for the class of every
element the code touches (a form's, an input's, or the plain one), a third of the CPU of reading an article. A
legacy page is read, never filled in, so here every element is an HtmlElement, its class chosen in C."""

from __future__ import annotations

import threading

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, document_fromstring

_local = threading.local()  # lxml's parsers are not to be shared between threads: pages are read on the loop and off it


def parse_document(text: str) -> HtmlElement:
    """The page's <html> element (libxml2's HTML parser forgives what legacy templates get wrong)."""
    return document_fromstring(text, parser=_parser())


def _parser() -> etree.HTMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.HTMLParser()
        lookup = etree.ElementDefaultClassLookup(
            element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
        )
        parser.set_element_class_lookup(lookup)
    return parser
