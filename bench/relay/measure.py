"""How a relay run is timed: batches until the outbox is empty, the relay's SQL statements and bus
publishes apart, and the figures every run reports."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

from bench.common import percentile

if TYPE_CHECKING:
    from shared.messaging.relay import OutboxRelay

NAN = float("nan")


async def drain(relay: OutboxRelay) -> tuple[int, list[float], float]:
    """Relay batches until the outbox is empty: (events moved, seconds per batch, seconds in all)."""
    batches: list[float] = []
    moved = 0
    began = time.perf_counter()
    while True:
        started = time.perf_counter()
        n = await relay.relay_once()
        if n == 0:
            return moved, batches, time.perf_counter() - began
        batches.append(time.perf_counter() - started)
        moved += n


class PhaseTimer:
    """Time of the relay's SELECT and UPDATE statements (cursor execute, i.e. the driver round trip)."""

    def __init__(self, sync_engine) -> None:
        self.engine = sync_engine
        self.seconds = {"SELECT": 0.0, "UPDATE": 0.0}
        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, _c, _cur, _s, _p, context, _m) -> None:
        context._bench_started = time.perf_counter()

    def _after(self, _c, _cur, statement: str, _p, context, _m) -> None:
        kind = statement.lstrip().split(" ", 1)[0].upper()
        if kind in self.seconds:
            self.seconds[kind] += time.perf_counter() - context._bench_started


class PublishTimer:
    """Time the relay spends in the bus's publish_batch (until the bus acknowledges a batch)."""

    def __init__(self, bus) -> None:
        self.seconds = 0.0
        self._publish_batch = bus.publish_batch
        bus.publish_batch = self._timed

    async def _timed(self, messages) -> None:
        started = time.perf_counter()
        await self._publish_batch(messages)
        self.seconds += time.perf_counter() - started


def throughput(drained: tuple[int, list[float], float], rows: int, fill_seconds: float, payload_bytes: float):
    """The run's rates: events/s relayed, rows/s filled, and the batches' p50 and p99."""
    moved, batches, elapsed = drained
    return {
        "seconds": elapsed,
        "events_per_s": moved / elapsed if elapsed else 0.0,
        "fill_seconds": fill_seconds,
        "fill_rows_per_s": rows / fill_seconds if fill_seconds else 0.0,
        "payload_bytes_mean": payload_bytes,
        "batches": len(batches),
        "batch_ms": {"p50": 1000 * percentile(batches, 50), "p99": 1000 * percentile(batches, 99)},
    }


def per_batch_ms(
    drained: tuple[int, list[float], float], select: float = NAN, publish: float = NAN, update: float = NAN
) -> dict[str, Any]:
    """Where a batch's time went (NaN where a run does not time a phase); rest = the relay's own Python."""
    _, batches, elapsed = drained
    n_batches = len(batches) or 1
    return {
        "select": 1000 * select / n_batches,
        "publish": 1000 * publish / n_batches,
        "update": 1000 * update / n_batches,
        "total": 1000 * elapsed / n_batches,
        "rest": 1000 * (elapsed - publish - select - update) / n_batches,
    }
