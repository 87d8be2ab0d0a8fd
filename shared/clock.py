"""Time on the platform: stored in UTC, shown and dated in China Standard Time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(UTC)


def china_time(moment: datetime) -> datetime:
    return moment.astimezone(CHINA)
