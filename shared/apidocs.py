"""The API documentation page with Swagger UI served by the platform itself: on an isolated government network
a page that loads its script from a CDN is blank. The files come from a pinned wheel and are checked here."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from shared.errors import NotFound

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
# name → (content type, sha256) of Swagger UI 5.32 as fastapi-offline 1.7.7 ships it; another wheel is refused
ASSETS = {
    "swagger-ui-bundle.js": (
        "text/javascript; charset=utf-8",
        "4b5a9b35a1adf37f00d39c0bae23cdb37007e2946240ef035137cc85b4d55349",
    ),
    "swagger-ui.css": ("text/css; charset=utf-8", "ca238f7d7c2cf4480c1e77a9c3b9da915ab216e96ffd354e69076560c650c6de"),
    "favicon.png": ("image/png", "d16f72cf5a2773eba499cc7f3db1923c6f5f73de990f739e3a05806aafec15b7"),
}
ASSET_CACHE = "public, max-age=31536000, immutable"  # the names change only with the pinned wheel


class TamperedAsset(RuntimeError):
    """An asset's bytes are not those the platform was built and checked with."""


@functools.cache
def asset(name: str) -> tuple[bytes, str]:
    """An asset's checked bytes and content type; KeyError for a name that is not one."""
    content_type, digest = ASSETS[name]
    body = (ASSETS_DIR / name).read_bytes()
    if hashlib.sha256(body).hexdigest() != digest:
        raise TamperedAsset(f"{ASSETS_DIR / name} is not the pinned Swagger UI file (sha256 differs)")
    return body, content_type


def docs_html(openapi_url: str, title: str, assets_url: str) -> bytes:
    """The Swagger UI page for an OpenAPI document, its script, style and icon under `assets_url`."""
    return get_swagger_ui_html(
        openapi_url=openapi_url,
        title=title,
        swagger_js_url=f"{assets_url}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets_url}/swagger-ui.css",
        swagger_favicon_url=f"{assets_url}/favicon.png",
    ).body


def docs_router(prefix: str, title: str) -> APIRouter:
    """A service's own documentation page at `<prefix>/docs`, its assets at `<prefix>/docs/assets/<name>`."""
    router = APIRouter(include_in_schema=False)
    page = docs_html(f"{prefix}/openapi.json", title, f"{prefix}/docs/assets")

    @router.get(f"{prefix}/docs")
    async def documentation() -> HTMLResponse:
        return HTMLResponse(page)

    @router.get(f"{prefix}/docs/assets/{{name}}")
    async def documentation_asset(name: str) -> Response:
        if name not in ASSETS:
            raise NotFound(f"文档资源 {name} 不存在", code="no_such_asset")
        body, content_type = asset(name)
        return Response(body, media_type=content_type, headers={"cache-control": ASSET_CACHE})

    return router
