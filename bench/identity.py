"""bench.identity — the identity provider (services/identity) on one core: local access-token verification,
token issuance over HTTP, and the login's latency at the real argon2id cost.

    .venv/bin/python -m bench.identity [--json bench/results/identity.json] [--workers 16] [--requests 5000]
                                       [--logins 200] [--login-workers 4] [--unpinned]
    .venv/bin/python -m bench.identity serve --db PATH --port P      (the server process the HTTP parts start)

Setup: a fresh SQLite file in a temporary directory, migrated (`services.identity.main.migrate`), with
IdentitySettings at their defaults (argon2id t=2, m=19,456 KiB, p=1; 2048-bit RSA keys, RS256) but for the
database and the issuer. Accounts and clients are made in-process through the service's own use cases
(`create_account`, `register_client`): `--accounts` staff accounts with an editor grant, a confidential
service client (client_credentials, scope content.read, service grant {site *, role reader}) and a
confidential portal (authorization code + PKCE, refresh tokens). This process pins itself to core 1.

1. Verification, in this process: `shared.auth.TokenVerifier` over `JwksSource("file://…")`, the JWKS
   written from the provider's key ring, its keys loaded before the clock starts. The tokens are made by
   the provider's own `access_token()` (RFC 9068: typ at+jwt, iss/aud/sub/exp, client_id, scope, `grants`,
   name, acr, auth_time, sid). Distinct tokens: every token verified once by a fresh verifier per round,
   so its `_verified` cache never hits (RS256 + claims + principal every time); repeated: one token
   verified again and again (the cache hits). Median of the rounds, after `gc.collect(); gc.freeze()` as a
   long-running server does after start (sitegroup/consolidated.py): otherwise a full collection of this
   process's ~140k objects (~90 ms) lands in some rounds. Then, per distinct token, what its parts cost:
   `jwt.decode` (base64, JSON, RS256), the claims registry, the Principal, RSA verify alone.
2. Issuance over HTTP: `python -m bench.identity serve` under `taskset -c 0` serves
   `create_app(settings, access_log=False)` with uvicorn (1 worker, `shared.web.UVICORN_OPTIONS`: httptools,
   stdlib asyncio loop; log level warning). `--workers` closed-loop workers on core 1 (this process, on
   uvloop), one keep-alive connection each: POST /token client_credentials (client_secret_basic), and the
   refresh_token grant with rotation (each worker starts from a refresh token of its own, got through the
   whole code + PKCE login flow, and sends the new one it gets back each time). Twice: through
   httpx.AsyncClient, and through a raw HTTP/1.1 client (prepared request bytes, answers read by
   Content-Length) because httpx alone costs ~1 ms of client CPU per request and so cannot drive 1,000/s
   from one core. `--warmup` requests first, not measured; then `--requests` measured: tokens/s,
   p50/p95/p99. Server CPU from /proc/<pid>/stat, the load generator's from getrusage (100 % = one core).
   `GET /healthz` through each client is its harness floor. A row that misses its target while the server's
   core was < 90 % busy says "client-bound": it measured the client, not the server.
3. Login: the browser's form flow, one httpx client (cookie jar) per worker, emptied before each login:
   GET /authorize (portal, PKCE) → the login page (hidden inputs, csrf cookie) → POST /login with a correct
   password → 303. Only the POST is timed. `--logins` sequential logins (1 worker), then as many at
   `--login-workers` concurrent workers; accounts taken in turn (only correct passwords: 5 failures lock one).

Targets (issue: "server on one core"): verification ≥ 20,000/s, issuance ≥ 1,000 tokens/s, login p99 < 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gc
import hashlib
import html
import itertools
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from rich.table import Table
from rich.text import Text

from bench.common import Target, console, fmt, machine, quiet_logs, summary_ms, warn_if_busy, write_json
from bench.processes import (
    CLIENT_CORE,
    cpu_between,
    cpu_sample,
    free_port,
    pin_this_process,
    pinning_possible,
    spawn,
    stop,
    taskset,
    wait_ready,
)
from bench.rawhttp import RawConnection, RawHttpError, raw_request

PREFIX = "/api/v1/identity"
ISSUER = f"https://id.bench.sitegroup{PREFIX}"
TOKEN_PATH, LOGIN_PATH, AUTHORIZE_PATH = f"{PREFIX}/token", f"{PREFIX}/login", f"{PREFIX}/authorize"
PASSWORD = "Bench-2026-zhengwu"
PORTAL, INDEXER = "bench-portal", "bench-indexer"
REDIRECT = "https://www.bench.gov.cn/oidc/callback"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
VERIFY_TARGET = Target(20_000, True, "/s")
ISSUE_TARGET = Target(1_000, True, "tokens/s")
LOGIN_TARGET = Target(500, False, "ms")

Call = Callable[[], Awaitable[float]]  # one request (or the timed part of a flow); returns its seconds


class BenchError(Exception):
    """A request answered other than the flow expects."""


# setup ---------------------------------------------------------------------------------------------
def identity_settings(db: Path):
    from services.identity.config import IdentitySettings

    return IdentitySettings(
        database_url=f"sqlite+aiosqlite:///{db}", issuer=ISSUER, log_json=False, log_level="WARNING"
    )


def drop_identity_env() -> None:
    """IDENTITY_* variables would override the defaults this bench states (argon2 cost, lifetimes)."""
    for name in [k for k in os.environ if k.startswith("IDENTITY_")]:
        del os.environ[name]


@dataclass
class Seed:
    usernames: list[str]
    indexer_secret: str
    portal_secret: str
    password_hash: str  # one stored hash: its header names the argon2 parameters really used
    jwks: dict[str, Any]
    rsa_bits: int


@contextlib.asynccontextmanager
async def provider(settings) -> AsyncIterator[Any]:
    """The provider's dependencies in this process (keys loaded), for seeding and minting."""
    from services.identity.main import IdentityRuntime

    runtime = IdentityRuntime(settings)
    await runtime.load_keys()
    try:
        yield runtime.deps
    finally:
        await runtime.stop()


