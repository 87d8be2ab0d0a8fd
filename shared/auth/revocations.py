"""Access tokens revoked before their time, as the identity provider announces them (TokensRevoked): every
service keeps them in memory until they expire and refuses them, so a revocation reaches all of them within
the bus's delivery time instead of the token's ten-minute life."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from shared.bus import EventBus, Message
from shared.events.envelope import event_of, read_message
from shared.events.identity import TOKENS_TOPIC, TokensRevoked
from shared.logs import get_logger

log = get_logger("auth.revocations")


@dataclass(frozen=True, slots=True)
class TokenIds:
    """What a revocation can name of an access token (its claims jti, fam, sid, sub, iat)."""

    jti: str | None
    fam: str | None
    sid: str | None
    sub: str | None
    iat: float

    @classmethod
    def of(cls, claims: dict) -> TokenIds:
        def text(name: str) -> str | None:
            value = claims.get(name)
            return value if isinstance(value, str) else None

        iat = claims.get("iat")
        issued = float(iat) if isinstance(iat, int | float) else 0.0
        return cls(text("jti"), text("fam"), text("sid"), text("sub"), issued)


class Revocations:
    """(kind, value) → (issued_before, until), in epoch seconds; pruned as entries pass their `until`."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str], tuple[float, float]] = {}
        self._next_prune = 0.0

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, kind: str, value: str, issued_before: float, until: float) -> None:
        if until <= self._clock():
            return  # whatever it named has expired already
        known = self._entries.get((kind, value), (issued_before, until))
        self._entries[(kind, value)] = (max(known[0], issued_before), max(known[1], until))

    def revoked(self, token: TokenIds) -> str | None:
        """The kind of revocation that names the token, or None."""
        if not self._entries:
            return None
        now = self._clock()
        if now >= self._next_prune:
            self._prune(now)
        named = (("token", token.jti), ("family", token.fam), ("session", token.sid), ("subject", token.sub))
        for kind, value in named:
            entry = self._entries.get((kind, value)) if value else None
            if entry is not None and entry[1] > now and token.iat < entry[0]:
                return kind
        return None

    def _prune(self, now: float) -> None:
        self._entries = {key: entry for key, entry in self._entries.items() if entry[1] > now}
        self._next_prune = now + 60

    async def on_message(self, message: Message) -> None:
        event = event_of(read_message(message.value))
        if isinstance(event, TokensRevoked):
            self.add(event.kind, event.value, event.issued_before.timestamp(), event.until.timestamp())
            log.info("token_revocation", kind=event.kind, until=event.until.isoformat())


def follow_revocations(bus: EventBus, service: str, revocations: Revocations) -> None:
    """Every process of every service hears every revocation: a consumer group of its own (a shared group
    would hand each revocation to one replica only); a new process reads what is retained, expired entries
    are dropped on arrival."""
    bus.subscribe(f"{service}.revocations.{uuid.uuid4().hex[:12]}", [TOKENS_TOPIC], revocations.on_message)
