"""A mirror pass writes the pages a change reaches: a document's, its lists', the home and sitemap.xml — not the
sitemap.html or robots.txt, which no document changes (a change to the site rewrites every page)."""

from __future__ import annotations

from services.render.main import RenderRuntime
from services.render.service import mirror as mirror_module
from services.render.service.mirror import LIST_PAGES_PER_PASS, RUN, SWEEP_PAGES_PER_PASS, mirror_key, reading_order
from services.render.tests.support import eventually, site, site_ready
from shared.events.content import DocumentPublished, DocumentWithdrawn

HEFEI = site("hefei", "合肥市人民政府", "3401000001", domains=("hefei.gov.cn",))


async def test_a_documents_pass_leaves_the_pages_no_document_changes(app, pages, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    mirror = RenderRuntime.of(app).mirror
    await mirror.drain()
    doc = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于加强政府网站内容保障工作的通知")
    await feeder.publish(doc)

    async def shown() -> bool:
        return (await pages.get(doc.url_path)).status_code == 200

    await eventually(shown)
    await mirror.drain()
    tags = {f"doc:{doc.id}", "list:hefei:zwdt", "list:hefei:zwdt/tzgg", "entries:hefei"}
    paths = await mirror.paths_for("hefei", tags)
    assert {"/", "/sitemap.xml", doc.url_path, "/zwdt/tzgg/", "/zwdt/"} <= paths
    assert "/sitemap.html" not in paths and "/robots.txt" not in paths
    assert {"/", "/sitemap.html", "/sitemap.xml", "/robots.txt"} <= await mirror.paths_for("hefei", {"site:hefei"})


async def test_a_long_channels_pass_writes_its_first_pages_and_the_deeper_ones_in_turn(app, pages, feeder) -> None:
    """A pass costs the same however long the channel: its first pages, and a few deeper ones, each time."""
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    mirror = RenderRuntime.of(app).mirror
    tzgg = (channels["zwdt/tzgg"], "zwdt/tzgg")
    events = [feeder.event(DocumentPublished, feeder.document(HEFEI, tzgg, f"第{n}批政府信息公开目录更新公告"))
              for n in range(22 * 5 + 3)]  # fmt: skip
    await feeder.send(*events)  # 23 pages of 5

    async def listed() -> bool:
        return (await pages.get("/zwdt/tzgg/index_23.html")).status_code == 200

    await eventually(listed)
    await mirror.drain()
    tag = {"list:hefei:zwdt/tzgg"}
    numbered = [sorted(int(p[17:-5]) for p in await mirror.paths_for("hefei", tag) if "index_" in p) for _ in "abc"]
    first = [*range(2, LIST_PAGES_PER_PASS + 1)]  # 2 … 10, every pass; then ten deeper ones in turn, and the rest
    assert numbered == [[*first, *range(11, 21)], [*first, 21, 22, 23], first]
    going_on = await mirror.paths_for("hefei", {"deep:hefei:zwdt/tzgg"}, deep=5)  # a sweep, the lists unchanged:
    assert going_on == {f"/zwdt/tzgg/index_{n}.html" for n in range(11, 16)}  # the deep pages, not the first again
    assert mirror._pending["hefei"] >= {"deep:hefei:zwdt/tzgg"}  # and the rest next pass
    swept = await mirror.paths_for("hefei", tag, deep=SWEEP_PAGES_PER_PASS)  # no document waiting: by the run
    assert sorted(int(p[17:-5]) for p in swept if "index_" in p) == [*first, *range(16, 24)]
    await mirror.drain()  # what is left of a channel stays due: the passes go on until its last page is written
    blobs = RenderRuntime.of(app).deps.blobs
    for number in range(2, 24):
        assert await blobs.exists(mirror_key("hefei", f"/zwdt/tzgg/index_{number}.html")), number


async def test_pages_built_by_the_run_are_the_pages_built_one_by_one(app, pages, feeder) -> None:
    """A pass's articles and list pages are read together (one statement for the articles, one per run of a
    channel's consecutive list pages): each is the page a visitor gets, and what the run cannot build (the home,
    feeds, the catalogue, a path that is no page) it leaves to the page's own build."""
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    runtime = RenderRuntime.of(app)
    tzgg = (channels["zwdt/tzgg"], "zwdt/tzgg")
    docs = [feeder.document(HEFEI, tzgg, f"关于第{n}批政务公开事项的通知") for n in range(13)]  # 3 pages of 5
    withdrawn = docs[4]
    await feeder.send(*(feeder.event(DocumentPublished, d) for d in docs))
    await feeder.send(feeder.event(DocumentWithdrawn, withdrawn, kind="withdraw", reason="内容有误", redirect_url=None))

    async def settled() -> bool:
        return "内容有误" in (await pages.get(withdrawn.url_path)).text

    await eventually(settled)
    lists = ["/zwdt/tzgg/", *(f"/zwdt/tzgg/index_{n}.html" for n in (2, 3, 4, 7)), "/zwdt/", "/zwdt/index_2.html"]
    others = ["/", "/zwdt/tzgg/rss.xml", "/zfxxgk/", "/sitemap.xml", "/zwdt/tzgg/nothing.html"]
    paths = [*(d.url_path for d in docs), *lists, *others]
    built = await runtime.mirror.runs("hefei", paths)
    assert set(built) == {*(d.url_path for d in docs), *lists}
    for path, page in built.items():
        alone = await runtime.pages.page("hefei", path, "std", {}, keep=False)
        assert (page.status, page.body, page.tags) == (alone.status, alone.body, alone.tags), path
    assert built["/zwdt/tzgg/index_3.html"].status == 200 and built["/zwdt/tzgg/index_4.html"].status == 404
    assert (
        withdrawn.title in built[withdrawn.url_path].body.decode()
        and withdrawn.title not in built["/zwdt/tzgg/"].body.decode()
    )


async def test_a_pass_writes_at_most_its_share_of_documents_and_leaves_the_rest_to_the_next(
    app, pages, feeder, monkeypatch
) -> None:
    """An import's documents go through the mirror a bounded pass at a time (each pass holds its documents'
    views), and none is dropped: the rest stay pending until a later pass writes them."""
    monkeypatch.setattr(mirror_module, "PASS_DOCUMENTS", 3)
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    mirror = RenderRuntime.of(app).mirror
    tags = {f"doc:{n}" for n in range(7)} | {"list:hefei:zwdt/tzgg", "entries:hefei"}
    now = mirror._this_pass("hefei", tags)
    assert len([t for t in now if t.startswith("doc:")]) == 3 and {"list:hefei:zwdt/tzgg", "entries:hefei"} <= now
    assert mirror._pending["hefei"] >= tags - now
    mirror._pending.clear()

    tzgg = (channels["zwdt/tzgg"], "zwdt/tzgg")
    docs = [feeder.document(HEFEI, tzgg, f"肥西县第{n}批迁移稿件的通知") for n in range(8)]
    await feeder.send(*(feeder.event(DocumentPublished, d) for d in docs))

    async def shown() -> bool:
        return all([(await pages.get(d.url_path)).status_code == 200 for d in docs])

    await eventually(shown)
    await mirror.drain()
    blobs = RenderRuntime.of(app).deps.blobs
    assert [await blobs.exists(mirror_key("hefei", d.url_path)) for d in docs] == [True] * 8


def test_a_sweeps_runs_hold_consecutive_list_pages() -> None:
    """A run is built with one read per stretch of a channel's consecutive pages, each at an OFFSET: the paths are
    ordered by their numbers, so a sweep of 1,000 deep pages is five reads, not a hundred."""
    lists = [f"/zwdt/tzgg/index_{n}.html" for n in range(11, 1011)]
    articles = [f"/zwdt/tzgg/202312/t20231201_{n}.html" for n in (9, 10, 100)]
    ordered = sorted({*lists, *articles, "/zwdt/tzgg/"}, key=reading_order)
    assert ordered[:4] == ["/zwdt/tzgg/", *articles]
    numbers = [int(p[17:-5]) for p in ordered[4:]]
    assert numbers == [*range(11, 1011)]
    runs = [numbers[start : start + RUN] for start in range(0, len(numbers), RUN)]
    assert all(run == [*range(run[0], run[-1] + 1)] for run in runs) and len(runs) == 5


async def test_the_mirror_keeps_its_share_while_changes_stream_and_catches_up_once_they_stop(app) -> None:
    """Changes told since the last pass began: the pass waits its share (at most MAX_WAIT); none, and the next pass
    (the documents and deep pages left over) follows at once."""
    mirror = RenderRuntime.of(app).mirror
    heard = mirror.heard
    mirror.changed("hefei", {"list:hefei:zwdt/tzgg"})
    assert mirror._pause(0.3, heard) == 4 * 0.3 and mirror._pause(30.0, heard) == mirror_module.MAX_WAIT
    assert mirror._pause(30.0, mirror.heard) == mirror.delay
