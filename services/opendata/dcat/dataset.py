"""A dataset, its distributions and its 数据项 as DCAT-AP triples.

Dataset: dct:title, dct:description (mandatory); dcat:contactPoint, dcat:distribution, dcat:keyword,
dct:publisher, dcat:theme (recommended); dct:accessRights, dct:accrualPeriodicity, dct:identifier, dct:issued,
dct:modified, dct:language, dcat:landingPage (optional). Distribution: dcat:accessURL (mandatory);
dct:description, dct:format, dct:license (recommended); dcat:downloadURL, dcat:mediaType, dcat:byteSize,
dct:title, dct:issued, dct:modified, dcat:accessService (optional). dct:spatial and dct:temporal are left out:
the portal records neither, and a guessed 安徽省 would be wrong for a city's data. dcatap:availability likewise."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import CSVW, DCAT, DCTERMS, RDF, RDFS, XSD

from services.opendata.dcat.model import CatalogInfo, DatasetInfo, DistributionInfo
from services.opendata.dcat.nodes import (
    agent,
    dataset_iri,
    document,
    file_format,
    language,
    media_type,
    text,
    themes,
    typed,
    when,
)
from services.opendata.dcat.vocab import ACCESS_RIGHTS, COLUMN_TYPES, FREQUENCIES, VCARD, eu


def add_dataset(g: Graph, info: CatalogInfo, dataset: DatasetInfo) -> URIRef:
    """Add one dataset with everything it points at, so each document stands alone; returns its IRI."""
    node = dataset_iri(info, dataset.name)
    g.add((node, RDF.type, DCAT.Dataset))
    g.add((node, DCTERMS.identifier, Literal(dataset.name)))
    g.add((node, DCTERMS.title, text(dataset.title, info)))
    # 摘要 is mandatory in DCAT-AP; an entry saved without one repeats its title rather than break validation
    g.add((node, DCTERMS.description, text(dataset.description or dataset.title, info)))
    g.add((node, DCAT.landingPage, document(g, dataset.landing_page)))
    g.add((node, DCTERMS.publisher, agent(g, info, dataset.publisher_name, dataset.publisher_url)))
    for keyword in dataset.keywords:
        g.add((node, DCAT.keyword, text(keyword, info)))
    for label in dataset.themes:
        for theme in themes(g, info, label):
            g.add((node, DCAT.theme, theme))
    access = eu("access-right", ACCESS_RIGHTS[dataset.access])
    g.add((node, DCTERMS.accessRights, typed(g, access, DCTERMS.RightsStatement)))
    # an 更新周期 the frequency table has no entry for is left out: a resource is required, not the portal's words
    if dataset.frequency and dataset.frequency.strip() in FREQUENCIES:
        frequency = eu("frequency", FREQUENCIES[dataset.frequency.strip()])
        g.add((node, DCTERMS.accrualPeriodicity, typed(g, frequency, DCTERMS.Frequency)))
    _dates(g, node, dataset.issued, dataset.modified)
    # the portal publishes in one language: its datasets' titles, 摘要 and 数据项 are in it
    if (lang := language(g, info)) is not None:
        g.add((node, DCTERMS.language, lang))
    if (contact := _contact(g, info, dataset)) is not None:
        g.add((node, DCAT.contactPoint, contact))
    schema = _schema(g, info, node, dataset.columns)
    for distribution in dataset.distributions:
        g.add((node, DCAT.distribution, _distribution(g, info, node, dataset, distribution, schema)))
    return node


def _dates(g: Graph, node: URIRef, issued: date | None, modified: date | None) -> None:
    """dct:issued and dct:modified when known, once each (DCAT-AP allows no more)."""
    for predicate, value in ((DCTERMS.issued, issued), (DCTERMS.modified, modified)):
        if value is not None:
            g.add((node, predicate, when(value)))


def _contact(g: Graph, info: CatalogInfo, dataset: DatasetInfo) -> BNode | None:
    """The dataset's contact point as a vcard:Kind (DCAT-AP's class), e-mail as a mailto: IRI."""
    if not dataset.contact_name and not dataset.contact_email:
        return None
    node = BNode()
    g.add((node, RDF.type, VCARD.Kind))
    if dataset.contact_name:
        g.add((node, VCARD.fn, text(dataset.contact_name, info)))
    if dataset.contact_email:
        g.add((node, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email.strip()}")))
    return node


def _distribution(
    g: Graph, info: CatalogInfo, parent: URIRef, dataset: DatasetInfo, item: DistributionInfo, schema: URIRef | None
) -> URIRef:
    """One distribution; the dataset's licence stands for one the distribution lacks (as ckanext-dcat does)."""
    node = URIRef(f"{parent}/resource/{quote(item.id, safe='')}")
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, text(item.title, info)))
    if item.description:
        g.add((node, DCTERMS.description, text(item.description, info)))
    g.add((node, DCAT.accessURL, URIRef(item.access_url)))
    if item.download_url:
        g.add((node, DCAT.downloadURL, URIRef(item.download_url)))
    fmt, implied = file_format(g, item.format)
    if fmt is not None:
        g.add((node, DCTERMS["format"], fmt))
    if (media := media_type(g, item.media_type or implied)) is not None:
        g.add((node, DCAT.mediaType, media))
    # a negative size is a bookkeeping error: left out, as xsd:nonNegativeInteger cannot say it
    if item.byte_size is not None and item.byte_size >= 0:
        g.add((node, DCAT.byteSize, Literal(item.byte_size, datatype=XSD.nonNegativeInteger)))
    if licence := item.license_url or dataset.license_url:
        g.add((node, DCTERMS.license, typed(g, URIRef(licence), DCTERMS.LicenseDocument)))
    _dates(g, node, item.issued, item.modified)
    if schema is not None:
        g.add((node, CSVW.tableSchema, schema))
    if item.format.strip().upper() == "API":
        g.add((node, DCAT.accessService, _service(g, info, node, parent, item)))
    return node


