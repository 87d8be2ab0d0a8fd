"""站点渲染 — the render service: every site's pages on its own host, from the content events.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.render.config import RenderSettings
from services.render.main import SCHEMA, RenderRuntime, create_app, create_server, migrate
from services.render.service.mirror_files import HttpFiles

__all__ = ["SCHEMA", "HttpFiles", "RenderRuntime", "RenderSettings", "create_app", "create_server", "migrate"]
