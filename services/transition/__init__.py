"""Site migration (迁移): legacy government sites brought onto the platform with their content, files and every
old URL kept.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests may
use. So far: the preview of a migration (a dry run over a crawl, a mirror or a WordPress export, with its
sections matched to the target site's channels); the jobs, the import and the URL map come next.
"""

from services.transition.planning.preview import Preview, PreviewError, preview_site, read_rules, site_channels

__all__ = ["Preview", "PreviewError", "preview_site", "read_rules", "site_channels"]
