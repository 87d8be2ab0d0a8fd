"""HTTP routes of the content service: parse, call one use case, return. Everything under /api/v1/content."""

from fastapi import APIRouter

from services.content.api import attachments, audit, channels, dictionaries, documents, public, sites

PREFIX = "/api/v1/content"


def content_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    # Most-used routes first: the router tries them in order.
    for module in (documents, public, sites, channels, attachments, dictionaries, audit):
        router.include_router(module.router)
    return router
