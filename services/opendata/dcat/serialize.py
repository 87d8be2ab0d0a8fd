"""A graph as the bytes of /catalog.ttl, .jsonld and .rdf."""

from __future__ import annotations

from rdflib import Graph

from services.opendata.dcat.catalog import PREFIXES
from services.opendata.dcat.model import Format

# Prefixes only, no term aliases: every property keeps its DCAT name (dct:title), values keep their language
# and datatype in full, and the document needs no remote context to be read (harvesters may be offline).
CONTEXT: dict[str, str] = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def serialize(graph: Graph, fmt: Format) -> bytes:
    """The graph in one of the three formats, UTF-8 (Chinese as itself, not escaped)."""
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True, encoding="utf-8")
    if fmt == "xml":
        # flat RDF/XML: rdflib's pretty-xml nests more readably but warns on every rdf:List (the 数据项 columns)
        return graph.serialize(format="xml", encoding="utf-8")
    return graph.serialize(format="turtle", encoding="utf-8")