def _service(g: Graph, info: CatalogInfo, node: URIRef, parent: URIRef, item: DistributionInfo) -> URIRef:
    """An API resource's endpoint as the dcat:DataService DCAT-AP 3 describes access through (title, endpoint)."""
    service = URIRef(f"{node}#service")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, text(item.title, info)))
    g.add((service, DCAT.endpointURL, URIRef(item.access_url)))
    g.add((service, DCAT.servesDataset, parent))
    return service


def _schema(g: Graph, info: CatalogInfo, parent: URIRef, columns: list[tuple[str, str]]) -> URIRef | None:
    """The 数据项 as one CSVW table schema (columns in order) that every distribution points at."""
    # CSVW is the W3C vocabulary for a table's columns; DCAT-AP has none (dct:conformsTo names a published
    # standard, not a dataset's own columns). A dataset's distributions carry the same records: one schema.
    if not columns:
        return None
    schema = URIRef(f"{parent}#schema")
    g.add((schema, RDF.type, CSVW.Schema))
    items = []
    for name, kind in columns:
        column = BNode()
        g.add((column, RDF.type, CSVW.Column))
        g.add((column, CSVW.name, Literal(name)))
        g.add((column, CSVW.title, text(name, info)))
        g.add((column, CSVW.datatype, _datatype(g, kind)))
        items.append(column)
    head = BNode()
    Collection(g, head, items)
    g.add((schema, CSVW.column, head))
    return schema


def _datatype(g: Graph, kind: str) -> URIRef | BNode:
    """A 数据项's type as XSD; an unknown one as text (CSVW's default) that keeps the portal's name for it."""
    known = COLUMN_TYPES.get(kind.strip().lower())
    if known is not None:
        return known
    node = BNode()
    g.add((node, RDF.type, CSVW.Datatype))
    g.add((node, CSVW.base, Literal("string")))
    g.add((node, RDFS.label, Literal(kind)))
    return node
