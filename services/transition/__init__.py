"""Site migration (迁移): legacy government sites brought onto the platform with their content, files and every
old URL kept — jobs that crawl a legacy site politely and hand its documents to the content library, and the URL
map that sends each old address to where it lives now (or answers 410).

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests may
use. The preview (a dry run over a crawl, a mirror or a WordPress export) runs on the operator's machine, and so
does the reading of a mirror or an export the CLI pushes to a job (the sources, and what a body links).
"""

from services.transition.config import TransitionSettings
from services.transition.extract.links import body_links, is_file
from services.transition.main import SCHEMA, TransitionRuntime, create_app, migrate, runner_alone
from services.transition.planning.preview import Preview, PreviewError, preview_site, read_rules, site_channels
from services.transition.planning.verify import Expectation, Verdict, verify_urls
from services.transition.service.context import TransitionDeps
from services.transition.service.sites import known_sites
from services.transition.sources.exports import FieldMapping, MappingError, export_records
from services.transition.sources.mirror import MirrorError, hosts_in, mirror_pages
from services.transition.sources.resolve import ResolvingTransport
from services.transition.sources.wxr import WxrError, wxr_records

__all__ = [
    "SCHEMA",
    "Expectation",
    "FieldMapping",
    "MappingError",
    "MirrorError",
    "Preview",
    "PreviewError",
    "ResolvingTransport",
    "TransitionDeps",
    "TransitionRuntime",
    "TransitionSettings",
    "Verdict",
    "WxrError",
    "body_links",
    "create_app",
    "export_records",
    "hosts_in",
    "is_file",
    "known_sites",
    "migrate",
    "mirror_pages",
    "preview_site",
    "read_rules",
    "runner_alone",
    "site_channels",
    "verify_urls",
    "wxr_records",
]
