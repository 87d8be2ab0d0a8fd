"""Two changes to one document at the same moment: both land, both events reach the renderer, the page shows both.

On PostgreSQL two transactions really run at once. The test holds them in the order that once lost an update:
the first change has locked the document and not yet committed when the second one reads it. A second change
that read without the lock wrote the same next version as the first, and the renderer dropped its event as stale.
On SQLite the process's one connection runs transactions one after the other; the test still checks the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest_asyncio
from sqlalchemy import event
from sqlalchemy.util.concurrency import await_

from services import content, render
from services.content.tests.support import API, SiteFactory
from services.render.tests.support import eventually
from shared.bus import create_bus
from shared.runtime import run_together
from shared.testing import Backends, TestDatabases, Tokens, service_settings

# Which of the two concurrent changes a statement belongs to (the context reaches the driver's greenlet).
change_var: contextvars.ContextVar[str] = contextvars.ContextVar("change", default="")


@dataclass
class Stack:
    """The content service and the renderer on one bus, as the platform runs them."""

    content: httpx.AsyncClient
    pages: httpx.AsyncClient
    sites: SiteFactory
    content_engine: object

    async def page(self, host: str, path: str) -> httpx.Response:
        return await self.pages.get(path, headers={"host": host})


@pytest_asyncio.fixture
async def stack(backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path) -> AsyncIterator[Stack]:
    """The two services on one bus: in-process, or a Kafka namespace of the test's own."""
    fixtures = {"backends": backends, "databases": databases, "tokens": tokens}
    async with (
        service_settings(
            content.ContentSettings, content.SCHEMA, **fixtures, blobs_dir=tmp_path / "c", scheduler_enabled=False
        ) as content_settings,
        service_settings(
            render.RenderSettings, render.SCHEMA, **fixtures, blobs_dir=tmp_path / "r", mirror_enabled=False
        ) as render_settings,
    ):
        bus = create_bus(content_settings.bus_url, client_id="tests")  # the namespace of the content settings
        content_app = content.create_app(content_settings, bus=bus, access_log=False)
        render_app = render.create_app(render_settings, bus=bus, access_log=False)
        runtimes = [content.ContentRuntime.of(content_app), render.RenderRuntime.of(render_app)]
        async with run_together(bus, runtimes), contextlib.AsyncExitStack() as clients:
            await bus.wait_ready()
            api = await clients.enter_async_context(_client(content_app))
            pages = await clients.enter_async_context(_client(runtimes[1].pages))
            yield Stack(api, pages, SiteFactory(api, tokens), runtimes[0].database.engine)


def _client(app) -> httpx.AsyncClient:  # noqa: ANN001 - any ASGI app
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://testserver")