async def seed(deps, accounts: int) -> Seed:
    """Staff accounts with an editor grant, the service client and the portal, through the use cases."""
    from services.identity.models import RoleGrant
    from services.identity.service.accounts import create_account

    async with deps.uow() as uow:
        made = []
        for i in range(accounts):
            account = await create_account(
                uow, deps, actor="bench", username=f"bench{i:02d}", password=PASSWORD, kind="staff", name="张伟"
            )
            uow.session.add(RoleGrant(account_id=account.id, site_id="hefei", role="editor", granted_by="bench"))
            made.append(account)
        indexer_secret, portal_secret = await register_clients(uow, deps)
        await uow.commit()
    return Seed(
        usernames=[a.username for a in made],
        indexer_secret=indexer_secret,
        portal_secret=portal_secret,
        password_hash=made[0].password_hash,
        jwks=deps.keys.jwks(),
        rsa_bits=deps.keys.active.raw_value.key_size,
    )


async def register_clients(uow, deps) -> tuple[str, str]:
    from services.identity.service.clients import register_client

    _, indexer = await register_client(
        uow,
        deps,
        actor="bench",
        client_id=INDEXER,
        public=False,
        name="全文检索服务",
        grant_types=["client_credentials"],
        scopes=["content.read"],
        service_grants=[{"site": "*", "role": "reader"}],
    )
    _, portal = await register_client(
        uow,
        deps,
        actor="bench",
        client_id=PORTAL,
        public=False,
        name="门户网站",
        redirect_uris=[REDIRECT],
        grant_types=["authorization_code", "refresh_token"],
        scopes=["openid", "profile", "offline_access"],
    )
    return indexer or "", portal or ""


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


# 1. verification -----------------------------------------------------------------------------------
def provider_tokens(deps, count: int) -> tuple[list[str], float]:
    """`count` distinct access tokens as the provider signs a person's, and µs per token to sign them."""
    from services.identity.service.tokens import access_token

    now = int(time.time())
    began = time.perf_counter()
    tokens = [
        access_token(
            deps,
            subject=f"u-{i:020d}",
            client_id=PORTAL,
            scope="openid profile offline_access",
            grants=[{"site": "hefei", "role": "editor"}],
            name="张伟",
            acr="urn:sitegroup:loa:1",
            auth_time=now,
            sid=secrets.token_urlsafe(16),
        )[0]
        for i in range(count)
    ]
    return tokens, 1e6 * (time.perf_counter() - began) / count


