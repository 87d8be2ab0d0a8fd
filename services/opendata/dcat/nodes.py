"""The IRIs minted under the catalogue's home and the small nodes every description shares (agents, concepts,
dates, formats).

Minted IRIs follow ckanext-dcat's layout (the catalogue is its home, datasets are {home}dataset/{name}, their
distributions …/resource/{id}) so that a CKAN harvester's links and ours agree. Publishers and 主题分类 get IRIs
too, not blank nodes: the same 合肥市统计局 across a page's twenty datasets is one agent, not twenty."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from services.opendata.dcat.model import CatalogInfo
from services.opendata.dcat.vocab import (
    DATA_THEME_SCHEME,
    DATA_THEMES,
    FILE_TYPES,
    IANA,
    data_themes,
    eu,
    language_code,
)


def base(info: CatalogInfo) -> str:
    """The catalogue's home with one trailing slash, so that every minted IRI has the same form."""
    return info.url.rstrip("/") + "/"


def dataset_iri(info: CatalogInfo, name: str) -> URIRef:
    """The dataset's IRI: {url}dataset/{name}, the address of its page as in CKAN."""
    return URIRef(f"{base(info)}dataset/{quote(name, safe='')}")


def theme_scheme(info: CatalogInfo) -> URIRef:
    """The portal's own 主题分类 as a skos:ConceptScheme (the catalogue's dcat:themeTaxonomy)."""
    return URIRef(f"{base(info)}theme")


def text(value: str, info: CatalogInfo) -> Literal:
    """Human-readable text in the catalogue's language (@zh): DCAT-AP asks for language-tagged titles."""
    return Literal(value, lang=info.language)


def when(value: date) -> Literal:
    """A date as xsd:date and a datetime as xsd:dateTime (DCAT-AP's temporal literals), never a plain string."""
    if isinstance(value, datetime):  # checked first: a datetime is also a date
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    return Literal(value.isoformat(), datatype=XSD.date)


def agent(g: Graph, info: CatalogInfo, name: str, url: str | None) -> URIRef:
    """A publisher as foaf:Organization named foaf:name, its website as foaf:homepage."""
    node = URIRef(f"{base(info)}organization/{quote(name, safe='')}")
    # foaf:Agent as well: DCAT-AP's shapes check the class named in the range, and validators do no RDFS inference
    g.add((node, RDF.type, FOAF.Organization))
    g.add((node, RDF.type, FOAF.Agent))
    g.add((node, FOAF.name, text(name, info)))
    if url:
        g.add((node, FOAF.homepage, document(g, url)))
    return node


def document(g: Graph, url: str) -> URIRef:
    """A web page (landing page, homepage) as the foaf:Document DCAT-AP expects."""
    node = URIRef(url)
    g.add((node, RDF.type, FOAF.Document))
    return node


def typed(g: Graph, node: URIRef, cls: URIRef) -> URIRef:
    """An authority-table entry, typed with the class DCAT-AP names for the property pointing at it."""
    g.add((node, RDF.type, cls))
    return node


def language(g: Graph, info: CatalogInfo) -> URIRef | None:
    """The catalogue's language as an entry of the EU language table, None when the table lacks it."""
    code = language_code(info.language)
    return typed(g, eu("language", code), DCTERMS.LinguisticSystem) if code else None


def themes(g: Graph, info: CatalogInfo, label: str) -> list[URIRef]:
    """A 主题分类 as the portal's own concept and, where one clearly fits, the EU data theme it is close to."""
    local = URIRef(f"{theme_scheme(info)}/{quote(label, safe='')}")
    g.add((local, RDF.type, SKOS.Concept))
    g.add((local, SKOS.prefLabel, text(label, info)))
    g.add((local, SKOS.inScheme, theme_scheme(info)))
    found = [local]
    for code in data_themes(label):
        theme = eu("data-theme", code)
        g.add((theme, RDF.type, SKOS.Concept))
        g.add((theme, SKOS.prefLabel, Literal(DATA_THEMES[code], lang="en")))
        g.add((theme, SKOS.inScheme, DATA_THEME_SCHEME))
        # close, not exact: the EU's themes are broader than most 主题分类 (人口 within Population and society)
        g.add((local, SKOS.closeMatch, theme))
        found.append(theme)
    return found


def file_format(g: Graph, label: str) -> tuple[URIRef | BNode | None, str | None]:
    """A distribution's dct:format (a resource, once, as DCAT-AP wants) and the media type it implies."""
    # A format the file-type table knows is its IRI. Any other (API, a custom one) keeps its name as the label
    # of a dct:IMT node rather than a literal: ckanext-dcat reads a dct:IMT's rdfs:label back as the format.
    key = label.strip().lstrip(".").upper().replace("-", "").replace("_", "")
    if not key:
        return None, None
    if key in FILE_TYPES:
        code, media = FILE_TYPES[key]
        return typed(g, eu("file-type", code), DCTERMS.MediaTypeOrExtent), media
    node = BNode()
    g.add((node, RDF.type, DCTERMS.IMT))
    g.add((node, RDF.type, DCTERMS.MediaTypeOrExtent))
    g.add((node, RDFS.label, Literal(label.strip())))
    return node, None


def media_type(g: Graph, value: str | None) -> URIRef | None:
    """A media type as its IANA IRI (text/csv; charset=utf-8 → …/media-types/text/csv), None if not one."""
    essence = (value or "").split(";")[0].strip().lower()
    kind, _, subtype = essence.partition("/")
    if not kind or not subtype or " " in essence:
        return None
    return typed(g, URIRef(IANA + essence), DCTERMS.MediaType)
