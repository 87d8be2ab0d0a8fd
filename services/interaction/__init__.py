"""互动交流 — the interaction desk: letters to leaders' mailboxes and departments, 依申请公开 requests, their
handling in working days, their publication and statistics.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.interaction.config import InteractionSettings
from services.interaction.main import SCHEMA, InteractionRuntime, create_app, migrate

__all__ = ["SCHEMA", "InteractionRuntime", "InteractionSettings", "create_app", "migrate"]
