"""Events of the identity provider: access tokens it revoked before their time, for every service to refuse."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.events.envelope import Event

TOKENS_TOPIC = "identity.tokens"
PLATFORM_EVENTS_SITE = "platform"  # the `site_id` of events about no one site (no site may take this id)
RevocationKind = Literal["token", "family", "session", "subject"]


class TokensRevoked(Event):
    """Access tokens that must stop working now: one (`token`: its jti), those of a refresh-token family
    (`family`: the `fam` claim; a replayed code or refresh token, RFC 6749 §4.1.2 / §10.4), those of a login
    session (`session`: `sid`; logout), or those of a person issued before a moment (`subject`: `sub` and
    `iat`; a role taken away). Services keep the entry until `until`, when the tokens have expired anyway."""

    type = "identity.tokens.revoked.v1"
    topic = TOKENS_TOPIC

    kind: RevocationKind
    value: str = Field(min_length=1, max_length=200)
    issued_before: datetime = Field(description="only tokens issued (iat) before this moment are affected")
    until: datetime = Field(description="when every affected token has expired")
