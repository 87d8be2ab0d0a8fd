"""Pages from content events: article, lists, home, catalogue, feeds, mirror; every page's national tags."""

from __future__ import annotations

import re

from services.render.main import RenderRuntime
from services.render.service.mirror import mirror_key
from services.render.tests.support import eventually, site, site_ready
from shared.events.content import DocumentUpdated, DocumentWithdrawn

HEFEI = site("hefei", "合肥市人民政府", "3401000001", domains=("hefei.gov.cn",))
FEIXI = site("feixi", "肥西县人民政府", "3401230001")


async def live(pages, path: str, text: str, host: str = "www.hefei.gov.cn") -> None:
    async def shows() -> bool:
        response = await pages.get(path, headers={"host": host})
        return response.status_code == 200 and text in response.text

    await eventually(shows)


async def test_a_published_document_appears_everywhere_it_should(app, pages, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    doc = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于加强政府网站内容保障工作的通知")
    await feeder.publish(doc)
    await live(pages, doc.url_path, doc.title)
    article = (await pages.get(doc.url_path)).text
    for tag in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnType", "ArticleTitle", "PubDate",
                "ContentSource", "Keywords", "Author", "Description", "Image", "Url"):  # fmt: skip
        assert f'<meta name="{tag}"' in article, tag
    assert '<meta name="PubDate" content="2026-11-02 10:30">' in article  # China time, YYYY-MM-DD HH:MM
    assert "003254560/2026-00100" in article and "合政办〔2026〕12号" in article  # 索引号, 文号
    for footer in ("主办单位：合肥市人民政府办公室", "0551-63538000", "3401000001", "皖ICP备05001925号",
                   "皖公网安备", "我为政府网站找错", "党政机关网站标识"):  # fmt: skip
        assert footer in article, footer
    for path in ("/", "/zwdt/tzgg/", "/zwdt/", "/sitemap.xml", "/zwdt/tzgg/rss.xml"):
        assert doc.url_path in (await pages.get(path)).text, path
    mirror = RenderRuntime.of(app).mirror
    await mirror.drain()
    blobs = RenderRuntime.of(app).blobs
    assert (await blobs.get(mirror_key("hefei", doc.url_path))).decode() == article
    assert doc.title in (await blobs.get(mirror_key("hefei", "/zwdt/tzgg/"))).decode()


async def test_a_changed_document_drops_exactly_the_pages_it_is_on(app, pages, feeder) -> None:
    hefei = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    feixi = await feeder.open_site(FEIXI)
    await site_ready(pages, FEIXI.main_domain)
    first = feeder.document(HEFEI, (hefei["zwdt/yw"], "zwdt/yw"), "合肥市召开政府网站工作推进会")
    await feeder.publish(first)
    await live(pages, first.url_path, first.title)
    watched = {  # (host, path) → whether the next publish in 通知公告 must drop it
        ("www.hefei.gov.cn", "/"): True,
        ("www.hefei.gov.cn", "/zwdt/"): True,
        ("www.hefei.gov.cn", "/zwdt/tzgg/"): True,
        ("www.hefei.gov.cn", "/sitemap.xml"): True,
        ("www.hefei.gov.cn", "/zwdt/yw/"): False,
        ("www.hefei.gov.cn", first.url_path): False,
        ("www.feixi.gov.cn", "/"): False,
    }
    cache = RenderRuntime.of(app).deps.cache
    before = {}
    for host, path in watched:

        async def cached(host: str = host, path: str = path) -> bool:
            """Asked until kept: a page built while an event still changed what it read is served, not kept (on
            Kafka the second site's events may still be arriving)."""
            assert (await pages.get(path, headers={"host": host})).status_code == 200
            before[host, path] = cache.get(cache.key(host.split(".")[1], path, "std"))
            return before[host, path] is not None

        await eventually(cached)
    second = feeder.document(HEFEI, (hefei["zwdt/tzgg"], "zwdt/tzgg"), "关于做好政府网站年度报表发布工作的通知")
    await feeder.publish(second)
    await live(pages, "/zwdt/tzgg/", second.title)
    for (host, path), dropped in watched.items():
        now = cache.get(cache.key(host.split(".")[1], path, "std"))
        assert (now is not before[host, path]) == dropped, (host, path)
    assert feixi["zwdt/tzgg"]  # the other site's pages were never touched


