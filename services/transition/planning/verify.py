"""`verify-site`: every legacy URL asked of the platform as a citizen's bookmark would ask it — the legacy host in
the Host header, no redirect followed blindly — and checked to land where the URL map says: a 301 to a page that
shows the right title and date, or a 410. Each verdict says what went wrong, for the table the CLI prints."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import httpx

from services.transition.extract.decoding import decode_page

_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Expectation:
    legacy_url: str  # path[?query] on the legacy host
    gone: bool = False  # the map says 410
    title: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    legacy_url: str
    status: int | None
    landed: str | None  # where the 301 pointed
    ok: bool
    problem: str = ""


async def verify_urls(
    client: httpx.AsyncClient, legacy_host: str, expected: Iterable[Expectation], *, concurrency: int = 8
) -> list[Verdict]:
    """The verdicts in the order the expectations came; `client` is based on the platform's gateway."""
    gate = asyncio.Semaphore(concurrency)

    async def one(expectation: Expectation) -> Verdict:
        async with gate:
            try:
                return await _verdict(client, legacy_host, expectation)
            except httpx.HTTPError as exc:
                return Verdict(expectation.legacy_url, None, None, False, f"请求失败：{type(exc).__name__}")

    return list(await asyncio.gather(*(one(e) for e in expected)))


async def _verdict(client: httpx.AsyncClient, host: str, expected: Expectation) -> Verdict:
    first = await client.get(expected.legacy_url, headers={"host": host}, follow_redirects=False)
    url, status = expected.legacy_url, first.status_code
    if expected.gone:
        return Verdict(url, status, None, status == 410, "" if status == 410 else f"应为 410，实际为 {status}")
    if status not in (301, 308):
        return Verdict(url, status, None, False, f"应为 301 跳转，实际为 {status}")
    landed = first.headers.get("location", "")
    path, landed_host = _on_platform(landed, host)
    page = await client.get(path, headers={"host": landed_host}, follow_redirects=False)
    if page.status_code != 200:
        return Verdict(url, status, landed, False, f"跳转目标返回 {page.status_code}")
    return Verdict(url, status, landed, *_matches(page, expected))


def _matches(page: httpx.Response, expected: Expectation) -> tuple[bool, str]:
    text = " ".join(_TAGS.sub(" ", decode_page(page.content, page.headers.get("content-type")).text).split())
    if expected.title and " ".join(expected.title.split()) not in text:
        return False, f"目标页没有标题“{expected.title}”"
    if expected.published and not any(form in text for form in _date_forms(expected.published)):
        return False, f"目标页没有日期 {expected.published.isoformat()}"
    return True, ""


def _date_forms(day: date) -> tuple[str, ...]:
    return (day.isoformat(), f"{day.year}年{day.month}月{day.day}日", f"{day.year}年{day.month:02d}月{day.day:02d}日",
            f"{day.year}/{day.month:02d}/{day.day:02d}", f"{day.year}.{day.month:02d}.{day.day:02d}")  # fmt: skip


def _on_platform(location: str, legacy_host: str) -> tuple[str, str]:
    """Where to ask the gateway for a Location: a path stays on the host asked; a full URL names the new site's
    host, asked of the same gateway (its DNS need not point here yet)."""
    if location.startswith("/"):
        return location, legacy_host
    parts = urlsplit(location)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), parts.netloc
