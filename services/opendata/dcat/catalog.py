"""The catalogue's pages and a single dataset's document as RDF graphs.

Catalog: dct:title, dct:description, dct:publisher (mandatory); dcat:dataset, foaf:homepage, dct:language,
dct:issued, dct:modified, dcat:themeTaxonomy (recommended/optional). dct:license and dct:spatial are left out:
the portal's licences are per dataset, and its CatalogInfo has no coverage to state. A long catalogue is paged
as ckanext-dcat pages it (hydra:PagedCollection), so CKAN's DCAT harvesters follow hydra:next to the end."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import CSVW, DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from services.opendata.dcat.dataset import add_dataset
from services.opendata.dcat.model import SUFFIXES, CatalogInfo, DatasetInfo, Format
from services.opendata.dcat.nodes import agent, base, document, language, text, theme_scheme, typed, when
from services.opendata.dcat.vocab import DATA_THEME_SCHEME, HYDRA, VCARD

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "skos": SKOS,
    "hydra": HYDRA,
    "csvw": CSVW,
    "xsd": XSD,
    "rdfs": RDFS,
}


def new_graph() -> Graph:
    """An empty graph with the prefixes of DCAT-AP's documents (dct, not rdflib's dcterms), none of rdflib's own."""
    g = Graph(bind_namespaces="core")
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace, replace=True)
    return g


def catalog_graph(
    info: CatalogInfo,
    datasets: Sequence[DatasetInfo],
    *,
    page: int,
    page_size: int,
    total: int,
    fmt: Format = "turtle",
) -> Graph:
    """One page of the catalogue: the dcat:Catalog, this page's datasets in full, and links to the others."""
    # `fmt` is the serialization the page is served in: its paging links point at pages in the same one
    # ({url}catalog.ttl?page=3), as a harvester follows them without negotiating again
    if page < 1 or page_size < 1 or total < 0:
        raise ValueError(f"page {page} of size {page_size} among {total}: page and size start at 1")
    if len(datasets) > page_size:
        raise ValueError(f"{len(datasets)} datasets on a page of {page_size}")
    g = new_graph()
    catalog = _catalog(g, info)
    for dataset in datasets:
        g.add((catalog, DCAT.dataset, add_dataset(g, info, dataset)))
    if total > page_size:
        _paging(g, info, fmt, page=page, page_size=page_size, total=total)
    return g


def dataset_graph(info: CatalogInfo, dataset: DatasetInfo) -> Graph:
    """One dataset's own document: the dataset with its distributions, publisher, contact and themes."""
    g = new_graph()
    add_dataset(g, info, dataset)
    return g


def _catalog(g: Graph, info: CatalogInfo) -> URIRef:
    """The dcat:Catalog; its IRI is its home, as ckanext-dcat's is the site's URL."""
    node = URIRef(base(info))
    g.add((node, RDF.type, DCAT.Catalog))
    g.add((node, DCTERMS.title, text(info.title, info)))
    g.add((node, DCTERMS.description, text(info.description, info)))
    g.add((node, DCTERMS.publisher, agent(g, info, info.publisher_name, info.publisher_url)))
    g.add((node, FOAF.homepage, document(g, info.homepage or base(info))))
    if (lang := language(g, info)) is not None:
        g.add((node, DCTERMS.language, lang))
    if info.issued is not None:
        g.add((node, DCTERMS.issued, when(info.issued)))
    if info.modified is not None:
        g.add((node, DCTERMS.modified, when(info.modified)))
    # the datasets' themes come from both: the portal's 主题分类 and the EU data themes they are close to
    own = typed(g, theme_scheme(info), SKOS.ConceptScheme)
    g.add((own, DCTERMS.title, Literal("主题分类", lang="zh")))
    eu_themes = typed(g, DATA_THEME_SCHEME, SKOS.ConceptScheme)
    g.add((eu_themes, DCTERMS.title, Literal("Data Theme", lang="en")))
    g.add((node, DCAT.themeTaxonomy, own))
    g.add((node, DCAT.themeTaxonomy, eu_themes))
    return node


def _paging(g: Graph, info: CatalogInfo, fmt: Format, *, page: int, page_size: int, total: int) -> None:
    """hydra paging, node and terms as ckanext-dcat writes them, so that CKAN harvesters walk every page."""
    # the current terms (hydra:next …) and the deprecated ones (hydra:nextPage …) both, as ckanext-dcat writes:
    # older harvesters read only the latter. Links are IRIs (ckanext-dcat writes literals; its reader takes both).
    last = -(-total // page_size)

    def at(number: int) -> URIRef:
        return URIRef(f"{base(info)}catalog.{SUFFIXES[fmt]}?page={number}")

    node = at(page)
    g.add((node, RDF.type, HYDRA.PagedCollection))
    g.add((node, HYDRA.totalItems, Literal(total, datatype=XSD.nonNegativeInteger)))
    g.add((node, HYDRA.itemsPerPage, Literal(page_size, datatype=XSD.nonNegativeInteger)))
    links = {"first": 1, "last": last}
    if page < last:
        links["next"] = page + 1
    if page > 1:
        links["previous"] = min(page - 1, last)  # past the end, the way back is to the last page
    for name, number in links.items():
        g.add((node, HYDRA[name], at(number)))
        g.add((node, HYDRA[f"{name}Page"], at(number)))