async def verify_distinct(new_verifier: Callable[[], Any], tokens: list[str], rounds: int) -> dict[str, Any]:
    """A fresh TokenVerifier (empty cache) per round over the same keys: every verify is a miss."""
    rates = []
    for _ in range(rounds):
        verifier = new_verifier()
        began = time.perf_counter()
        for token in tokens:
            await verifier.verify(token)
        rates.append(len(tokens) / (time.perf_counter() - began))
    return rate_result(rates, len(tokens))


async def verify_repeated(new_verifier: Callable[[], Any], token: str, count: int, rounds: int) -> dict[str, Any]:
    """One verifier, one token: after the first call every verify is a cache hit."""
    verifier = new_verifier()
    await verifier.verify(token)
    rates = []
    for _ in range(rounds):
        began = time.perf_counter()
        for _ in range(count):
            await verifier.verify(token)
        rates.append(count / (time.perf_counter() - began))
    return rate_result(rates, count)


def rate_result(rates: list[float], per_round: int) -> dict[str, Any]:
    rate = median(rates)
    overall = len(rates) / sum(1 / r for r in rates)  # all rounds' calls over all rounds' time
    return {
        "per_s": rate,
        "us_each": 1e6 / rate,
        "overall_per_s": overall,
        "rounds": [round(r) for r in rates],
        "per_round": per_round,
    }


def verify_parts(keys, verifier, tokens: list[str], public_key) -> dict[str, float]:
    """µs per distinct token of each step TokenVerifier._verify takes, and of the RSA check alone."""
    from joserfc import jwt

    from shared.auth.verifier import ALGORITHMS, _principal

    marks = [time.perf_counter()]
    decoded = [jwt.decode(t, keys, algorithms=list(ALGORITHMS)) for t in tokens]
    marks.append(time.perf_counter())
    for d in decoded:
        verifier._check_claims(d.claims)
    marks.append(time.perf_counter())
    for d in decoded:
        _principal(d.claims)
    marks.append(time.perf_counter())
    rsa_verify_all(public_key, tokens)
    marks.append(time.perf_counter())
    names = ("jwt.decode (base64 + JSON + RS256)", "claims (iss, aud, exp, nbf, iat, sub)", "Principal + Grants")
    steps = [*names, "RSA-2048 PKCS#1 v1.5 verify alone"]
    return {name: 1e6 * (b - a) / len(tokens) for name, a, b in zip(steps, marks[:-1], marks[1:], strict=True)}


def rsa_verify_all(public_key, tokens: list[str]) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    for token in tokens:
        signing_input, _, signature = token.rpartition(".")
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        public_key.verify(raw, signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())


async def measure_verification(deps, seed_: Seed, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    from shared.auth import JwksSource, TokenVerifier

    jwks = tmp / "jwks.json"
    jwks.write_text(json.dumps(seed_.jwks))
    source = JwksSource(f"file://{jwks}")
    keys = await source.keys()  # cached from here on
    # What a long-running server does after start (sitegroup/consolidated.py): the ~140k objects built so far
    # out of the collector's sight. Otherwise a full collection (~90 ms here) lands in some rounds.
    gc.collect()
    gc.freeze()

    def new_verifier() -> TokenVerifier:
        return TokenVerifier(source, issuer=ISSUER, audience=deps.settings.resource_audience)

    tokens, sign_us = provider_tokens(deps, args.verify_tokens)
    console.print(f"[dim]verification: {len(tokens)} tokens of {len(tokens[0])} bytes signed[/]")
    return {
        "token_bytes": len(tokens[0]),
        "sign_us_each": sign_us,
        "distinct": await verify_distinct(new_verifier, tokens, args.verify_rounds),
        "repeated": await verify_repeated(new_verifier, tokens[0], args.repeat, args.verify_rounds),
        "parts_us": verify_parts(keys, new_verifier(), tokens, deps.keys.active.raw_value.public_key()),
    }


def argon2_verify_ms(deps, stored: str, count: int = 20) -> float:
    """One argon2id verify of a correct password, median of `count`, in this process."""
    times = []
    for _ in range(count):
        began = time.perf_counter()
        if not deps.passwords.verify(stored, PASSWORD):
            raise BenchError("the seeded password does not verify")
        times.append(time.perf_counter() - began)
    return 1000 * median(times)


# the server process --------------------------------------------------------------------------------
def serve(db: Path, port: int) -> None:
    """The identity app on a migrated, seeded database, as the HTTP parts measure it."""
    import uvicorn

    from services.identity.main import create_app
    from shared.web import UVICORN_OPTIONS, FreezeAfterStartup

    quiet_logs()
    app = FreezeAfterStartup(create_app(identity_settings(db), access_log=False))  # as `sitegroup serve` runs it
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False, **UVICORN_OPTIONS)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[str]:
        return [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]


