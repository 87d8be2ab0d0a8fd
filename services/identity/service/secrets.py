"""Secrets the provider hands out: random, stored only as hashes, compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 §4.1 code_verifier


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(value: str) -> str:
    """Codes, refresh tokens and session cookies are looked up by their SHA-256, never stored."""
    return hashlib.sha256(value.encode()).hexdigest()


def same_digest(stored: str, presented: str) -> bool:
    """A presented secret against its stored SHA-256, in constant time. Fit for random secrets (client
    secrets, API keys); passwords, which people choose, go through argon2 instead."""
    return hmac.compare_digest(stored, digest(presented))


def pkce_s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def pkce_matches(verifier: str, challenge: str) -> bool:
    return bool(_VERIFIER.fullmatch(verifier)) and hmac.compare_digest(pkce_s256(verifier), challenge)


def half_hash(token: str) -> str:
    """at_hash of an ID token (OIDC Core §3.1.3.6) for RS256: left half of SHA-256, base64url."""
    half = hashlib.sha256(token.encode("ascii")).digest()[:16]
    return base64.urlsafe_b64encode(half).rstrip(b"=").decode()


class Passwords:
    """argon2id; the cost is a setting so the login p99 is chosen, not inherited."""

    def __init__(self, *, time_cost: int, memory_kib: int) -> None:
        self.hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        # Verifying against this keeps a login for an unknown user as slow as for a known one.
        self.decoy = self.hasher.hash(new_secret())

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            return self.hasher.verify(stored or self.decoy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)
