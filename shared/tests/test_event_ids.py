"""Event ids are UUIDv7: valid UUIDs whose text sorts by the moment they were made."""

from __future__ import annotations

import time
import uuid

from shared.events.content import SiteUpdated
from shared.events.envelope import encode_event, event_bytes
from shared.events.ids import time_ordered_id
from shared.events.samples import site


def test_ids_are_version_7_uuids_unique_and_ordered_by_their_millisecond() -> None:
    ids = [time_ordered_id() for _ in range(5_000)]
    assert len(set(ids)) == len(ids)
    for made in ids[:50]:
        parsed = uuid.UUID(made)
        assert (parsed.version, parsed.variant, str(parsed)) == (7, uuid.RFC_4122, made)
    now_ms = int(ids[-1].replace("-", "")[:12], 16)
    assert abs(now_ms - time.time() * 1000) < 5_000
    earlier = ids[-1]
    time.sleep(0.002)
    assert time_ordered_id() > earlier  # a later millisecond sorts after every id of an earlier one


def test_every_new_envelope_gets_one() -> None:
    event = SiteUpdated(
        site_id="hefei", aggregate_id="hefei", aggregate_version=2, site=site("hefei", "合肥市人民政府", "3401000001")
    )
    assert uuid.UUID(encode_event(event, source="content").id).version == 7
    event_id, _ = event_bytes(event, source="content")
    assert uuid.UUID(event_id).version == 7
