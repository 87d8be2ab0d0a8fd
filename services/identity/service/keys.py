"""The provider's signing keys: `next` is in the JWKS before it signs, so verifiers never meet an unknown kid."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.models import SigningKey
from shared.auth import JwksSource

ALGORITHM = "RS256"


def _generate(state: str) -> SigningKey:
    kid = uuid.uuid4().hex[:16]
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})
    return SigningKey(kid=kid, state=state, private_jwk=key.as_dict(private=True))


class KeyRing:
    """Keys in memory, loaded from the database at start and after a rotation; with `jwks_file` the public
    keys are also written there, for services on the same host that read their keys from a file."""

    def __init__(self, jwks_file: Path | None = None) -> None:
        self.jwks_file = jwks_file
        self.active: RSAKey | None = None
        self.published: list[dict[str, Any]] = []

    async def load(self, session: AsyncSession, *, keep_retired: timedelta) -> None:
        """Make sure an active and a next key exist, then publish both and the recently retired ones."""
        rows = list(await session.scalars(select(SigningKey)))
        for state in ("active", "next"):
            if not any(r.state == state for r in rows):
                row = _generate(state)
                session.add(row)
                rows.append(row)
        await session.flush()
        horizon = datetime.now(UTC) - keep_retired
        shown = [r for r in rows if r.state != "retired" or (r.retired_at and r.retired_at > horizon)]
        active = next(r for r in rows if r.state == "active")
        self.active = RSAKey.import_key(active.private_jwk)
        self.published = [RSAKey.import_key(r.private_jwk).as_dict(private=False) for r in shown]
        if self.jwks_file is not None:
            self.jwks_file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.jwks_file.with_suffix(".partial")
            partial.write_text(json.dumps(self.jwks()), encoding="utf-8")
            partial.replace(self.jwks_file)  # readers never see half a file

    @staticmethod
    async def rotate(session: AsyncSession) -> str:
        """next → active, active → retired (still published until its tokens expire), a new next."""
        rows = {r.state: r for r in await session.scalars(select(SigningKey).where(SigningKey.state != "retired"))}
        rows["active"].state, rows["active"].retired_at = "retired", datetime.now(UTC)
        rows["next"].state = "active"
        session.add(_generate("next"))
        await session.flush()
        return rows["next"].kid

    def jwks(self) -> dict[str, Any]:
        return {"keys": self.published}

    def sign(self, claims: dict[str, Any], *, typ: str) -> str:
        assert self.active is not None, "KeyRing.load() runs at start"
        header = {"alg": ALGORITHM, "kid": self.active.kid, "typ": typ}
        return jwt.encode(header, claims, self.active)

    def decode(self, token: str) -> jwt.Token:
        """A token this provider signed with a key it still publishes (introspection, id_token_hint)."""

        return jwt.decode(token, KeySet.import_key_set({"keys": self.published}), algorithms=[ALGORITHM])


class KeyRingSource(JwksSource):
    """The provider verifies its own tokens (admin API) against its key ring, not over HTTP."""

    def __init__(self, ring: KeyRing) -> None:
        super().__init__("keyring://identity", min_refresh_seconds=0)
        self.ring = ring

    async def _load(self) -> dict[str, Any]:
        return self.ring.jwks()
