"""HTTP routes of the identity service under /api/v1/identity."""

from __future__ import annotations

from fastapi import APIRouter

from services.identity.api import admin, oidc, pages, public, signup

PREFIX = "/api/v1/identity"


def identity_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    router.include_router(oidc.router)
    router.include_router(pages.router)
    router.include_router(signup.router)
    router.include_router(admin.router)
    router.include_router(public.router)
    return router
