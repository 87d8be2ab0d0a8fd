"""A job's rules tried on sample pages before they are saved: a body selector changes what a page yields, beside
what the saved rules yield; a selector that is not CSS is refused naming its field (in the preview and when
saved); only the job's legacy sites are fetched; a sample that cannot be read says why; the pages suggested are
the ones the run read; saving the rules is in the log with who did it; another site's admin gets nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from services.transition.tests.legacy_site import article_path, article_title
from services.transition.tests.support import API, job_in
from shared.testing import serve_on_port

pytestmark = pytest.mark.asyncio
LEGACY = "old.feixi.gov.cn"
SECOND_PARAGRAPH = ".TRS_Editor p:nth-of-type(2)"
HEAD = '<html><head><meta charset="utf-8"><title>{}_旧网站</title></head><body>'
PAGES = {
    "/": HEAD.format("首页") + '<a href="/a.html">通知</a> <a href="/b.html">说明</a></body></html>',
    "/a.html": HEAD.format("关于开展安全生产检查的通知") + '<p>发布时间：2023-05-06</p><div class="TRS_Editor">'
    '<p onclick="alert(1)">各乡镇人民政府：现就开展安全生产大检查有关事项通知如下，请认真贯彻落实。</p><h2>小标题</h2>'
    '<img src="/x.png" onerror="alert(2)"><a href="javascript:alert(3)">查看原文</a></div></body></html>',
    "/b.html": HEAD.format("关于调整办事大厅工作时间的说明") + '<p>发布时间：2023-05-07</p><div id="comments">'
    "<p>为方便群众办事，自下月起政务服务大厅周六上午照常办公，节假日另行通知，请相互转告。</p></div></body></html>",
}


def plan(server: str, **extra) -> dict:
    return {"source": f"http://{LEGACY}/", "resolve": {LEGACY: server}, "per_second": 500, **extra}


async def planned(api, admin: dict, server: str, **extra) -> int:  # noqa: ANN001
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(server, start=False, **extra), headers=admin)
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def test_a_body_selector_changes_what_a_sample_page_yields(api, tokens, old_site) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    job_id = await planned(api, admin, old_site[0])
    page = f"http://{LEGACY}{article_path(3)}"
    asked = {"rules": {"body": SECOND_PARAGRAPH, "title": "title"}, "urls": [page]}
    answer = await api.post(f"{API}/sites/feixi/jobs/{job_id}/preview", json=asked, headers=admin)
    assert answer.status_code == 200, answer.text
    [sample] = answer.json()["samples"]
    proposed, saved = sample["proposed"], sample["saved"]
    assert sample["error"] is None and proposed["kind"] == saved["kind"] == "article"
    assert (proposed["found_by"], saved["found_by"]) == ("rules", ".TRS_Editor")  # the CMS container, without rules
    assert "各乡镇人民政府" in saved["body_html"] and "各乡镇人民政府" not in proposed["body_html"]
    assert article_title(3) in proposed["body_html"] and proposed["body_chars"] < saved["body_chars"]
    assert proposed["title"] == f"{article_title(3)}_肥西县人民政府" and saved["title"] == article_title(3)
    assert proposed["published_at"].startswith("2024-01-02T09:30") and proposed["source"] == "肥西县应急管理局"
    assert set(sample["changed"]) == {"title", "found_by", "body_html"}
    assert answer.json()["rules"]["body"] == SECOND_PARAGRAPH and answer.json()["saved_rules"] == {"remove": []}
    job = (await api.get(f"{API}/sites/feixi/jobs/{job_id}", headers=admin)).json()
    assert job["rules"] == {"remove": []}  # a preview keeps nothing


async def test_the_body_is_shown_sanitized_and_what_rules_remove_is_gone(api, tokens, old_site) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    job_id = await planned(api, admin, old_site[0], rules={"body": ".TRS_Editor"})
    asked = {
        "rules": {"body": ".TRS_Editor", "remove": ["p:last-child"]},
        "urls": [f"http://{LEGACY}{article_path(0)}"],
    }
    answer = await api.post(f"{API}/sites/feixi/jobs/{job_id}/preview", json=asked, headers=admin)
    [sample] = answer.json()["samples"]
    assert "返回列表" in sample["saved"]["body_html"] and "返回列表" not in sample["proposed"]["body_html"]
    assert "<a" not in sample["saved"]["body_html"] and "href" not in sample["saved"]["body_html"]  # text only
    assert sample["saved"]["attachments"] == 1 and sample["changed"] == ["body_html"]
    assert answer.json()["saved_rules"] == {"body": ".TRS_Editor", "remove": []}


async def test_a_selector_that_is_not_css_is_refused_naming_its_field(api, tokens, old_site) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    job_id = await planned(api, admin, old_site[0])
    page = [f"http://{LEGACY}{article_path(1)}"]
    for rules, field in (({"body": "div[[zoom"}, "rules.body"), ({"date": ".a >> .b"}, "rules.date"),
                         ({"remove": [".share", "p:nth-child(x)"]}, "rules.remove")):  # fmt: skip
        answer = await api.post(
            f"{API}/sites/feixi/jobs/{job_id}/preview", json={"rules": rules, "urls": page}, headers=admin
        )
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert error["details"][0]["field"] == field and "不是有效的 CSS 选择器" in error["message"], error
    saved = await api.patch(f"{API}/sites/feixi/jobs/{job_id}", json={"rules": {"body": "div[[zoom"}}, headers=admin)
    assert saved.status_code == 422 and saved.json()["error"]["details"][0]["field"] == "rules.body"
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan("127.0.0.1:9", rules={"title": "h1 <"}),
                             headers=admin)  # fmt: skip
    assert created.status_code == 422 and created.json()["error"]["details"][0]["field"] == "rules.title"


async def test_only_the_jobs_legacy_sites_are_fetched_and_a_failed_sample_says_why(api, tokens, old_site) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    job_id = await planned(api, admin, old_site[0])
    for foreign in ("http://www.example.com/a.html", f"ftp://{LEGACY}/a.html", f"http://{old_site[0]}/a.html"):
        answer = await api.post(f"{API}/sites/feixi/jobs/{job_id}/preview", json={"urls": [foreign]}, headers=admin)
        assert answer.status_code == 422, foreign
        assert answer.json()["error"]["details"][0]["field"] == "urls" and "不在本任务的旧网站" in answer.text
    urls = [f"http://{LEGACY}/no/such/page.html", f"http://{LEGACY}/u/3.pdf", f"http://{LEGACY}/old/tzgg.html"]
    answer = await api.post(f"{API}/sites/feixi/jobs/{job_id}/preview", json={"urls": urls}, headers=admin)
    missing, pdf, moved = answer.json()["samples"]
    assert "返回 404" in missing["error"] and missing["proposed"] is None
    assert "不是网页" in pdf["error"] and "application/pdf" in pdf["error"]
    assert moved["error"] is None and moved["proposed"]["kind"] == "list"  # the legacy site's own redirect followed
    assert moved["proposed"]["entries"] == 20


async def test_samples_are_the_pages_the_run_read_and_saving_rules_is_logged(api, tokens, channels, old_site) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    fresh = await planned(api, admin, old_site[0])
    nothing_read = (await api.get(f"{API}/sites/feixi/jobs/{fresh}/samples", headers=admin)).json()
    assert nothing_read == [{"url": f"http://{LEGACY}/", "kind": None, "state": None, "reason": None}]
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(old_site[0]), headers=admin)
    job = await job_in(api, admin, "feixi", created.json()["id"], "done", "failed")
    suggested = (await api.get(f"{API}/sites/feixi/jobs/{job['id']}/samples", headers=admin)).json()
    assert 1 <= len(suggested) <= 5 and all(s["kind"] == "document" for s in suggested), suggested
    again = (await api.get(f"{API}/sites/feixi/jobs/{fresh}/samples", headers=admin)).json()
    assert again == suggested  # a second job of the site samples what the first one read of the same legacy site
    answer = await api.post(f"{API}/sites/feixi/jobs/{job['id']}/preview", json={}, headers=admin)
    samples = answer.json()["samples"]
    assert [s["url"] for s in samples] == [s["url"] for s in suggested]
    assert all(s["proposed"] == s["saved"] and s["changed"] == [] for s in samples)  # the saved rules, twice

    rules = {"body": SECOND_PARAGRAPH, "remove": [".share"]}
    saved = await api.patch(f"{API}/sites/feixi/jobs/{job['id']}", json={"rules": rules}, headers=admin)
    assert saved.status_code == 200 and saved.json()["rules"] == rules
    log = (await api.get(f"{API}/sites/feixi/jobs/{job['id']}/log", headers=admin)).json()
    changed = [e for e in log if e["action"] == "job.plan_changed"][-1]
    assert changed["actor"] == "admin@feixi" and changed["detail"]["rules"]["body"] == SECOND_PARAGRAPH
    assert changed["detail"]["rules_before"] == {"remove": []}
    cleared = await api.patch(f"{API}/sites/feixi/jobs/{job['id']}", json={"rules": None}, headers=admin)
    assert cleared.status_code == 200 and cleared.json()["rules"] == {}


async def test_a_page_the_run_could_not_read_is_suggested_first_and_bodies_are_shown_sanitized(
    api, tokens, channels
) -> None:
    async def page(request: Request) -> HTMLResponse:
        return HTMLResponse(
            PAGES.get(request.url.path, "<h1>页面不存在</h1>"), 200 if request.url.path in PAGES else 404
        )

    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    with serve_on_port(Starlette(routes=[Route("/{path:path}", page)])) as base:
        created = await api.post(f"{API}/sites/feixi/jobs", json=plan(urlsplit(base).netloc), headers=admin)
        job = await job_in(api, admin, "feixi", created.json()["id"], "done", "failed")
        suggested = (await api.get(f"{API}/sites/feixi/jobs/{job['id']}/samples", headers=admin)).json()
        assert [(s["url"], s["kind"], s["reason"]) for s in suggested] == [
            (f"http://{LEGACY}/b.html", "other", "没有找到正文"),
            (f"http://{LEGACY}/a.html", "document", "栏目未对应"),
        ]
        answer = await api.post(
            f"{API}/sites/feixi/jobs/{job['id']}/preview", json={"rules": {"body": "#comments"}}, headers=admin
        )
    unread, hostile = answer.json()["samples"]
    assert unread["last_run"] == "没有找到正文" and unread["saved"]["kind"] == "other"
    assert unread["proposed"]["kind"] == "article" and unread["proposed"]["found_by"] == "rules"
    assert (
        unread["proposed"]["published_at"].startswith("2023-05-07")
        and "周六上午照常办公" in unread["proposed"]["body_html"]
    )
    assert hostile["changed"] == [] and hostile["proposed"]["found_by"] == ".TRS_Editor"
    shown = hostile["proposed"]["body_html"]
    assert "各乡镇人民政府" in shown and "小标题" in shown and "查看原文" in shown  # the text stays, the markup goes
    for unsafe in ("onclick", "onerror", "javascript:", "<img", "<a", "<h2", "alert"):
        assert unsafe not in shown, shown


async def test_another_sites_admin_cannot_preview_a_job(api, tokens, old_site) -> None:
    feixi = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    hefei = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    job_id = await planned(api, feixi, old_site[0])
    asked = {"urls": [f"http://{LEGACY}{article_path(1)}"]}
    assert (await api.post(f"{API}/sites/feixi/jobs/{job_id}/preview", json=asked, headers=hefei)).status_code == 403
    assert (await api.post(f"{API}/sites/hefei/jobs/{job_id}/preview", json=asked, headers=hefei)).status_code == 404
    assert (await api.get(f"{API}/sites/hefei/jobs/{job_id}/samples", headers=hefei)).status_code == 404
    editor = tokens.bearer("editor@feixi", ("feixi", "editor"))
    assert (await api.post(f"{API}/sites/feixi/jobs/{job_id}/preview", json=asked, headers=editor)).status_code == 403