@contextlib.asynccontextmanager
async def server_process(tmp: Path, db: Path, *, pin: bool) -> AsyncIterator[Server]:
    """`bench.identity serve` in a process of its own (under `taskset -c 0`), ready; stopped by its pid."""
    port = free_port()
    command = [*taskset(pin), sys.executable, "-m", "bench.identity", "serve", "--db", str(db), "--port", str(port)]
    server = Server(spawn(command, tmp / "server.log"), port, tmp / "server.log")
    try:
        await wait_ready(server.process, f"{server.base_url}/readyz", server.log, timeout=60.0)
        yield server
    finally:
        await stop(server.process)


# load ----------------------------------------------------------------------------------------------
async def closed_loop(calls: list[Call], total: int) -> tuple[list[float], list[str], float]:
    """Each call a worker of its own, starting its next request when the last is answered, `total` in all."""
    started = itertools.count()
    latencies: list[float] = []
    errors: list[str] = []

    async def worker(call: Call) -> None:
        while next(started) < total:
            try:
                latencies.append(await call())
            except (BenchError, RawHttpError, httpx.HTTPError, OSError, asyncio.IncompleteReadError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])

    began = time.perf_counter()
    await asyncio.gather(*(worker(call) for call in calls))
    return latencies, errors, time.perf_counter() - began


async def measure_load(server: Server, calls: list[Call], total: int, warmup: int) -> dict[str, Any]:
    """`warmup` requests, then `total` measured ones with the CPU both processes used meanwhile."""
    if warmup:
        await closed_loop(calls, warmup)
    before = cpu_sample(server.process.pid)
    latencies, errors, seconds = await closed_loop(calls, total)
    cpu = cpu_between(before, cpu_sample(server.process.pid))
    done = len(latencies)
    return {
        "workers": len(calls),
        "requests": done,
        "errors": len(errors),
        "first_errors": errors[:5],
        "seconds": seconds,
        "per_s": done / seconds,
        "latency_ms": summary_ms(latencies),
        "cpu": cpu,
        "server_cpu_ms_per_request": 10 * cpu["server_pct"] * cpu["interval_s"] / max(1, done),
        "loadgen_cpu_ms_per_request": 10 * cpu["loadgen_pct"] * cpu["interval_s"] / max(1, done),
    }


def timed_post(client: httpx.AsyncClient, path: str, check: Callable[[httpx.Response], None], **kwargs) -> Call:
    async def call() -> float:
        began = time.perf_counter()
        response = await client.post(path, **kwargs)
        took = time.perf_counter() - began
        check(response)
        return took

    return call


def expect(status: int) -> Callable[[httpx.Response], None]:
    def check(response: httpx.Response) -> None:
        if response.status_code != status:
            raise BenchError(f"{response.request.url.path}: {response.status_code} {response.text[:150]}")

    return check


def health_call(client: httpx.AsyncClient) -> Call:
    async def call() -> float:
        began = time.perf_counter()
        response = await client.get("/healthz")
        took = time.perf_counter() - began
        expect(200)(response)
        return took

    return call


def refresh_call(client: httpx.AsyncClient, headers: dict[str, str], first: str) -> Call:
    """The refresh_token grant with rotation: every answer's new refresh token is the next one sent."""
    current = [first]

    async def call() -> float:
        form = {"grant_type": "refresh_token", "refresh_token": current[0]}
        began = time.perf_counter()
        response = await client.post(TOKEN_PATH, data=form, headers=headers)
        took = time.perf_counter() - began
        expect(200)(response)
        current[0] = response.json()["refresh_token"]
        return took

    return call


# the browser's login flow --------------------------------------------------------------------------
def pkce_challenge(verifier: str) -> str:
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


# a raw HTTP/1.1 client (bench.rawhttp) ------------------------------------------------------------


def raw_call(connection: RawConnection, request: bytes) -> Call:
    async def call() -> float:
        began = time.perf_counter()
        status, body = await connection.exchange(request)
        took = time.perf_counter() - began
        if status != 200:
            raise BenchError(f"{status} {body[:150]!r}")
        return took

    return call


