"""The authorization endpoint: validate the request, sign the person in, hand the client a one-time code."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from services.identity.models import AuthorizationCode, Client, LoginSession
from services.identity.service.accounts import sign_in
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from services.identity.service.errors import AuthorizeRefused, LoginFailed, OAuthError
from services.identity.service.second_factor import EnrolmentNeeded
from services.identity.service.secrets import digest, new_secret
from services.identity.service.sessions import open_session

SUPPORTED_SCOPES = ("openid", "profile", "email", "phone", "offline_access")


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    client_id: str
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    code_challenge: str | None
    prompt: str | None


async def validate_request(uow: IdentityUnitOfWork, params: dict[str, str]) -> tuple[Client, AuthorizeRequest]:
    """Client and redirect URI first (errors shown here), then the rest (errors sent to the client)."""
    client = await uow.repo.client(params.get("client_id", ""))
    if client is None or client.disabled:
        raise AuthorizeRefused("未知的应用（client_id 无效）")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in client.redirect_uris:  # exact match, never a prefix (RFC 9700 §4.1.3)
        raise AuthorizeRefused("回调地址与该应用登记的不一致（redirect_uri 无效）")
    request = AuthorizeRequest(
        client_id=client.id,
        redirect_uri=redirect_uri,
        scope=params.get("scope", ""),
        state=params.get("state"),
        nonce=params.get("nonce"),
        code_challenge=params.get("code_challenge"),
        prompt=params.get("prompt"),
    )
    _check(client, request, params)
    return client, request


def _check(client: Client, request: AuthorizeRequest, params: dict[str, str]) -> None:
    if params.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "only response_type=code is supported")
    if "authorization_code" not in client.grant_types:
        raise OAuthError("unauthorized_client", "this client may not use the authorization code grant")
    scopes = request.scope.split()
    unknown = [s for s in scopes if s not in SUPPORTED_SCOPES or s not in client.scopes]
    if not scopes or unknown:
        raise OAuthError("invalid_scope", f"scope not allowed: {' '.join(unknown) or '(empty)'}")
    if request.code_challenge is not None and params.get("code_challenge_method") != "S256":
        raise OAuthError("invalid_request", "code_challenge_method must be S256")
    if client.public and request.code_challenge is None:
        raise OAuthError("invalid_request", "public clients must send a PKCE code_challenge (S256)")
    if request.prompt not in (None, "", "login", "none", "consent"):
        raise OAuthError("invalid_request", f"prompt {request.prompt!r} is not supported")


def error_redirect(deps: IdentityDeps, request: AuthorizeRequest, error: OAuthError) -> str:
    return _redirect(deps, request, {"error": error.error, "error_description": error.description})


def _redirect(deps: IdentityDeps, request: AuthorizeRequest, values: dict[str, str]) -> str:
    values = values | {"iss": deps.settings.issuer}  # RFC 9207: the client checks who answered
    if request.state is not None:
        values["state"] = request.state
    separator = "&" if "?" in request.redirect_uri else "?"
    return f"{request.redirect_uri}{separator}{urlencode(values)}"


async def issue_code(
    uow: IdentityUnitOfWork, deps: IdentityDeps, request: AuthorizeRequest, session: LoginSession
) -> str:
    """The redirect back to the client carrying a fresh single-use code."""
    code = new_secret()
    uow.session.add(
        AuthorizationCode(
            code_hash=digest(code),
            client_id=request.client_id,
            session_id=session.id,
            redirect_uri=request.redirect_uri,
            scope=request.scope,
            nonce=request.nonce,
            code_challenge=request.code_challenge,
            expires_at=deps.after(deps.settings.code_seconds),
        )
    )
    if request.client_id not in session.clients:
        session.clients = [*session.clients, request.client_id]
    return _redirect(deps, request, {"code": code})


async def log_in(
    deps: IdentityDeps, username: str, password: str, otp: str | None, ip: str | None
) -> tuple[str, LoginSession]:
    """Sign in and open a provider session; a failure is committed too (it counts towards the lockout),
    and so is the start of an enrolment (its pending secret)."""
    if deps.throttle.blocked(ip):
        raise LoginFailed("登录尝试过于频繁，请稍后再试")
    async with deps.uow() as uow:
        try:
            account, amr = await sign_in(uow, deps, username, password, otp, ip)
        except LoginFailed:
            deps.throttle.failed(ip)
            await uow.commit()
            raise
        except EnrolmentNeeded:
            await uow.commit()
            raise
        cookie, session = open_session(uow, deps, account, amr)
        await uow.commit()
    return cookie, session
