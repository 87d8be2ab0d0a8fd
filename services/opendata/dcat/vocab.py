"""The vocabularies DCAT-AP asks for, and how the portal's Chinese catalogue terms map onto them.

DCAT-AP (3.0) names the EU Vocabularies' authority tables (publications.europa.eu/resource/authority/…) for
access rights, frequencies, file types, data themes and languages: harvesters in Europe and CKAN's ckanext-dcat
read those IRIs, never the portal's own labels. Each table below keeps only the entries a Chinese portal needs;
a term without a clear counterpart is left unmapped rather than forced into a wrong one."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import XSD

EU = "http://publications.europa.eu/resource/authority/"
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
# IANA's registry page of a media type is its IRI (DCAT-AP's dcat:mediaType range); https, as ckanext-dcat writes
IANA = "https://www.iana.org/assignments/media-types/"

DATA_THEME_SCHEME = URIRef(EU + "data-theme")

# 开放属性 → access-right: 有条件开放 needs an application the department approves, which is RESTRICTED
ACCESS_RIGHTS: dict[str, str] = {"open": "PUBLIC", "conditional": "RESTRICTED", "closed": "NON_PUBLIC"}

# 更新周期 → frequency. 每半年 is ANNUAL_2 ("semiannual"): the table has no BIANNUAL. 实时 is UPDATE_CONT
# ("continuously updated"), what a real-time feed's dataset is, not CONT (a continuous event).
FREQUENCIES: dict[str, str] = {
    "实时": "UPDATE_CONT",
    "每小时": "HOURLY",
    "每日": "DAILY",
    "每天": "DAILY",
    "每周": "WEEKLY",
    "每半月": "MONTHLY_2",
    "每旬": "MONTHLY_3",
    "每月": "MONTHLY",
    "每季度": "QUARTERLY",
    "每季": "QUARTERLY",
    "每半年": "ANNUAL_2",
    "每年": "ANNUAL",
    "每两年": "BIENNIAL",
    "不定期": "IRREG",
    "不更新": "NEVER",
}

# The data-theme table's 13 themes with their English labels (DCAT-AP: a skos:Concept has a skos:prefLabel).
DATA_THEMES: dict[str, str] = {
    "AGRI": "Agriculture, fisheries, forestry and food",
    "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport",
    "ENER": "Energy",
    "ENVI": "Environment",
    "GOVE": "Government and public sector",
    "HEAL": "Health",
    "INTR": "International issues",
    "JUST": "Justice, legal system and public safety",
    "REGI": "Regions and cities",
    "SOCI": "Population and society",
    "TECH": "Science and technology",
    "TRAN": "Transport",
}

# 主题分类 → data-theme, by the words a category's name is made of (财税金融 = 财税 + 金融 → ECON). Words only,
# never bare 资源 (人力资源 is not ENVI) or 统计 (statistics of what?): a category matching none stays local.
THEME_WORDS: dict[str, str] = {
    **dict.fromkeys(("经济", "财政", "财税", "金融", "税务", "商贸", "贸易", "工业", "企业", "市场"), "ECON"),
    **dict.fromkeys(("教育", "文化", "体育"), "EDUC"),
    **dict.fromkeys(("环境", "生态", "气象", "自然资源"), "ENVI"),
    **dict.fromkeys(("卫生", "医疗", "健康"), "HEAL"),
    **dict.fromkeys(("交通",), "TRAN"),
    **dict.fromkeys(("人口", "社会", "民生", "社保", "就业", "民政"), "SOCI"),
    **dict.fromkeys(("农业", "农村", "林业", "渔业", "食品"), "AGRI"),
    **dict.fromkeys(("能源", "电力"), "ENER"),
    **dict.fromkeys(("政府", "政务", "机构"), "GOVE"),
    **dict.fromkeys(("科技", "科学"), "TECH"),
    **dict.fromkeys(("司法", "法律", "公安", "公共安全"), "JUST"),
    **dict.fromkeys(("区域", "城市", "城乡", "城建", "规划"), "REGI"),
    **dict.fromkeys(("国际", "外事"), "INTR"),
}

# A format's file-type code and its IANA media type (when the distribution does not say). SHP has no
# registered media type; API is no file type at all (see distribution_format).
FILE_TYPES: dict[str, tuple[str, str | None]] = {
    "CSV": ("CSV", "text/csv"),
    "TSV": ("TSV", "text/tab-separated-values"),
    "XLSX": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "XLS": ("XLS", "application/vnd.ms-excel"),
    "ODS": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "JSON": ("JSON", "application/json"),
    "GEOJSON": ("GEOJSON", "application/geo+json"),
    "XML": ("XML", "application/xml"),
    "PDF": ("PDF", "application/pdf"),
    "ZIP": ("ZIP", "application/zip"),
    "DOC": ("DOC", "application/msword"),
    "DOCX": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "TXT": ("TXT", "text/plain"),
    "HTML": ("HTML", "text/html"),
    "KML": ("KML", "application/vnd.google-earth.kml+xml"),
    "SHP": ("SHP", None),
    "RDF": ("RDF_XML", "application/rdf+xml"),
    "TTL": ("RDF_TURTLE", "text/turtle"),
    "JSONLD": ("JSON_LD", "application/ld+json"),
}

# BCP 47 primary language → the language table (ISO 639-3 codes); the portal's minority-language editions too
LANGUAGES: dict[str, str] = {"zh": "ZHO", "en": "ENG", "bo": "BOD", "ug": "UIG", "mn": "MON", "ko": "KOR"}

# 数据项 types → XSD, as CSVW names a column's datatype: the datastore loader's kinds and the usual Chinese names
COLUMN_TYPES: dict[str, URIRef] = {
    **dict.fromkeys(("text", "string", "varchar", "char", "字符", "字符型", "字符串", "文本"), XSD.string),
    **dict.fromkeys(("integer", "int", "bigint", "整数", "整型"), XSD.integer),
    **dict.fromkeys(("numeric", "decimal", "number", "float", "double", "数值", "数值型", "小数"), XSD.decimal),
    **dict.fromkeys(("boolean", "bool", "布尔", "布尔型"), XSD.boolean),
    **dict.fromkeys(("date", "日期", "日期型"), XSD.date),
    **dict.fromkeys(("timestamp", "datetime", "日期时间", "时间戳"), XSD.dateTime),
}


def eu(table: str, code: str) -> URIRef:
    """An entry of an EU authority table, e.g. eu("frequency", "DAILY")."""
    return URIRef(f"{EU}{table}/{code}")


def data_themes(label: str) -> list[str]:
    """The data-theme codes a 主题分类 name falls under, in the table's order, none if unclear."""
    found = {code for word, code in THEME_WORDS.items() if word in label}
    return [code for code in DATA_THEMES if code in found]


def language_code(tag: str) -> str | None:
    """The language table's code of a BCP 47 tag (zh-CN → ZHO), None when the table is not consulted for it."""
    return LANGUAGES.get(tag.split("-")[0].lower())
