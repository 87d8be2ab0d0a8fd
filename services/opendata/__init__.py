"""数据开放 — the open-data portal: datasets owned by departments' sites, their files loaded into a datastore,
a CKAN-compatible Action API, DCAT-AP, API keys with 有条件开放 applications, and call statistics.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.opendata.config import OpendataSettings
from services.opendata.main import SCHEMA, OpendataRuntime, create_app, migrate
from services.opendata.schemas import AccessDecision, DatasetWrite, DictionaryWrite
from services.opendata.service.access import decide
from services.opendata.service.context import OpendataDeps, Publisher
from services.opendata.service.datasets import create_dataset, publish_dataset
from services.opendata.service.public import known_sites
from services.opendata.service.resources import Upload, add_resource

__all__ = [
    "SCHEMA",
    "AccessDecision",
    "DatasetWrite",
    "DictionaryWrite",
    "OpendataDeps",
    "OpendataRuntime",
    "OpendataSettings",
    "Publisher",
    "Upload",
    "add_resource",
    "create_app",
    "create_dataset",
    "decide",
    "known_sites",
    "migrate",
    "publish_dataset",
]
