"""The console's test kit: a person in a browser-like client (cookies kept, redirects followed) who signs in
through the provider's real login page, reads pages as text and posts the forms they show."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import httpx

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
TAGS = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


def hidden_fields(page: str) -> dict[str, str]:
    return {html.unescape(name): html.unescape(value) for name, value in HIDDEN.findall(page)}


def text_of(page: str) -> str:
    return SPACE.sub(" ", html.unescape(TAGS.sub(" ", page)))


@dataclass
class Person:
    http: httpx.AsyncClient

    async def sign_in(self, username: str, password: str, start: str = "/console/") -> httpx.Response:
        return await self.sign_in_here(await self.http.get(start), username, password)

    async def sign_in_here(self, page: httpx.Response, username: str, password: str) -> httpx.Response:
        """Fill in the provider's login page the console sent the person to."""
        assert "用户登录" in page.text, page.text[:300]
        login = str(page.url).split("?")[0].rsplit("/", 1)[0] + "/login"
        form = hidden_fields(page.text) | {"username": username, "password": password, "otp": ""}
        return await self.http.post(login, data=form)

    async def get(self, path: str, **kwargs) -> httpx.Response:
        return await self.http.get(path, **kwargs)

    async def submit(self, page: httpx.Response, action: str, fields: dict[str, str]) -> httpx.Response:
        """Post a form of `page` as the browser would: its hidden fields (the CSRF token) and what was typed."""
        return await self.http.post(action, data=hidden_fields(page.text) | fields)

    async def post_raw(self, action: str, fields: dict[str, str]) -> httpx.Response:
        return await self.http.post(action, data=fields)


def browser(app, base_url: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=base_url, follow_redirects=True, timeout=30)
