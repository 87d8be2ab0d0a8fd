"""DCAT-AP documents of the open-data catalogue: /catalog.ttl|.jsonld|.rdf (paged) and each dataset's own.

The graphs follow DCAT-AP 3.0 (SEMIC) and the choices of ckanext-dcat's euro_dcat_ap profiles, so that the EU's
validators and CKAN's DCAT harvesters both read them: see dataset.py and catalog.py for the properties written
and those left out, vocab.py for the EU authority tables the Chinese catalogue terms are mapped onto."""

from __future__ import annotations

from services.opendata.dcat.catalog import catalog_graph, dataset_graph
from services.opendata.dcat.model import (
    EXTENSIONS,
    MEDIA_TYPES,
    CatalogInfo,
    DatasetInfo,
    DistributionInfo,
    Format,
)
from services.opendata.dcat.nodes import dataset_iri
from services.opendata.dcat.serialize import serialize

__all__ = [
    "EXTENSIONS",
    "MEDIA_TYPES",
    "CatalogInfo",
    "DatasetInfo",
    "DistributionInfo",
    "Format",
    "catalog_graph",
    "dataset_graph",
    "dataset_iri",
    "serialize",
]