class Interleaving:
    """Holds the statements of two concurrent changes in one order: `first` locks the document; `second`
    reads it while `first` still holds the lock; then `first` commits. A second change that waits for the
    lock (as it must) is let through after `hold` seconds, so the test never deadlocks on a correct program."""

    def __init__(self, engine, document_id: int, hold: float = 1.0) -> None:
        self.sync_engine = engine.sync_engine
        self.hold = hold
        self.marker = f"documents.id = {document_id}"
        self.first_locked = asyncio.Event()
        self.second_read = asyncio.Event()
        self.active = engine.dialect.name == "postgresql"  # only there do two transactions run at once

    def __enter__(self) -> Interleaving:
        if self.active:
            event.listen(self.sync_engine, "before_cursor_execute", self._before)
            event.listen(self.sync_engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.active:
            event.remove(self.sync_engine, "before_cursor_execute", self._before)
            event.remove(self.sync_engine, "after_cursor_execute", self._after)

    @staticmethod
    def _reads_documents(statement: str) -> bool:
        return statement.lstrip().upper().startswith("SELECT") and "FROM documents" in statement

    def _before(self, _conn, _cursor, statement, *_args) -> None:
        if change_var.get() == "second" and self._reads_documents(statement) and not self.second_read.is_set():
            await_(_wait(self.first_locked, 5.0))

    def _after(self, _conn, _cursor, statement, *_args) -> None:
        change = change_var.get()
        if change == "first" and "FOR UPDATE" in statement and self._reads_documents(statement):
            if not self.first_locked.is_set():
                self.first_locked.set()
                await_(_wait(self.second_read, self.hold))
        elif change == "second" and self._reads_documents(statement):
            self.second_read.set()


async def _wait(flag: asyncio.Event, timeout: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await flag.wait()


async def concurrently(
    stack: Stack, document_id: int, first: Callable[[], Awaitable[httpx.Response]], second
) -> tuple[httpx.Response, httpx.Response]:
    async def as_change(name: str, call) -> httpx.Response:
        change_var.set(name)
        return await call()

    with Interleaving(stack.content_engine, document_id):
        one, two = await asyncio.gather(as_change("first", first), as_change("second", second))
    return one, two


async def test_an_approval_and_a_link_change_at_once_both_reach_the_page(stack: Stack) -> None:
    sites = stack.sites
    hefei = await sites.open("hefei")
    policy = await sites.publish(hefei, "zfxxgk/fdzdgknr/zcwj", title="合肥市优化营商环境若干政策")
    reading = await sites.publish(hefei, "zcjd", title="《合肥市优化营商环境若干政策》解读")
    edited = await stack.content.patch(
        f"{API}/sites/hefei/documents/{reading['id']}",
        json={"version": reading["version"], "title": "图解：合肥市优化营商环境若干政策"},
        headers=sites.editor("hefei"),
    )
    assert edited.status_code == 200, edited.text
    submitted = await stack.content.post(
        f"{API}/sites/hefei/documents/{reading['id']}/submit", headers=sites.editor("hefei")
    )
    assert submitted.status_code == 200, submitted.text
    await sites.approve_all(hefei, reading["id"], steps=("初审", "审核"))

    approve, link = await concurrently(
        stack,
        reading["id"],
        lambda: stack.content.post(
            f"{API}/sites/hefei/documents/{reading['id']}/approve",
            json={"comment": "同意"},
            headers=sites.reviewer("hefei", "审发"),
        ),
        lambda: stack.content.put(
            f"{API}/sites/hefei/documents/{reading['id']}/interprets",
            json={"policy_ids": [policy["id"]]},
            headers=sites.editor("hefei"),
        ),
    )
    assert approve.status_code == 200, approve.text
    assert link.status_code == 200, link.text

    final = await stack.content.get(f"{API}/sites/hefei/documents/{reading['id']}", headers=sites.editor("hefei"))
    # edit, submit and two review steps made 4 versions; each of the two changes makes one more
    assert final.json()["version"] == reading["version"] + 6
    assert final.json()["live_revision"] == final.json()["revision"] == 2

    async def page_shows_both() -> bool:
        page = await stack.page("www.hefei.gov.cn", reading["url_path"])
        return "图解：合肥市优化营商环境若干政策" in page.text and "合肥市优化营商环境若干政策</a>" in page.text

    await eventually(page_shows_both, timeout=20)


async def test_a_validity_mark_and_a_repost_at_once_both_reach_the_pages(stack: Stack) -> None:
    sites = stack.sites
    ah, hefei = (await sites.chain("ah", "hefei")).values()
    policy = await sites.publish(ah, "zfxxgk/fdzdgknr/zcwj", title="安徽省人民政府关于进一步优化营商环境的意见")
    target = hefei.channels["zfxxgk/fdzdgknr/zcwj"]

    mark, repost = await concurrently(
        stack,
        policy["id"],
        lambda: stack.content.post(
            f"{API}/sites/ah/documents/{policy['id']}/validity",
            json={"validity": "废止", "note": "已被新文件替代"},
            headers=sites.reviewer("ah", "审发"),
        ),
        lambda: stack.content.post(
            f"{API}/sites/hefei/channels/{target}/placements",
            json={"document_id": policy["id"]},
            headers=sites.editor("hefei"),
        ),
    )
    assert mark.status_code == 200, mark.text
    assert repost.status_code == 201, repost.text

    final = await stack.content.get(f"{API}/sites/ah/documents/{policy['id']}", headers=sites.editor("ah"))
    assert final.json()["version"] == policy["version"] + 2

    async def pages_show_both() -> bool:
        original = await stack.page("www.ah.gov.cn", policy["url_path"])
        copy = await stack.page("www.hefei.gov.cn", repost.json()["url_path"])
        return copy.status_code == 200 and all("本文件已废止" in page.text for page in (original, copy))

    await eventually(pages_show_both, timeout=20)
