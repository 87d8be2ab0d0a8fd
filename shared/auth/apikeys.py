"""The API-key contract between the identity service (which issues and checks keys) and the gateway
(which refuses unknown keys and holds each key to its own quota)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    key_id: str
    application_id: str
    per_minute: int


ApiKeyVerifier = Callable[[str], Awaitable[ApiKeyInfo | None]]


class CachedKeyVerifier:
    """Answers from memory for `ttl` seconds (unknown keys for `negative_ttl`): a revoked key stops
    working within `ttl`, and a flood of made-up keys costs one lookup each per `negative_ttl`."""

    def __init__(
        self,
        verify: ApiKeyVerifier,
        *,
        ttl: float = 30.0,
        negative_ttl: float = 5.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.verify = verify
        self.ttl, self.negative_ttl = ttl, negative_ttl
        self.max_entries = max_entries
        self.clock = clock
        self._seen: OrderedDict[str, tuple[float, ApiKeyInfo | None]] = OrderedDict()

    async def __call__(self, key: str) -> ApiKeyInfo | None:
        now = self.clock()
        cached = self._seen.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        info = await self.verify(key)
        self._seen[key] = (now + (self.ttl if info else self.negative_ttl), info)
        self._seen.move_to_end(key)
        if len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return info

    def forget(self) -> None:
        """Drop every remembered answer (a key revoked here takes effect at once)."""
        self._seen.clear()
