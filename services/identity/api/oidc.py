"""The OpenID Connect protocol endpoints (JSON). Routes are thin: parse, call the use case, shape the answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from services.identity.api import oauth_docs
from services.identity.api.deps import deps_of
from services.identity.service.discovery import provider_metadata
from services.identity.service.errors import OAuthError
from services.identity.service.introspection import introspect, revoke, userinfo
from services.identity.service.token_grants import token_endpoint

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


async def _form(request: Request) -> dict[str, str]:
    """OAuth parameters: application/x-www-form-urlencoded, UTF-8 (RFC 6749 §3.2); a repeated parameter
    is an error (§3.1). Parsed with the standard library: the general form parser costs more than the grant."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded")
    try:
        pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "the body is not UTF-8") from None
    form = dict(pairs)
    if len(form) != len(pairs):
        repeated = sorted({k for k, _ in pairs if sum(1 for j, _ in pairs if j == k) > 1})
        raise OAuthError("invalid_request", f"repeated parameter: {', '.join(repeated)}")
    return form


def _oauth_error(exc: OAuthError) -> JSONResponse:
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="sitegroup"'
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


router = APIRouter(tags=["OpenID Connect"])


@router.get("/.well-known/openid-configuration")
async def discovery(request: Request) -> dict[str, Any]:
    return provider_metadata(deps_of(request).settings)


@router.get("/.well-known/oauth-authorization-server", summary="RFC 8414 metadata (the same document)")
async def oauth_metadata(request: Request) -> dict[str, Any]:
    return provider_metadata(deps_of(request).settings)


@router.get("/jwks")
async def jwks(request: Request) -> JSONResponse:
    return JSONResponse(deps_of(request).keys.jwks(), headers={"Cache-Control": "public, max-age=300"})


@router.post("/token", **oauth_docs.TOKEN)
async def token(request: Request) -> JSONResponse:
    try:
        body = await token_endpoint(deps_of(request), await _form(request), request.headers.get("authorization"))
    except OAuthError as exc:
        return _oauth_error(exc)
    return Response(orjson.dumps(body), media_type="application/json", headers=NO_STORE)


@router.post("/introspect", **oauth_docs.INTROSPECT)
async def introspection(request: Request) -> JSONResponse:
    try:
        body = await introspect(deps_of(request), await _form(request), request.headers.get("authorization"))
    except OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse(body, headers=NO_STORE)


@router.post("/revoke", **oauth_docs.REVOKE)
async def revocation(request: Request) -> Response:
    try:
        await revoke(deps_of(request), await _form(request), request.headers.get("authorization"))
    except OAuthError as exc:
        return _oauth_error(exc)
    return Response(status_code=200, headers=NO_STORE)


@router.get("/userinfo", **oauth_docs.USERINFO)
async def user_info(request: Request) -> JSONResponse:
    return await _userinfo(request)


@router.post("/userinfo", **oauth_docs.USERINFO)
async def user_info_by_post(request: Request) -> JSONResponse:
    return await _userinfo(request)


async def _userinfo(request: Request) -> JSONResponse:
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    claims = await userinfo(deps_of(request), bearer.strip() if scheme.lower() == "bearer" else None)
    return JSONResponse(claims, headers=NO_STORE)
