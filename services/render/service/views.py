"""Counting article pages served, per site and document, and telling the bus every minute (search ranks the
documents people read higher). In memory until sent: a count lost in a crash is an analytics figure lost."""

from __future__ import annotations

import itertools
import time
from collections import Counter
from datetime import UTC, datetime

from shared.bus import EventBus, Message
from shared.events.envelope import encode_event, envelope_bytes
from shared.events.render import PagesViewed
from shared.logs import get_logger
from shared.tasks import Periodic

log = get_logger("render.views")
DOC_TAG = "doc:"


class ViewCounter:
    """A worker: `seen(site, tags)` on every article page served; flushed as PagesViewed events."""

    def __init__(self, bus: EventBus, every_seconds: float) -> None:
        self.bus = bus
        self.every_seconds = every_seconds
        self.counts: dict[str, Counter[int]] = {}
        self.since = datetime.now(UTC)
        self._sequence = itertools.count(int(time.time()))  # versions only order one process's reports
        self._periodic = Periodic("render-views", every_seconds, self.flush)

    def seen(self, site_id: str, tags: frozenset[str]) -> None:
        for tag in tags:
            if tag.startswith(DOC_TAG) and tag[len(DOC_TAG) :].isdigit():
                self.counts.setdefault(site_id, Counter())[int(tag[len(DOC_TAG) :])] += 1

    async def flush(self) -> int:
        counts, self.counts = self.counts, {}
        start, self.since = self.since, datetime.now(UTC)
        messages = [
            _message(site_id, dict(views), start, self.since, next(self._sequence)) for site_id, views in counts.items()
        ]
        if messages:
            try:
                await self.bus.publish_batch(messages)
            except Exception:  # the bus away: the counts wait for the next flush
                log.warning("page views not sent; kept for the next flush")
                for site_id, views in counts.items():
                    self.counts.setdefault(site_id, Counter()).update(views)
                return 0
        return len(messages)

    async def start(self) -> None:
        await self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()
        await self.flush()


def _message(site_id: str, views: dict[int, int], start: datetime, end: datetime, version: int) -> Message:
    event = PagesViewed(
        site_id=site_id,
        aggregate_id=site_id,
        aggregate_version=version,
        views=views,
        period_start=start,
        period_end=end,
    )
    return Message(event.topic, site_id, envelope_bytes(encode_event(event, source="/render")), ())
