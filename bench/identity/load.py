"""Closed-loop load on the server and the calls it is made of (httpx and bench.rawhttp), each returning the
seconds its request took, with the CPU both processes used meanwhile."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bench.common import summary_ms
from bench.identity import TOKEN_PATH, BenchError
from bench.identity.server import Server
from bench.processes import cpu_between, cpu_sample
from bench.rawhttp import RawConnection, RawHttpError, raw_request

Call = Callable[[], Awaitable[float]]  # one request (or the timed part of a flow); returns its seconds


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
    """A POST timed to its answer, then checked (the check's cost outside the timing)."""

    async def call() -> float:
        began = time.perf_counter()
        response = await client.post(path, **kwargs)
        took = time.perf_counter() - began
        check(response)
        return took

    return call


def expect(status: int) -> Callable[[httpx.Response], None]:
    """A check that fails the request unless it got `status`: a wrong answer must not count as done."""

    def check(response: httpx.Response) -> None:
        if response.status_code != status:
            raise BenchError(f"{response.request.url.path}: {response.status_code} {response.text[:150]}")

    return check


def health_call(client: httpx.AsyncClient) -> Call:
    """GET /healthz: the harness floor, what the client and the server's HTTP stack cost alone."""

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


def raw_call(connection: RawConnection, request: bytes) -> Call:
    """One prepared request sent again and again on a raw connection: the client's cost kept small."""

    async def call() -> float:
        began = time.perf_counter()
        status, body = await connection.exchange(request)
        took = time.perf_counter() - began
        if status != 200:
            raise BenchError(f"{status} {body[:150]!r}")
        return took

    return call


def raw_refresh_call(connection: RawConnection, headers: dict[str, str], first: str) -> Call:
    """The refresh_token grant with rotation on a raw connection; the request is built per call."""
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
