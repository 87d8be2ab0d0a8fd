"""The catalogue's DCAT-AP documents read back as a harvester reads them: every format parsed with rdflib, then
asked what DCAT-AP requires, with SPARQL standing in for its SHACL shapes (pyshacl is not installed)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import CSVW, DCTERMS, FOAF, RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery

from services.opendata.dcat import (
    EXTENSIONS,
    MEDIA_TYPES,
    CatalogInfo,
    DatasetInfo,
    DistributionInfo,
    Format,
    catalog_graph,
    dataset_graph,
    dataset_iri,
    serialize,
)

URL = "https://data.ah.gov.cn/"
EU = "http://publications.europa.eu/resource/authority/"
# plain namespaces: pytest probes a test module's globals, and rdflib's DCAT and XSD warn at unknown names
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
NS = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": VCARD, "skos": SKOS, "hydra": HYDRA, "xsd": XSD}
CST = timezone(timedelta(hours=8))
FORMATS: list[Format] = ["turtle", "json-ld", "xml"]
RIGHTS = {"open": "PUBLIC", "conditional": "RESTRICTED", "closed": "NON_PUBLIC"}  # 无条件 / 有条件 / 不予开放
# rdflib's own JSON-LD parser (reading back, as harvesters do) still builds a ConjunctiveGraph
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

INFO = CatalogInfo(
    url=URL,
    title="安徽省公共数据开放平台",
    description="汇聚全省各级政务部门依法可开放的公共数据，提供数据检索、下载与接口服务。",
    publisher_name="安徽省数据资源管理局",
    publisher_url="https://sjzyj.ah.gov.cn/",
    issued=date(2020, 9, 1),
    modified=datetime(2025, 7, 1, 8, 0, tzinfo=CST),
)


def _file(
    id_: str, title: str, fmt: str, media: str | None, size: int | None, lic: str | None = None
) -> DistributionInfo:
    return DistributionInfo(
        id=id_, title=title, description=f"{title}（{fmt}格式）", access_url=_access(id_, fmt),
        download_url=f"{URL}download/{id_}" if fmt != "API" else None, format=fmt, media_type=media,
        byte_size=size, license_url=lic, issued=datetime(2025, 3, 1, 9, 0, tzinfo=CST), modified=None,
    )  # fmt: skip


def _access(id_: str, fmt: str) -> str:
    # an API's address has a query (and an &, which RDF/XML must escape)
    return f"{URL}api/action/datastore_search?resource_id={id_}&limit=100" if fmt == "API" else f"{URL}resource/{id_}"


def _dataset(name: str, title: str, description: str, publisher: str, **fields: Any) -> DatasetInfo:
    return DatasetInfo(
        name=name, title=title, description=description, landing_page=f"{URL}dataset/{name}",
        publisher_name=publisher, publisher_url=None, license_url=f"{URL}terms/open-data-license",
        issued=datetime(2025, 3, 1, 9, 0, tzinfo=CST), modified=datetime(2025, 6, 30, 17, 45, tzinfo=CST),
        contact_name=None, contact_email=None, **fields,
    )  # fmt: skip


POPULATION = _dataset(
    "hefei-population-2025", "合肥市2025年常住人口统计数据",
    "合肥市各县（市）区常住人口、户籍人口及城镇化率年度统计，来源于年度人口抽样调查。", "合肥市统计局",
    themes=["人口", "统计"], keywords=["常住人口", "户籍人口", "城镇化率"], access="open", frequency="每年",
    columns=[("区县", "字符串"), ("统计年度", "整数"), ("常住人口（万人）", "数值"), ("城镇化率（%）", "数值")],
    distributions=[_file("pop-csv", "常住人口统计表", "CSV", "text/csv", 18_432),
                   _file("pop-xlsx", "常住人口统计表", "XLSX", None, 40_960)],
)  # fmt: skip
BUS_LINES = replace(_dataset(
    "anhui-bus-routes", "安徽省城市公交线路信息",
    "全省16个地级市公交线路名称、起止站点、首末班时间及票价，由各市公交企业报送、省交通运输厅汇总。",
    "安徽省交通运输厅",
    themes=["交通运输"], keywords=["公交", "线路", "首末班"], access="open", frequency="每月",
    columns=[("线路名称", "text"), ("起点站", "text"), ("首班时间", "text"), ("票价（元）", "numeric")],
    distributions=[_file("bus-json", "公交线路数据", "JSON", "application/json", 524_288),
                   _file("bus-api", "公交线路查询接口", "API", "application/json; charset=utf-8", None)],
), publisher_url="https://jtt.ah.gov.cn/", contact_email="sjzx@jtt.ah.gov.cn")  # fmt: skip
ENTERPRISES = replace(_dataset(
    "hefei-enterprise-registration", "合肥市企业登记信息",
    "合肥市市场主体登记注册信息，包括统一社会信用代码、企业名称、成立日期及登记状态。", "合肥市市场监督管理局",
    themes=["市场监管", "经济建设"], keywords=["企业登记", "市场主体"], access="conditional", frequency="每日",
    columns=[("统一社会信用代码", "字符串"), ("企业名称", "字符串"), ("成立日期", "日期"), ("登记状态", "字符串")],
    distributions=[_file("ent-xlsx", "企业登记信息表", "XLSX", None, 2_097_152, f"{URL}terms/conditional"),
                   _file("ent-api", "企业登记查询接口", "API", None, None)],
), contact_name="合肥市市场监管局数据开放联络员", contact_email="scjgj@hefei.gov.cn")  # fmt: skip
DATASETS = [POPULATION, BUS_LINES, ENTERPRISES]


@pytest.fixture(params=FORMATS)
def fmt(request: pytest.FixtureRequest) -> Format:
    return request.param


def read(graph: Graph, fmt: Format) -> Graph:
    """What a harvester gets: the bytes served, parsed."""
    return Graph().parse(data=serialize(graph, fmt), format=fmt)


def one_page(fmt: Format) -> Graph:
    return catalog_graph(INFO, DATASETS, page=1, page_size=20, total=3, fmt=fmt)


def ask(g: Graph, where: str) -> bool:
    return bool(g.query(f"ASK {{ {where} }}", initNs=NS).askAnswer)


def test_one_catalog_with_its_title_description_publisher_and_every_dataset(fmt: Format) -> None:
    g, catalog = read(one_page(fmt), fmt), URIRef(URL)
    assert list(g.subjects(RDF.type, DCAT.Catalog)) == [catalog]
    assert g.value(catalog, DCTERMS.title) == Literal("安徽省公共数据开放平台", lang="zh")
    assert g.value(catalog, DCTERMS.description) == Literal(INFO.description, lang="zh")
    assert g.value(g.value(catalog, DCTERMS.publisher), FOAF.name) == Literal("安徽省数据资源管理局", lang="zh")
    assert set(g.objects(catalog, DCAT.dataset)) == {dataset_iri(INFO, d.name) for d in DATASETS}
    assert g.value(catalog, DCTERMS.issued) == Literal("2020-09-01", datatype=XSD.date)
    assert g.value(catalog, DCTERMS.language) == URIRef(EU + "language/ZHO")


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_each_dataset_carries_what_dcat_ap_asks_for(fmt: Format, dataset: DatasetInfo) -> None:
    g, node = read(one_page(fmt), fmt), dataset_iri(INFO, dataset.name)
    assert (node, RDF.type, DCAT.Dataset) in g
    assert g.value(node, DCTERMS.title) == Literal(dataset.title, lang="zh")
    assert g.value(node, DCTERMS.description) == Literal(dataset.description, lang="zh")
    assert g.value(g.value(node, DCTERMS.publisher), FOAF.name) == Literal(dataset.publisher_name, lang="zh")
    assert len(set(g.objects(node, DCAT.distribution))) == len(dataset.distributions)
    assert set(g.objects(node, DCAT.keyword)) == {Literal(k, lang="zh") for k in dataset.keywords}
    labels = {g.value(theme, SKOS.prefLabel) for theme in g.objects(node, DCAT.theme)}
    assert {Literal(t, lang="zh") for t in dataset.themes} <= labels
    rights = g.value(node, DCTERMS.accessRights)  # the 有条件开放 one RESTRICTED
    assert rights == URIRef(f"{EU}access-right/{RIGHTS[dataset.access]}")
    assert (rights, RDF.type, DCTERMS.RightsStatement) in g
    assert str(g.value(node, DCTERMS.accrualPeriodicity)).startswith(EU + "frequency/")
    assert g.value(node, DCTERMS.issued).datatype == XSD.dateTime
    assert g.value(node, DCTERMS.modified) == Literal("2025-06-30T17:45:00+08:00", datatype=XSD.dateTime)
    assert g.value(node, DCAT.landingPage) == URIRef(dataset.landing_page)


def test_distributions_have_access_url_format_media_type_and_typed_size(fmt: Format) -> None:
    g = read(one_page(fmt), fmt)
    distributions = set(g.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 6
    for node in distributions:
        assert isinstance(g.value(node, DCAT.accessURL), URIRef)
        assert g.value(node, DCTERMS["format"]) is not None
        # every one has a media type but the API whose publisher gave none (its format says API)
        assert (g.value(node, DCAT.mediaType) is None) == node.endswith("/ent-api")
    csv = URIRef(f"{URL}dataset/hefei-population-2025/resource/pop-csv")
    assert g.value(csv, DCTERMS["format"]) == URIRef(EU + "file-type/CSV")
    assert g.value(csv, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert g.value(csv, DCAT.byteSize) == Literal(18_432, datatype=XSD.nonNegativeInteger)
    assert g.value(csv, DCAT.downloadURL) == URIRef(f"{URL}download/pop-csv")
    xlsx = URIRef(f"{URL}dataset/hefei-population-2025/resource/pop-xlsx")  # its media type implied by XLSX
    assert str(g.value(xlsx, DCAT.mediaType)).endswith("spreadsheetml.sheet")
    assert g.value(xlsx, DCTERMS.license) == URIRef(f"{URL}terms/open-data-license")  # the dataset's licence


def test_an_api_is_a_data_service_and_keeps_its_format_name(fmt: Format) -> None:
    g = read(one_page(fmt), fmt)
    api = URIRef(f"{URL}dataset/anhui-bus-routes/resource/bus-api")
    assert g.value(g.value(api, DCTERMS["format"]), RDFS.label) == Literal("API")
    assert g.value(api, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/application/json")
    service = g.value(api, DCAT.accessService)
    assert g.value(service, DCAT.endpointURL) == URIRef(
        f"{URL}api/action/datastore_search?resource_id=bus-api&limit=100"
    )
    assert g.value(service, DCAT.servesDataset) == dataset_iri(INFO, "anhui-bus-routes")


def test_everything_round_trips_exactly_chinese_included(fmt: Format) -> None:
    built = one_page(fmt)
    data = serialize(built, fmt)
    assert "合肥市企业登记信息".encode() in data  # UTF-8 as itself, not \u escapes or entities
    back = Graph().parse(data=data, format=fmt)
    assert isomorphic(built, back)
    assert {o for o in back.objects() if isinstance(o, Literal) and o.language} == {
        o for o in built.objects() if isinstance(o, Literal) and o.language
    }


def test_the_columns_are_an_ordered_csvw_schema_every_distribution_shares(fmt: Format) -> None:
    g = read(dataset_graph(INFO, POPULATION), fmt)
    schemas = {g.value(d, CSVW.tableSchema) for d in g.subjects(RDF.type, DCAT.Distribution)}
    assert len(schemas) == 1
    columns = list(Collection(g, g.value(schemas.pop(), CSVW.column)))
    assert [str(g.value(c, CSVW.name)) for c in columns] == [name for name, _ in POPULATION.columns]
    assert [g.value(c, CSVW.datatype) for c in columns] == [XSD.string, XSD.integer, XSD.decimal, XSD.decimal]


@pytest.mark.parametrize(("access", "right"), RIGHTS.items())
def test_access_maps_to_the_eu_access_rights(access: str, right: str) -> None:
    g = dataset_graph(INFO, replace(ENTERPRISES, access=access))
    assert g.value(dataset_iri(INFO, ENTERPRISES.name), DCTERMS.accessRights) == URIRef(f"{EU}access-right/{right}")


@pytest.mark.parametrize(
    ("frequency", "code"),
    [("每日", "DAILY"), ("每周", "WEEKLY"), ("每月", "MONTHLY"), ("每季度", "QUARTERLY"), ("每半年", "ANNUAL_2"),
     ("每年", "ANNUAL"), ("实时", "UPDATE_CONT"), ("不定期", "IRREG"), ("随缘", None), (None, None)],
)  # fmt: skip
def test_frequency_maps_to_the_eu_table_or_is_left_out(frequency: str | None, code: str | None) -> None:
    g = dataset_graph(INFO, replace(POPULATION, frequency=frequency))
    found = g.value(dataset_iri(INFO, POPULATION.name), DCTERMS.accrualPeriodicity)
    assert found == (URIRef(f"{EU}frequency/{code}") if code else None)


@pytest.mark.parametrize(
    ("label", "codes"),
    [("人口", {"SOCI"}), ("交通运输", {"TRAN"}), ("经济建设", {"ECON"}), ("教育科技", {"EDUC", "TECH"}),
     ("资源环境", {"ENVI"}), ("人力资源", set()), ("统计", set())],
)  # fmt: skip
def test_themes_are_the_portals_own_and_the_eu_data_themes_they_are_close_to(label: str, codes: set[str]) -> None:
    g = dataset_graph(INFO, replace(POPULATION, themes=[label]))
    found = set(g.objects(dataset_iri(INFO, POPULATION.name), DCAT.theme))
    assert {str(t).removeprefix(EU + "data-theme/") for t in found if str(t).startswith(EU)} == codes
    assert URIRef(f"{URL}theme/{quote(label)}") in found  # the portal's own, mapped or not


def _paged(page: int, fmt: Format) -> Graph:
    many = [replace(POPULATION, name=f"hefei-population-{i:02d}", title=f"合肥人口（第{i}批）") for i in range(45)]
    return read(catalog_graph(INFO, many[(page - 1) * 20 : page * 20], page=page, page_size=20, total=45, fmt=fmt), fmt)


def test_page_two_of_three_links_to_the_others(fmt: Format) -> None:
    g, ext = _paged(2, fmt), {v: k for k, v in EXTENSIONS.items()}[fmt]
    assert len(set(g.objects(URIRef(URL), DCAT.dataset))) == 20
    (node,) = g.subjects(RDF.type, HYDRA.PagedCollection)
    assert node == URIRef(f"{URL}catalog.{ext}?page=2")
    assert g.value(node, HYDRA.totalItems).toPython() == 45 and g.value(node, HYDRA.itemsPerPage).toPython() == 20
    for name, number in [("next", 3), ("previous", 1), ("first", 1), ("last", 3)]:
        assert g.value(node, HYDRA[name]) == URIRef(f"{URL}catalog.{ext}?page={number}")
        assert g.value(node, HYDRA[f"{name}Page"]) == g.value(node, HYDRA[name])  # ckanext-dcat's older terms


def test_the_last_page_has_no_next_and_the_first_no_previous(fmt: Format) -> None:
    last, first = _paged(3, fmt), _paged(1, fmt)
    assert len(set(last.objects(URIRef(URL), DCAT.dataset))) == 5
    assert not ask(last, "?p hydra:next ?n") and ask(last, "?p hydra:previous ?n")
    assert ask(first, "?p hydra:next ?n") and not ask(first, "?p hydra:previous ?n")
    assert not ask(read(one_page(fmt), fmt), "?p a hydra:PagedCollection")  # one page: nothing to page


@pytest.mark.parametrize(("page", "size", "count"), [(0, 20, 0), (1, 0, 0), (1, 2, 3)])
def test_impossible_pages_are_refused(page: int, size: int, count: int) -> None:
    with pytest.raises(ValueError):
        catalog_graph(INFO, DATASETS[:count], page=page, page_size=size, total=45)


def test_a_dataset_document_is_the_dataset_alone() -> None:
    g = read(dataset_graph(INFO, BUS_LINES), "turtle")
    assert dataset_iri(INFO, "anhui-bus-routes") == URIRef(f"{URL}dataset/anhui-bus-routes")
    assert list(g.subjects(RDF.type, DCAT.Dataset)) == [dataset_iri(INFO, "anhui-bus-routes")]
    assert not ask(g, "?c a dcat:Catalog") and len(set(g.subjects(RDF.type, DCAT.Distribution))) == 2
    assert ask(g, "?d dcat:contactPoint [ a vcard:Kind ; vcard:hasEmail <mailto:sjzx@jtt.ah.gov.cn> ]")


def test_media_types_extensions_and_the_json_ld_context() -> None:
    assert set(EXTENSIONS.values()) == set(MEDIA_TYPES) == set(FORMATS)
    assert MEDIA_TYPES["turtle"] == "text/turtle; charset=utf-8"
    document = serialize(dataset_graph(INFO, POPULATION), "json-ld").decode()
    for prefix in ("dcat", "dct", "foaf", "vcard", "hydra"):
        assert f'"{prefix}": "' in document
    assert '"dct:title"' in document


# DCAT-AP 3.0's SHACL shapes (mandatory properties, at-most-once, ranges, literals) as SPARQL: each names a
# violation and must find none.
MANDATORY = [("dcat:Catalog", p) for p in ("dct:title", "dct:description", "dct:publisher")] + [
    ("dcat:Dataset", "dct:title"), ("dcat:Dataset", "dct:description"), ("dcat:Distribution", "dcat:accessURL"),
    ("foaf:Agent", "foaf:name"), ("skos:Concept", "skos:prefLabel"), ("skos:ConceptScheme", "dct:title"),
    ("dcat:DataService", "dct:title"), ("dcat:DataService", "dcat:endpointURL"),
]  # fmt: skip
AT_MOST_ONCE = (
    [("dcat:Catalog", p) for p in ("dct:publisher", "dct:issued", "dct:modified", "foaf:homepage")]
    + [("dcat:Dataset", p) for p in ("dct:publisher", "dct:accessRights", "dct:accrualPeriodicity", "dct:issued")]
    + [("dcat:Distribution", p) for p in ("dct:format", "dcat:mediaType", "dcat:byteSize", "dct:license")]
)
RANGES = {
    "dct:publisher": "foaf:Agent", "dcat:dataset": "dcat:Dataset", "dcat:distribution": "dcat:Distribution",
    "dcat:theme": "skos:Concept", "dcat:themeTaxonomy": "skos:ConceptScheme", "dcat:contactPoint": "vcard:Kind",
    "dct:accessRights": "dct:RightsStatement", "dct:accrualPeriodicity": "dct:Frequency",
    "dct:license": "dct:LicenseDocument", "dct:format": "dct:MediaTypeOrExtent", "dcat:mediaType": "dct:MediaType",
    "dcat:landingPage": "foaf:Document", "foaf:homepage": "foaf:Document", "dct:language": "dct:LinguisticSystem",
    "dcat:accessService": "dcat:DataService",
}  # fmt: skip
SHAPES = (
    {f"{c} {p} missing": f"?s a {c} FILTER NOT EXISTS {{ ?s {p} ?o }}" for c, p in MANDATORY}
    | {f"{c} {p} repeated": f"?s a {c} ; {p} ?a, ?b FILTER (?a != ?b)" for c, p in AT_MOST_ONCE}
    | {f"{p} not a {c}": f"?s {p} ?o FILTER NOT EXISTS {{ ?o a {c} }}" for p, c in RANGES.items()}
    | {
        "text not a literal": "?s dct:title|dct:description|dcat:keyword|foaf:name ?o FILTER (!isLiteral(?o))",
        "text without a language": "?s dct:title|dct:description|dcat:keyword ?o FILTER (lang(?o) = '')",
        "URL not an IRI": "?s dcat:accessURL|dcat:downloadURL|dcat:endpointURL ?o FILTER (!isIRI(?o))",
        "date untyped": "?s dct:issued|dct:modified ?o FILTER (datatype(?o) NOT IN (xsd:date, xsd:dateTime))",
        "size untyped": "?s dcat:byteSize ?o FILTER (datatype(?o) != xsd:nonNegativeInteger)",
        "access right off the table": f"?s dct:accessRights ?o FILTER (!STRSTARTS(STR(?o), '{EU}access-right/'))",
        "frequency off the table": f"?s dct:accrualPeriodicity ?o FILTER (!STRSTARTS(STR(?o), '{EU}frequency/'))",
        "dataset without an EU theme": f"?s a dcat:Dataset FILTER NOT EXISTS {{ ?s dcat:theme ?t "
        f"FILTER STRSTARTS(STR(?t), '{EU}data-theme/') }}",
    }
)


CHECKS = {name: prepareQuery(f"ASK {{ {where} }}", initNs=NS) for name, where in SHAPES.items()}  # parsed once


def violations(g: Graph) -> list[str]:
    return [name for name, query in CHECKS.items() if g.query(query).askAnswer]


def test_the_documents_pass_dcat_ap_checks(fmt: Format) -> None:
    assert violations(read(one_page(fmt), fmt)) == []
    assert violations(_paged(2, fmt)) == []
    for dataset in DATASETS:
        assert violations(read(dataset_graph(INFO, dataset), fmt)) == []


def test_the_checks_catch_what_they_check() -> None:
    g = read(one_page("turtle"), "turtle")
    g.remove((URIRef(URL), DCTERMS.title, None))
    g.add((dataset_iri(INFO, POPULATION.name), DCTERMS.issued, Literal("2025年3月1日")))
    assert set(violations(g)) == {"dcat:Catalog dct:title missing", "dcat:Dataset dct:issued repeated", "date untyped"}
