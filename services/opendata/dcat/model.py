"""What the DCAT documents are made from: the catalogue's and its datasets' metadata, as the portal holds them,
and the three serializations a client may ask for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Format = Literal["turtle", "json-ld", "xml"]

MEDIA_TYPES: dict[Format, str] = {
    "turtle": "text/turtle; charset=utf-8",
    "json-ld": "application/ld+json",
    "xml": "application/rdf+xml",
}
# The suffixes of /catalog.<ext> and /dataset/<name>.<ext> (ckanext-dcat's, for harvesters that guess them)
EXTENSIONS: dict[str, Format] = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}
SUFFIXES: dict[Format, str] = {fmt: ext for ext, fmt in EXTENSIONS.items()}


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    """The portal as one dcat:Catalog; `url` is its home and the base of every IRI minted here."""

    url: str
    title: str
    description: str
    publisher_name: str
    publisher_url: str | None
    language: str = "zh"
    homepage: str | None = None
    issued: date | None = None
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class DistributionInfo:
    """One resource of a dataset (a file or an API) as a dcat:Distribution."""

    id: str
    title: str
    description: str
    access_url: str
    download_url: str | None
    format: str
    media_type: str | None
    byte_size: int | None
    license_url: str | None
    issued: datetime | None
    modified: datetime | None


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """One catalogue entry (名称, 摘要, 提供部门, 主题分类, 开放属性, 更新周期, 数据项 …) as a dcat:Dataset."""

    name: str
    title: str
    description: str
    landing_page: str
    publisher_name: str
    publisher_url: str | None
    themes: list[str]
    keywords: list[str]
    access: Literal["open", "conditional", "closed"]
    frequency: str | None
    license_url: str | None
    issued: datetime | None
    modified: datetime | None
    contact_name: str | None
    contact_email: str | None
    columns: list[tuple[str, str]]
    distributions: list[DistributionInfo]
