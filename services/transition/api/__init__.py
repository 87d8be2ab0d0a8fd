"""Routes of the migration service: jobs, their rules tried on sample pages, and the URL map of a target site."""

from services.transition.api.jobs import PREFIX
from services.transition.api.jobs import router as jobs_router
from services.transition.api.pushed import router as pushed_router
from services.transition.api.rules import router as rules_router
from services.transition.api.urlmap import router as urlmap_router

__all__ = ["PREFIX", "jobs_router", "pushed_router", "rules_router", "urlmap_router"]
