"""The platform's APIs as the console calls them: always with the signed-in person's own access token, so the
services decide what each person may see and do (the console never widens it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class ApiError(Exception):
    """An API's refusal, in its envelope's words (shown to the person as is: the APIs speak Chinese)."""

    status: int
    code: str
    message: str
    fields: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    def beside_fields(self) -> dict[str, str]:
        """Messages by form field ('body.title' → 'title'), or the whole message above the form ('')."""
        return {name.rsplit(".", 1)[-1]: message for name, message in self.fields.items()} or {"": self.message}


class PlatformApi:
    """One pooled client onto the gateway (or, in the consolidated process, the services in-process)."""

    def __init__(self, base_url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def close(self) -> None:
        await self.http.aclose()

    async def call(self, token: str | None, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON of a 2xx answer (None for 204); an ApiError for anything else."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = await self.http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(
                503, "service_unavailable", f"平台接口暂时无法访问（{type(exc).__name__}），请稍后重试"
            ) from None
        if response.is_success:
            return None if response.status_code == 204 or not response.content else response.json()
        raise _refusal(response)

    async def form(self, path: str, data: dict[str, str], auth: tuple[str, str]) -> dict[str, Any]:
        """A form POST with client authentication (the token endpoint), its JSON whatever the status."""
        try:
            response = await self.http.post(path, data=data, auth=auth)
        except httpx.HTTPError as exc:
            raise ApiError(503, "service_unavailable", f"统一身份认证暂时无法访问（{type(exc).__name__}）") from None
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        if not response.is_success:
            raise ApiError(response.status_code, body.get("error", "error"), body.get("error_description", ""))
        return body


def _refusal(response: httpx.Response) -> ApiError:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    if not isinstance(error, dict):
        error = {}
    details = error.get("details")
    fields = {}
    if isinstance(details, list):  # 422: [{"field": …, "message": …}]
        fields = {str(d.get("field", "")): str(d.get("message", "")) for d in details if isinstance(d, dict)}
    message = str(error.get("message") or f"平台接口返回 {response.status_code}")
    return ApiError(response.status_code, str(error.get("code") or "error"), message, fields)
