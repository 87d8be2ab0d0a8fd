"""HTTP routes of the identity service under /api/v1/identity."""

from __future__ import annotations

from fastapi import APIRouter

from services.identity.api.admin import admin_router
from services.identity.api.oidc import oidc_router
from services.identity.api.pages import pages_router
from services.identity.api.public import public_router

PREFIX = "/api/v1/identity"


def identity_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    router.include_router(oidc_router())
    router.include_router(pages_router())
    router.include_router(admin_router())
    router.include_router(public_router())
    return router
