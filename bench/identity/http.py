"""Issuance and login over HTTP against the server process: the token grants through httpx and through
bench.rawhttp (with /healthz as each client's floor), then the login sequentially and concurrently."""

from __future__ import annotations

import argparse
import base64
import contextlib
import itertools
from typing import Any

import httpx

from bench.common import console
from bench.identity import INDEXER, PORTAL, TOKEN_PATH
from bench.identity.load import (
    Call,
    expect,
    health_call,
    measure_load,
    raw_call,
    raw_refresh_call,
    refresh_call,
    timed_post,
)
from bench.identity.login import browser_for, initial_refresh_tokens, login_call
from bench.identity.seeding import Seed
from bench.identity.server import Server
from bench.rawhttp import RawConnection, raw_request


async def measure_http(server: Server, seed_: Seed, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Every worker's first refresh token by login first, so the logins never land inside a measured load."""
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
    """One issuance load, announced, so a slow run shows where it is."""
    console.print(f"[dim]{label}: {args.warmup} warm-up + {args.requests} requests, {len(calls)} workers[/]")
    return await measure_load(server, calls, args.requests, args.warmup)


async def run_logins(server: Server, seed_: Seed, workers: int, args: argparse.Namespace) -> dict[str, Any]:
    """Logins through `workers` browsers at once, the accounts shared in turn."""
    console.print(f"[dim]login: {args.login_warmup} warm-up + {args.logins} logins, {workers} worker(s)[/]")
    names = itertools.cycle(seed_.usernames)
    async with contextlib.AsyncExitStack() as stack:
        browsers = [await stack.enter_async_context(browser_for(server)) for _ in range(workers)]
        calls = [login_call(browser, names) for browser in browsers]
        return await measure_load(server, calls, args.logins, args.login_warmup)


def basic(client_id: str, secret: str) -> dict[str, str]:
    """client_secret_basic, as the confidential clients authenticate at /token."""
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}
