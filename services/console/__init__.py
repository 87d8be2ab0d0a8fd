"""工作台 — the staff console: the web pages editors, reviewers, site admins, operators and auditors work in.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.console.config import ConsoleSettings
from services.console.main import SCHEMA, ConsoleRuntime, create_app, migrate
from services.console.vendor import ASSETS, fetch_assets

__all__ = ["ASSETS", "SCHEMA", "ConsoleRuntime", "ConsoleSettings", "create_app", "fetch_assets", "migrate"]
