"""The authorization endpoint's decision, in one transaction: send the client a code or an error, or show the
person the login, consent or error page. Routes only turn the decision into a response."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from services.identity.service.authorize import AuthorizeRequest, error_redirect, issue_code, validate_request
from services.identity.service.consent import needs_consent, scope_descriptions
from services.identity.service.context import IdentityDeps
from services.identity.service.errors import AuthorizeRefused, OAuthError
from services.identity.service.sessions import current_session


@dataclass(frozen=True, slots=True)
class Authorization:
    """Either `redirect_to` (back to the client: a code, or an error it must hear) or a `page` to show."""

    redirect_to: str | None = None
    page: Literal["login", "consent", "error"] | None = None
    message: str | None = None  # the error page's
    client_name: str | None = None  # the consent page's
    scopes: list[str] = field(default_factory=list)


async def authorize(deps: IdentityDeps, params: dict[str, str], session_cookie: str | None) -> Authorization:
    """Validate the request; a signed-in person who has agreed gets a single-use code for the client."""
    async with deps.uow() as uow:
        try:
            client, request = await validate_request(uow, params)
        except AuthorizeRefused as exc:
            return Authorization(page="error", message=str(exc))
        except OAuthError as exc:
            return Authorization(redirect_to=error_redirect(deps, _partial(params), exc))
        session = await current_session(uow, deps, session_cookie)
        silent = request.prompt == "none"
        if session is None or request.prompt == "login":
            if silent:
                return _refused(deps, request, "login_required", "the person is not signed in")
            return Authorization(page="login")
        if await needs_consent(uow, client, request, session):
            if silent:
                return _refused(deps, request, "consent_required", "the person has not agreed yet")
            return Authorization(page="consent", client_name=client.name, scopes=scope_descriptions(request.scope))
        target = await issue_code(uow, deps, request, session)
        await uow.commit()
    return Authorization(redirect_to=target)


async def decline(deps: IdentityDeps, params: dict[str, str]) -> Authorization:
    """The person did not agree: the client hears it, at a redirect URI registered for it and nowhere else."""
    async with deps.uow() as uow:
        try:
            _, request = await validate_request(uow, params)
        except (AuthorizeRefused, OAuthError):
            return Authorization(page="error", message="授权请求无效")
    return _refused(deps, request, "access_denied", "the person did not agree")


def _refused(deps: IdentityDeps, request: AuthorizeRequest, error: str, description: str) -> Authorization:
    return Authorization(redirect_to=error_redirect(deps, request, OAuthError(error, description)))


def _partial(params: dict[str, str]) -> AuthorizeRequest:
    """What a request refused before it was whole still says: where to send the error, and its state."""
    return AuthorizeRequest(params["client_id"], params["redirect_uri"], "", params.get("state"), None, None, None)
