"""Measured in this process, no server: access-token verification (cache misses and hits, and what each step
of a miss costs) and one argon2id verify of a correct password."""

from __future__ import annotations

import argparse
import base64
import gc
import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

from bench.common import console
from bench.identity import ISSUER, PASSWORD, PORTAL, BenchError
from bench.identity.seeding import Seed


def provider_tokens(deps, count: int) -> tuple[list[str], float]:
    """`count` distinct access tokens as the provider signs a person's, and µs per token to sign them."""
    from services.identity import access_token

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
    """The median round as the figure, with every round kept to show the spread."""
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
    """The signature check alone, the floor under what jwt.decode costs."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    for token in tokens:
        signing_input, _, signature = token.rpartition(".")
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        public_key.verify(raw, signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())


async def measure_verification(deps, seed_: Seed, tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Verification over the provider's keys from a JWKS file, as a resource server verifies."""
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


def provider_parameters(deps, seed_: Seed) -> dict[str, Any]:
    """The costs the figures depend on: argon2id as really stored, one verify of it here, the RSA key size."""
    return {
        "argon2": argon2_parameters(seed_.password_hash),
        "argon2_verify_ms": argon2_verify_ms(deps, seed_.password_hash),
        "rsa_bits": seed_.rsa_bits,
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


def argon2_parameters(stored: str) -> str:
    """'m=19456,t=2,p=1' from a stored hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)."""
    return stored.split("$")[3]
