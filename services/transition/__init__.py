"""Site migration (迁移): legacy government sites brought onto the platform with their content, files and every
old URL kept — jobs that crawl a legacy site politely and hand its documents to the content library, and the URL
map that sends each old address to where it lives now (or answers 410).

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests may
use. The preview (a dry run over a crawl, a mirror or a WordPress export) runs on the operator's machine.
"""

from services.transition.config import TransitionSettings
from services.transition.main import SCHEMA, TransitionRuntime, create_app, migrate
from services.transition.planning.preview import Preview, PreviewError, preview_site, read_rules, site_channels
from services.transition.planning.verify import Expectation, Verdict, verify_urls
from services.transition.service.context import TransitionDeps
from services.transition.service.sites import known_sites

__all__ = [
    "SCHEMA",
    "Expectation",
    "Preview",
    "PreviewError",
    "TransitionDeps",
    "TransitionRuntime",
    "TransitionSettings",
    "Verdict",
    "create_app",
    "known_sites",
    "migrate",
    "preview_site",
    "read_rules",
    "site_channels",
    "verify_urls",
]
