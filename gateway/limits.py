"""Rate limits per client IP and per API key: token buckets in memory, 429 with Retry-After beyond them."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    per_second: float  # 0 disables the limit
    burst: int

    @property
    def enabled(self) -> bool:
        return self.per_second > 0


class TokenBuckets:
    """One bucket per key; the least recently seen keys are forgotten beyond `max_keys` (a full bucket)."""

    def __init__(self, rate: Rate, *, max_keys: int = 100_000, clock=time.monotonic) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, rate: Rate | None = None) -> float:
        """0 when the request may go; else the seconds until it could. `rate`: this key's own limit."""
        rate = rate or self.rate
        now = self.clock()
        tokens, last = self._buckets.pop(key, (float(rate.burst), now))
        tokens = min(float(rate.burst), tokens + (now - last) * rate.per_second)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / rate.per_second
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def retry_after(wait: float) -> bytes:
    return str(max(1, math.ceil(wait))).encode()