def raw_refresh_call(connection: RawConnection, headers: dict[str, str], first: str) -> Call:
    current = [first]

    async def call() -> float:
        form = {"grant_type": "refresh_token", "refresh_token": current[0]}
        request = raw_request("POST", TOKEN_PATH, headers, form=form)
        began = time.perf_counter()
        status, body = await connection.exchange(request)
        took = time.perf_counter() - began
        if status != 200:
            raise BenchError(f"{status} {body[:150]!r}")
        current[0] = json.loads(body)["refresh_token"]
        return took

    return call


# the HTTP parts ------------------------------------------------------------------------------------
async def measure_http(server: Server, seed_: Seed, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    indexer, portal = basic(INDEXER, seed_.indexer_secret), basic(PORTAL, seed_.portal_secret)
    firsts = await initial_refresh_tokens(server, seed_, portal, 2 * args.workers)
    results = await httpx_runs(server, indexer, portal, firsts[: args.workers], args)
    results |= await raw_runs(server, indexer, portal, firsts[args.workers :], args)
    results["login_1"] = await run_logins(server, seed_, 1, args)
    results[f"login_{args.login_workers}"] = await run_logins(server, seed_, args.login_workers, args)
    return results


async def httpx_runs(
    server: Server, indexer: dict[str, str], portal: dict[str, str], firsts: list[str], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """The three loads through one httpx.AsyncClient, a keep-alive connection per worker."""
    limits = httpx.Limits(max_connections=args.workers, max_keepalive_connections=args.workers)
    cc_form = {"grant_type": "client_credentials"}
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=60.0) as client:
        health = [health_call(client)] * args.workers
        cc = [timed_post(client, TOKEN_PATH, expect(200), data=cc_form, headers=indexer)] * args.workers
        refreshes = [refresh_call(client, portal, first) for first in firsts]
        return {
            "httpx_healthz": await run_load("httpx GET /healthz", server, health, args),
            "httpx_client_credentials": await run_load("httpx client_credentials", server, cc, args),
            "httpx_refresh_token": await run_load("httpx refresh_token", server, refreshes, args),
        }


async def raw_runs(
    server: Server, indexer: dict[str, str], portal: dict[str, str], firsts: list[str], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """The same three loads through RawConnection, one per worker."""
    cc = raw_request("POST", TOKEN_PATH, indexer, form={"grant_type": "client_credentials"})
    health = raw_request("GET", "/healthz", {})
    connections = [await RawConnection.open(server.port) for _ in range(args.workers)]
    try:
        return {
            "raw_healthz": await run_load("raw GET /healthz", server, [raw_call(c, health) for c in connections], args),
            "raw_client_credentials": await run_load(
                "raw client_credentials", server, [raw_call(c, cc) for c in connections], args
            ),
            "raw_refresh_token": await run_load(
                "raw refresh_token",
                server,
                [raw_refresh_call(c, portal, first) for c, first in zip(connections, firsts, strict=True)],
                args,
            ),
        }
    finally:
        for connection in connections:
            await connection.close()


async def run_load(label: str, server: Server, calls: list[Call], args: argparse.Namespace) -> dict[str, Any]:
    console.print(f"[dim]{label}: {args.warmup} warm-up + {args.requests} requests, {len(calls)} workers[/]")
    return await measure_load(server, calls, args.requests, args.warmup)


async def initial_refresh_tokens(server: Server, seed_: Seed, portal: dict[str, str], count: int) -> list[str]:
    """One refresh token per worker, each from a login of its own (accounts in turn)."""
    async with browser_for(server) as browser:
        names = itertools.cycle(seed_.usernames)
        return [await refresh_token_by_login(browser, next(names), portal) for _ in range(count)]


def browser_for(server: Server) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.base_url, timeout=60.0, follow_redirects=False)


async def run_logins(server: Server, seed_: Seed, workers: int, args: argparse.Namespace) -> dict[str, Any]:
    console.print(f"[dim]login: {args.login_warmup} warm-up + {args.logins} logins, {workers} worker(s)[/]")
    names = itertools.cycle(seed_.usernames)
    async with contextlib.AsyncExitStack() as stack:
        browsers = [await stack.enter_async_context(browser_for(server)) for _ in range(workers)]
        calls = [login_call(browser, names) for browser in browsers]
        return await measure_load(server, calls, args.logins, args.login_warmup)


# output --------------------------------------------------------------------------------------------
def argon2_parameters(stored: str) -> str:
    """'m=19456,t=2,p=1' from a stored hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)."""
    return stored.split("$")[3]


def verdict(target: Target, value: float) -> Text:
    ok = target.met(value)
    return Text("✓ met" if ok else "✗ missed", style="green" if ok else "bold red")


def load_verdict(target: Target, r: dict[str, Any]) -> Text:
    """Missed while the server's core was not full: the client is what limited it, not the server."""
    server = r["cpu"]["server_pct"]
    if not target.met(r["per_s"]) and server < 90:
        return Text("– client-bound", style="yellow")
    return verdict(target, r["per_s"])


def http_figure(r: dict[str, Any]) -> str:
    lat, cpu = r["latency_ms"], r["cpu"]
    return (
        f"{fmt(r['per_s'], 0)}/s · p50 {fmt(lat['p50'], 1)} · p99 {fmt(lat['p99'], 1)} ms · "
        f"CPU server {cpu['server_pct']:.0f} · client {cpu['loadgen_pct']:.0f} %"
    )


def summary_rows(results: dict[str, Any], login_workers: int) -> list[tuple[str, str, str, Text | str]]:
    v, h = results["verification"], results["http"]
    rows: list[tuple[str, str, str, Text | str]] = []
    for name, label in (
        ("distinct", "distinct tokens (misses)"),
        ("repeated", "one token again (hits)"),
    ):
        per_s = v[name]["per_s"]
        rows.append((f"verify, {label}", f"{fmt(per_s, 0)}/s", VERIFY_TARGET.label(), verdict(VERIFY_TARGET, per_s)))
    for client in ("raw", "httpx"):
        for grant in ("client_credentials", "refresh_token"):
            r = h[f"{client}_{grant}"]
            rows.append((f"{grant} · {client}", http_figure(r), ISSUE_TARGET.label(), load_verdict(ISSUE_TARGET, r)))
    for workers in (1, login_workers):
        lat = h[f"login_{workers}"]["latency_ms"]
        figure = f"p50 {fmt(lat['p50'], 1)} · p95 {fmt(lat['p95'], 1)} · p99 {fmt(lat['p99'], 1)} ms"
        rows.append(
            (f"login POST p99 · {workers} worker(s)", figure, LOGIN_TARGET.label(), verdict(LOGIN_TARGET, lat["p99"]))
        )
    for client in ("raw", "httpx"):
        rows.append((f"GET /healthz · {client} (floor)", http_figure(h[f"{client}_healthz"]), "", ""))
    return rows


def summary_table(results: dict[str, Any], login_workers: int) -> Table:
    table = Table(title="bench.identity — server on one core (issuance: tokens/s · latency · CPU, 100 % = one core)")
    for column in ("measure", "figure", "target", "verdict"):
        table.add_column(column, justify="right" if column == "figure" else "left")
    for row in summary_rows(results, login_workers):
        table.add_row(*row)
    return table


def http_table(http: dict[str, dict[str, Any]]) -> Table:
    table = Table(title="over HTTP: server core 0, load generator core 1 (100 % = one core)")
    heads = ("run", "workers", "requests", "errors", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms")
    for head in (*heads, "server CPU", "client CPU", "server ms/req"):
        table.add_column(head, justify="left" if head == "run" else "right")
    for name, r in http.items():
        lat, cpu = r["latency_ms"], r["cpu"]
        table.add_row(
            name,
            str(r["workers"]),
            str(r["requests"]),
            str(r["errors"]),
            fmt(r["per_s"], 0),
            *(fmt(lat[k], 2) for k in ("p50", "p95", "p99", "max")),
            f"{cpu['server_pct']:.0f} %",
            f"{cpu['loadgen_pct']:.0f} %",
            fmt(r["server_cpu_ms_per_request"], 3),
        )
    return table


def verification_table(v: dict[str, Any]) -> Table:
    title = f"verification in this process, core 1 (median round; token of {v['token_bytes']} bytes)"
    table = Table(title=title)
    for head in ("step", "µs per token", "per s", "each round, per s"):
        table.add_column(head, justify="left" if head == "step" else "right")
    table.add_row("TokenVerifier.verify, distinct (miss)", *rate_cells(v["distinct"]["us_each"]), rounds(v["distinct"]))
    for name, us in v["parts_us"].items():
        table.add_row(f"  of which {name}", *rate_cells(us), "")
    table.add_row("TokenVerifier.verify, repeated (hit)", *rate_cells(v["repeated"]["us_each"]), rounds(v["repeated"]))
    table.add_row("provider signs one (access_token(), RS256)", *rate_cells(v["sign_us_each"]), "")
    return table


def rounds(rate: dict[str, Any]) -> str:
    return " ".join(f"{r:,}" for r in rate["rounds"])


def rate_cells(us: float) -> tuple[str, str]:
    return fmt(us, 1), fmt(1e6 / us, 0)


def print_report(results: dict[str, Any], args: argparse.Namespace) -> None:
    p = results["parameters"]
    console.print(
        f"passwords: argon2id {p['argon2']} (memory KiB, passes, lanes: the IdentitySettings defaults); "
        f"one verify in this process {fmt(p['argon2_verify_ms'], 1)} ms"
    )
    token_bytes = results["verification"]["token_bytes"]
    console.print(f"signing key: RSA {p['rsa_bits']} bits, RS256; an access token is {token_bytes} bytes")
    console.print(verification_table(results["verification"]))
    console.print(http_table(results["http"]))
    console.print(summary_table(results, args.login_workers))


# main ----------------------------------------------------------------------------------------------
async def run(args: argparse.Namespace) -> dict[str, Any]:
    from services.identity.main import migrate

    with tempfile.TemporaryDirectory(prefix="sgbench-identity-") as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "identity.db"
        settings = identity_settings(db)
        await migrate(settings)
        async with provider(settings) as deps:
            seed_ = await seed(deps, args.accounts)
            parameters = {
                "argon2": argon2_parameters(seed_.password_hash),
                "argon2_verify_ms": argon2_verify_ms(deps, seed_.password_hash),
                "rsa_bits": seed_.rsa_bits,
            }
            verification = await measure_verification(deps, seed_, tmp, args)
        async with server_process(tmp, db, pin=not args.unpinned) as server:
            http = await measure_http(server, seed_, args)
        log = server.log_lines()
        if log:
            console.print(f"[yellow]the server wrote {len(log)} log lines; the last:[/]\n" + "\n".join(log[-10:]))
    return {"parameters": parameters, "verification": verification, "http": http, "server_log": log[-20:]}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.identity", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    bench = sub.add_parser("run", help="all measurements (the default)")
    bench.add_argument("--verify-tokens", type=int, default=5000, help="distinct tokens per verification round")
    bench.add_argument("--verify-rounds", type=int, default=5)
    bench.add_argument("--repeat", type=int, default=100_000, help="verifications of one token per round")
    bench.add_argument("--workers", type=int, default=16, help="concurrent token requests")
    bench.add_argument("--requests", type=int, default=5000, help="measured requests per grant")
    bench.add_argument("--warmup", type=int, default=500)
    bench.add_argument("--accounts", type=int, default=8)
    bench.add_argument("--logins", type=int, default=200, help="measured logins per run")
    bench.add_argument("--login-warmup", type=int, default=10)
    bench.add_argument("--login-workers", type=int, default=4)
    bench.add_argument("--unpinned", action="store_true", help="no taskset / CPU affinity")
    bench.add_argument("--json", type=Path)
    srv = sub.add_parser("serve", help="the identity app on a seeded database (started by run)")
    srv.add_argument("--db", type=Path, required=True)
    srv.add_argument("--port", type=int, required=True)
    bare = not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))
    return parser.parse_args(["run", *argv] if bare else argv)


def run_in_loop(coroutine):
    """The load generator on uvloop when installed (as bench.publish's): less client CPU per request."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    drop_identity_env()
    if args.command == "serve":
        serve(args.db, args.port)
        return 0
    if not args.unpinned:
        if not pinning_possible():
            raise SystemExit("needs taskset and cores 0 and 1; add --unpinned to run without pinning")
        pin_this_process(CLIENT_CORE)  # as os.sched_setaffinity(0, {1}); the server runs under taskset -c 0
    quiet_logs()
    warn_if_busy()
    results = run_in_loop(run(args))
    print_report(results, args)
    write_json(args.json, {"bench": "identity", "machine": machine(), "args": vars(args), **results})
    failed = sum(r["errors"] for r in results["http"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