async def test_withdrawn_gone_redirected_and_invalid_documents(pages, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    policy = feeder.document(
        HEFEI, (channels["zfxxgk/zcwj"], "zfxxgk/zcwj"), "合肥市政府网站管理办法", topic="综合政务"
    )
    old = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于调整政务服务大厅办公时间的通知")
    gone = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于开展政府网站普查工作的通知")
    moved = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于网站改版的通知")
    for doc in (policy, old, gone, moved):
        await feeder.publish(doc)
    await live(pages, "/zwdt/tzgg/", moved.title)
    invalid = policy.model_copy(update={"disclosure": policy.disclosure.model_copy(update={"validity": "失效"})})
    await feeder.send(
        feeder.event(DocumentUpdated, invalid, change="validity"),
        feeder.event(DocumentWithdrawn, old, kind="withdraw", reason="办公时间已再次调整", redirect_url=None),
        feeder.event(DocumentWithdrawn, gone, kind="gone", reason="重复发布", redirect_url=None),
        feeder.event(DocumentWithdrawn, moved, kind="redirect", reason=None, redirect_url="https://www.ah.gov.cn/"),
    )
    await live(pages, policy.url_path, "本文件已失效")
    await live(pages, old.url_path, "该信息已撤回，原因：办公时间已再次调整")
    assert "明确专人负责日常维护" not in (await pages.get(old.url_path)).text  # the notice, not the text
    assert (await pages.get(gone.url_path)).status_code == 410
    redirect = await pages.get(moved.url_path)
    assert redirect.status_code == 301 and redirect.headers["location"] == "https://www.ah.gov.cn/"
    listing = (await pages.get("/zwdt/tzgg/")).text
    assert old.title not in listing and gone.title not in listing and moved.title not in listing
    catalogue = (await pages.get("/zfxxgk/")).text
    assert policy.title in catalogue and "已失效" in catalogue


async def test_a_repost_appears_on_the_other_site_with_the_original_as_canonical(pages, feeder) -> None:
    hefei = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    feixi = await feeder.open_site(FEIXI)
    await site_ready(pages, FEIXI.main_domain)
    doc = feeder.document(
        HEFEI,
        (hefei["zfxxgk/zcwj"], "zfxxgk/zcwj"),
        "合肥市人民政府关于进一步加强政府网站建设管理的意见",
        reposts=[(FEIXI, feixi["zwdt/tzgg"], "zwdt/tzgg")],
    )
    await feeder.publish(doc)
    repost_path = doc.url_path.replace("/zfxxgk/zcwj/", "/zwdt/tzgg/")
    await live(pages, repost_path, doc.title, host="www.feixi.gov.cn")
    page = (await pages.get(repost_path, headers={"host": "www.feixi.gov.cn"})).text
    assert f'<link rel="canonical" href="https://www.hefei.gov.cn{doc.url_path}">' in page
    assert "本文转载自" in page and "肥西县人民政府" in page
    assert repost_path in (await pages.get("/zwdt/tzgg/", headers={"host": "www.feixi.gov.cn"})).text
    assert (await pages.get(doc.url_path, headers={"host": "www.feixi.gov.cn"})).status_code == 404


async def test_lists_paginate_and_the_catalogue_filters(pages, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    for n in range(12):
        topic = "综合政务" if n % 2 else "城乡建设、环境保护"
        title = f"合肥市政策文件第{n + 1}号"
        await feeder.publish(feeder.document(HEFEI, (channels["zfxxgk/zcwj"], "zfxxgk/zcwj"), title, topic=topic))
    await live(pages, "/zfxxgk/zcwj/", "共 12 条")  # one event per document, on several partitions: wait for all
    first = (await pages.get("/zfxxgk/zcwj/")).text
    assert "共 12 条，第 1/3 页" in first and 'href="/zfxxgk/zcwj/index_2.html"' in first
    third = await pages.get("/zfxxgk/zcwj/index_3.html")
    assert third.status_code == 200 and "合肥市政策文件第1号<" in third.text
    assert (await pages.get("/zfxxgk/zcwj/index_4.html")).status_code == 404
    filtered = (await pages.get("/zfxxgk/", params={"topic": "综合政务", "year": "2026"})).text
    titles = re.findall(r"合肥市政策文件第(\d+)号", filtered)
    assert titles and all(int(n) % 2 == 0 for n in titles)  # n % 2 == 1 above ↔ even numbers here
    assert "共 6 条" in filtered
    assert "共 0 条" in (await pages.get("/zfxxgk/", params={"year": "2019"})).text


async def test_single_pages_and_topics(pages, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    about = feeder.document(HEFEI, (channels["gk"], "gk"), "合肥概况")
    topic = feeder.document(HEFEI, (channels["zt"], "zt"), "合肥市优化营商环境条例解读")
    await feeder.publish(about)
    await feeder.publish(topic)
    await live(pages, "/zt/", topic.title)
    assert "专题：优化营商环境专题栏目" in (await pages.get("/zt/")).text
    single = (await pages.get("/gk/")).text
    assert "明确专人负责日常维护" in single and '<meta name="ColumnType" content="单页栏目">' in single


async def test_a_catalogue_filter_it_cannot_take_is_a_400_naming_it(pages, feeder) -> None:
    await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    for params, field in (({"year": "1"}, "year"), ({"year": "9999"}, "year"), ({"year": "两千"}, "year")):
        answer = await pages.get("/zfxxgk/", params=params)
        assert answer.status_code == 400 and f"参数 {field} 无效" in answer.text, (params, answer.status_code)
    assert (await pages.get("/zfxxgk/", params={"page": "0"})).status_code == 400
    assert (await pages.get("/zfxxgk/", params={"year": "2026", "page": "1"})).status_code == 200


async def test_the_catalogue_lists_its_columns_and_is_searched_and_filtered(pages, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    policies = (channels["zfxxgk/zcwj"], "zfxxgk/zcwj")
    published = [
        feeder.document(HEFEI, policies, "合肥市优化营商环境若干政策", topic="综合政务"),
        feeder.document(HEFEI, policies, "合肥市生态环境保护条例实施办法", issuing_body="合肥市生态环境局"),
        feeder.document(HEFEI, policies, "合肥市2016年营商环境考核办法", validity="失效"),
        feeder.document(HEFEI, policies, "合肥市2015年政府网站管理办法", validity="废止"),
    ]
    for doc in published:
        await feeder.publish(doc)
    await live(pages, "/zfxxgk/", "共 4 条")
    everything = (await pages.get("/zfxxgk/")).text
    header = "".join(
        f'<th scope="col">{c}</th>' for c in ("索引号", "标题", "文号", "发布机构", "成文日期", "发布日期")
    )
    assert header in everything
    first = published[0]
    assert f'<td data-label="索引号">{first.disclosure.index_number}</td>' in everything
    assert '<td data-label="文号">合政办〔2026〕12号</td>' in everything
    assert f'<td data-label="成文日期">{first.disclosure.written_on.isoformat()}</td>' in everything

    async def titles(**params: str) -> list[str]:
        page = (await pages.get("/zfxxgk/", params=params)).text
        return sorted(d.title for d in published if d.title in page)

    assert await titles(q="营商环境") == ["合肥市2016年营商环境考核办法", "合肥市优化营商环境若干政策"]
    assert await titles(org="合肥市生态环境局") == ["合肥市生态环境保护条例实施办法"]
    assert await titles(validity="废止,失效") == ["合肥市2015年政府网站管理办法", "合肥市2016年营商环境考核办法"]
    assert await titles(validity="有效", q="营商") == ["合肥市优化营商环境若干政策"]
    assert await titles(q="100%_") == []  # LIKE's wildcards are searched as text
    assert 'href="/zfxxgk/?validity=%E5%BA%9F%E6%AD%A2%2C%E5%A4%B1%E6%95%88">失效文件</a>' in everything
    wrong = await pages.get("/zfxxgk/", params={"validity": "过期"})
    assert wrong.status_code == 400 and "参数 validity 无效" in wrong.text
