"""What a run prints: the verification table, the HTTP table and the summary against the targets, with a
verdict per row ("client-bound" when the client, not the server, limited an issuance row)."""

from __future__ import annotations

import argparse
from typing import Any

from rich.table import Table
from rich.text import Text

from bench.common import Target, console, fmt
from bench.identity import ISSUE_TARGET, LOGIN_TARGET, VERIFY_TARGET


def verdict(target: Target, value: float) -> Text:
    """Whether a figure meets its target, as the tables show it."""
    ok = target.met(value)
    return Text("✓ met" if ok else "✗ missed", style="green" if ok else "bold red")


def load_verdict(target: Target, r: dict[str, Any]) -> Text:
    """Missed while the server's core was not full: the client is what limited it, not the server."""
    server = r["cpu"]["server_pct"]
    if not target.met(r["per_s"]) and server < 90:
        return Text("– client-bound", style="yellow")
    return verdict(target, r["per_s"])


def http_figure(r: dict[str, Any]) -> str:
    """An HTTP row in one cell: rate, latency and both processes' CPU, to be read together."""
    lat, cpu = r["latency_ms"], r["cpu"]
    return (
        f"{fmt(r['per_s'], 0)}/s · p50 {fmt(lat['p50'], 1)} · p99 {fmt(lat['p99'], 1)} ms · "
        f"CPU server {cpu['server_pct']:.0f} · client {cpu['loadgen_pct']:.0f} %"
    )


def summary_rows(results: dict[str, Any], login_workers: int) -> list[tuple[str, str, str, Text | str]]:
    """Each measure against its target: verification, issuance per client and grant, login, floors."""
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
    """The summary table, one row per measure with its target and verdict."""
    table = Table(title="bench.identity — server on one core (issuance: tokens/s · latency · CPU, 100 % = one core)")
    for column in ("measure", "figure", "target", "verdict"):
        table.add_column(column, justify="right" if column == "figure" else "left")
    for row in summary_rows(results, login_workers):
        table.add_row(*row)
    return table


def http_table(http: dict[str, dict[str, Any]]) -> Table:
    """Every HTTP run in full: latency percentiles, errors, CPU of each side and per request."""
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
    """Verification per token: a miss, what its steps cost, a hit, and signing for comparison."""
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
    """Every round's rate, to show how much the median hides."""
    return " ".join(f"{r:,}" for r in rate["rounds"])


def rate_cells(us: float) -> tuple[str, str]:
    """µs each and the rate it makes, so both read off one row."""
    return fmt(us, 1), fmt(1e6 / us, 0)


def print_report(results: dict[str, Any], args: argparse.Namespace) -> None:
    """The parameters the figures depend on, then the three tables."""
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
