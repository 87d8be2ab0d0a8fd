"""Request-scoped inputs of the routes: the use-case dependencies (and the page templates, the HTTP client)."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, Request
from jinja2 import Environment

from services.identity.service.context import IdentityDeps


def deps_of(request: Request) -> IdentityDeps:
    return request.app.state.deps


# Dependencies are async: FastAPI runs plain `def` dependencies in a thread pool, a hop per request.
async def get_deps(request: Request) -> IdentityDeps:
    return deps_of(request)


def templates_of(request: Request) -> Environment:
    return request.app.state.templates


def http_of(request: Request) -> httpx.AsyncClient:
    """The client the provider calls relying parties with (back-channel logout)."""
    return request.app.state.http


Deps = Annotated[IdentityDeps, Depends(get_deps)]
