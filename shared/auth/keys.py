"""Signing keys for development and tests, until (and besides) the identity service issues tokens."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

from joserfc import jwt
from joserfc.jwk import RSAKey

from shared.auth.principal import Grant


class LocalSigner:
    """An RSA key that mints RFC 9068 access tokens and publishes its public half as a JWKS."""

    def __init__(self, key: RSAKey, *, issuer: str, audience: str) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def generate(cls, *, issuer: str, audience: str) -> LocalSigner:
        key = RSAKey.generate_key(2048, parameters={"kid": uuid.uuid4().hex[:16], "use": "sig", "alg": "RS256"})
        return cls(key, issuer=issuer, audience=audience)

    @classmethod
    def load_or_create(cls, directory: Path, *, issuer: str, audience: str) -> LocalSigner:
        """The dev key pair under var/keys: private.json (never served) and jwks.json (public)."""
        private = directory / "private.json"
        if private.exists():
            return cls(RSAKey.import_key(json.loads(private.read_text())), issuer=issuer, audience=audience)
        signer = cls.generate(issuer=issuer, audience=audience)
        directory.mkdir(parents=True, exist_ok=True)
        private.write_text(json.dumps(signer.key.as_dict(private=True)))
        private.chmod(0o600)
        (directory / "jwks.json").write_text(json.dumps(signer.jwks()))
        return signer

    def jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False)]}

    def mint(
        self,
        subject: str,
        grants: list[Grant] | tuple[Grant, ...] = (),
        *,
        name: str | None = None,
        lifetime: int = 3600,
        issued_at: int | None = None,
        **extra: object,
    ) -> str:
        now = int(time.time()) if issued_at is None else issued_at
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
            "client_id": "sitegroup-dev",
            "scope": "openid",
            "grants": [g.model_dump(exclude_none=True) for g in grants],
        }
        if name:
            claims["name"] = name
        claims.update(extra)
        header = {"alg": "RS256", "kid": self.key.kid, "typ": "at+jwt"}
        return jwt.encode(header, claims, self.key)
