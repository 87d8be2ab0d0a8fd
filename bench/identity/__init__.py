"""bench.identity — the identity provider (services/identity) on one core: local access-token verification,
token issuance over HTTP, and the login's latency at the real argon2id cost.

    .venv/bin/python -m bench.identity [--json bench/results/identity.json] [--workers 16] [--requests 5000]
                                       [--logins 200] [--login-workers 4] [--unpinned]
    .venv/bin/python -m bench.identity serve --db PATH --port P      (the server process the HTTP parts start)

Setup: a fresh SQLite file in a temporary directory, migrated (`services.identity.migrate`), with
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

from bench.common import Target

PREFIX = "/api/v1/identity"
ISSUER = f"https://id.bench.sitegroup{PREFIX}"
TOKEN_PATH, LOGIN_PATH, AUTHORIZE_PATH = f"{PREFIX}/token", f"{PREFIX}/login", f"{PREFIX}/authorize"
PASSWORD = "Bench-2026-zhengwu"
PORTAL, INDEXER = "bench-portal", "bench-indexer"
REDIRECT = "https://www.bench.gov.cn/oidc/callback"
VERIFY_TARGET = Target(20_000, True, "/s")
ISSUE_TARGET = Target(1_000, True, "tokens/s")
LOGIN_TARGET = Target(500, False, "ms")


class BenchError(Exception):
    """A request answered other than the flow expects."""
