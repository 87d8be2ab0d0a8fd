"""Counting the 404s of a site's addresses, per legacy key, and telling the bus every minute: a migrated site's
old links that nothing answers show up in its URL map, most asked first. Bounded: a scanner's random paths fill
at most MOST_KEYS entries a period, the rest is dropped."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from datetime import UTC, datetime

from shared.bus import EventBus, Message
from shared.events.envelope import encode_event, envelope_bytes
from shared.events.render import LegacyPathsMissed
from shared.logs import get_logger
from shared.tasks import Periodic

log = get_logger("render.misses")
MOST_KEYS = 5000  # per site and period


class MissCounter:
    """A worker: `missed(site, key)` on every 404 a page request got; flushed as LegacyPathsMissed events."""

    def __init__(self, bus: EventBus, every_seconds: float) -> None:
        self.bus = bus
        self.counts: dict[str, Counter[str]] = {}
        self.since = datetime.now(UTC)
        self._sequence = itertools.count(int(time.time()))
        self._periodic = Periodic("render-misses", every_seconds, self.flush)

    def missed(self, site_id: str, key: str) -> None:
        counts = self.counts.setdefault(site_id, Counter())
        if key in counts or len(counts) < MOST_KEYS:
            counts[key] += 1

    async def flush(self) -> int:
        counts, self.counts = self.counts, {}
        start, self.since = self.since, datetime.now(UTC)
        messages = [self._message(site_id, dict(misses), start) for site_id, misses in counts.items()]
        if messages:
            try:
                await self.bus.publish_batch(messages)
            except Exception:  # the bus away: the counts are dropped, an analytics figure lost
                log.warning("legacy misses not sent")
                return 0
        return len(messages)

    def _message(self, site_id: str, misses: dict[str, int], start: datetime) -> Message:
        event = LegacyPathsMissed(
            site_id=site_id, aggregate_id=site_id, aggregate_version=next(self._sequence), misses=misses,
            period_start=start, period_end=self.since,
        )  # fmt: skip
        return Message(event.topic, site_id, envelope_bytes(encode_event(event, source="/render")), ())

    async def start(self) -> None:
        await self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()
        await self.flush()
