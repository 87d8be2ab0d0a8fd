"""Failed logins counted per client address: guessing many accounts' passwords from one place slows to a
stop (the per-account lockout alone would let an attacker try every account a few times)."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable


class LoginThrottle:
    """At most `limit` failed logins per address within `window` seconds; in memory, per process."""

    def __init__(
        self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic, max_addresses: int = 100_000
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.max_addresses = max_addresses
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def blocked(self, address: str | None) -> bool:
        return address is not None and len(self._recent(address)) >= self.limit

    def failed(self, address: str | None) -> None:
        if address is None:
            return
        self._recent(address).append(self.clock())
        self._failures.move_to_end(address)
        if len(self._failures) > self.max_addresses:
            self._failures.popitem(last=False)

    def _recent(self, address: str) -> deque[float]:
        stamps = self._failures.setdefault(address, deque())
        horizon = self.clock() - self.window
        while stamps and stamps[0] < horizon:
            stamps.popleft()
        return stamps
