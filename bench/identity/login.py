"""The browser's login flow (authorize → login page → POST /login → code → token), as the login measure
times it and as each refresh-token worker gets its first refresh token."""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import re
import secrets
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx

from bench.identity import AUTHORIZE_PATH, LOGIN_PATH, PASSWORD, PORTAL, REDIRECT, TOKEN_PATH, BenchError
from bench.identity.load import Call, expect
from bench.identity.seeding import Seed
from bench.identity.server import Server

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def pkce_challenge(verifier: str) -> str:
    """S256 of the verifier, as the portal sends it to /authorize."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def login_form(browser: httpx.AsyncClient, verifier: str) -> dict[str, str]:
    """A new browser (empty cookie jar) opens the portal's authorization URL: the login page's hidden inputs."""
    browser.cookies.clear()
    params = {
        "response_type": "code",
        "client_id": PORTAL,
        "redirect_uri": REDIRECT,
        "scope": "openid offline_access",
        "state": secrets.token_urlsafe(16),
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
    }
    page = await browser.get(AUTHORIZE_PATH, params=params)
    if page.status_code != 200 or "用户登录" not in page.text:
        raise BenchError(f"authorize: {page.status_code} {page.text[:150]}")
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}


async def log_in(browser: httpx.AsyncClient, username: str, verifier: str) -> tuple[float, httpx.Response]:
    """Login page, then the timed POST /login (argon2id inside) answered 303 back to /authorize."""
    form = await login_form(browser, verifier) | {"username": username, "password": PASSWORD}
    began = time.perf_counter()
    answer = await browser.post(LOGIN_PATH, data=form)
    took = time.perf_counter() - began
    if answer.status_code != 303:
        raise BenchError(f"login: {answer.status_code} {answer.text[:150]}")
    return took, answer


def login_call(browser: httpx.AsyncClient, usernames: Iterator[str]) -> Call:
    """One timed login per call, the next account each time, a fresh PKCE verifier each time."""

    async def call() -> float:
        took, _ = await log_in(browser, next(usernames), secrets.token_urlsafe(48))
        return took

    return call


async def refresh_token_by_login(browser: httpx.AsyncClient, username: str, portal: dict[str, str]) -> str:
    """The whole code + PKCE flow of the portal; the refresh token it ends with."""
    verifier = secrets.token_urlsafe(48)
    _, answer = await log_in(browser, username, verifier)
    back = await browser.get(answer.headers["location"])
    if back.status_code != 302 or not back.headers["location"].startswith(REDIRECT):
        raise BenchError(f"authorize after login: {back.status_code} {back.text[:150]}")
    code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    token = await browser.post(TOKEN_PATH, data=form, headers=portal)
    expect(200)(token)
    return token.json()["refresh_token"]


async def initial_refresh_tokens(server: Server, seed_: Seed, portal: dict[str, str], count: int) -> list[str]:
    """One refresh token per worker, each from a login of its own (accounts in turn)."""
    async with browser_for(server) as browser:
        names = itertools.cycle(seed_.usernames)
        return [await refresh_token_by_login(browser, next(names), portal) for _ in range(count)]


def browser_for(server: Server) -> httpx.AsyncClient:
    """A browser that stops at redirects: the flow reads each Location itself."""
    return httpx.AsyncClient(base_url=server.base_url, timeout=60.0, follow_redirects=False)
