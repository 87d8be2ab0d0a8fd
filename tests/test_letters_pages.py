"""Issue 13's proof through the gateway: a letter written on a county site's own form (no JavaScript), its
receipt mailed to the writer through a real SMTP server on loopback, routed to a department by the office,
answered and published with personal data masked, rated on the 查询码 page; the public pages, statistics and
the group search (its answer box too) show it; another site's handlers never see it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from services.interaction.tests.support import Inbox, smtp_server, text_of
from tests.test_consolidated import API, bearer, open_hefei

LETTERS = "/api/v1/interaction"
HOST = {"host": "www.hefei.gov.cn"}
COUNTY = {"host": "www.feixi.gov.cn"}
FEIXI = {
    "id": "feixi",
    "name": "肥西县人民政府",
    "host_unit": "肥西县人民政府办公室",
    "site_code": "3401230001",
    "org_code": "003254999",
    "level": "county",
    "parent_id": "hefei",
    "main_domain": "www.feixi.gov.cn",
    "status": "online",
}
FORM = {
    "name": "王建国",
    "phone": "13955512345",
    "address": "合肥市蜀山区长江西路88号5栋",
    "addressee": "leader",
    "category": "建议",
    "title": "建议在地铁站出口增设非机动车停放点",
    "body": "长江西路地铁站B出口没有非机动车停放点，电动车乱停乱放堵塞人行道，建议增设停放点。我的电话13955512345。",
    "public": "true",
    "website": "",
}
NO_FILE = {"x": ("", b"")}  # a multipart form, as the browser sends it


@pytest.fixture(autouse=True)
def mail(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """The platform's desk sends through a real SMTP server on loopback (set before the platform starts)."""
    with smtp_server() as (inbox, port):
        monkeypatch.setenv("INTERACTION_SMTP_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setenv("INTERACTION_MAIL_POLL_SECONDS", "0.05")
        yield inbox


async def desk_of_hefei(http, platform) -> None:
    await open_hefei(http, platform)
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    assert (await http.post(f"{API}/sites", json=FEIXI, headers=operator)).status_code == 201
    await platform.settle()  # the desk hears of the sites from the content library's events
    for site in ("hefei", "feixi"):
        admin = bearer(platform, f"{site}-admin", (site, "site_admin"))
        for code, name, kind in (("leader", "主要负责人信箱", "leader"), ("jtj", "交通运输局", "department")):
            body = {"name": name, "kind": kind}
            answer = await http.put(f"{LETTERS}/sites/{site}/units/{code}", json=body, headers=admin)
            assert answer.status_code == 200


async def test_a_letter_from_the_sites_form_to_its_published_answer(http, platform, mail: Inbox) -> None:
    await desk_of_hefei(http, platform)
    form = await http.get("/hdjl/xx/write.html", headers=COUNTY)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text and "主要负责人信箱" in form.text

    typed = {**FORM, "email": "wangjianguo@example.cn"}
    refused = await http.post(
        "/hdjl/xx/write.html", headers=COUNTY, files=NO_FILE, data={**typed, "title": "<b>停车</b>"}
    )
    assert refused.status_code == 422 and 'href="#f-title"' in refused.text and 'aria-invalid="true"' in refused.text
    assert "长江西路地铁站B出口" in refused.text  # what was typed is kept

    sent = await http.post("/hdjl/xx/write.html", headers=COUNTY, files=NO_FILE, data=typed)
    assert sent.status_code == 200 and "查询码" in sent.text
    code = re.search(r'class="tracking-code"><strong>([A-Z0-9]+)<', sent.text)[1]
    receipt = (await mail.wait_for("wangjianguo@example.cn"))[0]
    assert code in text_of(receipt) and "肥西县人民政府" in receipt["Subject"]

    office = bearer(platform, "feixi-letters", ("feixi", "letter_handler"))
    queue = (await http.get(f"{LETTERS}/sites/feixi/desk/letters", headers=office)).json()
    letter_id = queue["items"][0]["id"]
    other = bearer(platform, "hefei-letters", ("hefei", "letter_handler"))
    assert (await http.get(f"{LETTERS}/sites/feixi/desk/letters", headers=other)).status_code == 403
    assert (await http.get(f"{LETTERS}/sites/hefei/desk/letters/{letter_id}", headers=other)).status_code == 404
    url = f"{LETTERS}/sites/feixi/desk/letters/{letter_id}"
    assert (await http.post(f"{url}/accept", json={"unit": "jtj"}, headers=office)).status_code == 200
    department = bearer(platform, "feixi-jtj", ("feixi", "letter_handler:jtj"))
    reply = {"reply": "经研究，将于下月在B出口东侧增设非机动车停放区，感谢您的建议。"}
    assert (await http.post(f"{url}/draft", json=reply, headers=department)).status_code == 200
    assert (await http.post(f"{url}/approve", json={}, headers=office)).status_code == 200
    assert (await http.post(f"{url}/publish", json={}, headers=office)).status_code == 200
    answered = (await mail.wait_for("wangjianguo@example.cn", count=3))[-1]
    assert "增设非机动车停放区" in text_of(answered)

    listing = await http.get("/hdjl/xx/", headers=COUNTY)
    assert f'href="/hdjl/xx/{letter_id}.html"' in listing.text and "交通运输局" in listing.text
    assert f'href="/hdjl/xx/{letter_id}.html"' not in (await http.get("/hdjl/xx/", headers=HOST)).text
    page = await http.get(f"/hdjl/xx/{letter_id}.html", headers=COUNTY)
    assert page.status_code == 200 and "增设非机动车停放区" in page.text
    assert "13955512345" not in page.text and "王建国" not in page.text and "长江西路88号" not in page.text

    looked = await http.post("/hdjl/cx/", headers=COUNTY, data={"code": code.lower()})
    assert looked.status_code == 200 and "已答复" in looked.text and "提交评价" in looked.text
    rated = await http.post("/hdjl/cx/", headers=COUNTY, data={"code": code, "action": "rate", "rating": "满意"})
    assert "感谢您的评价" in rated.text and "已办结" in rated.text

    stats = await http.get("/hdjl/tj/", headers=COUNTY)
    assert stats.status_code == 200 and "<svg" in stats.text and "交通运输局" in stats.text and "100.0%" in stats.text
    await platform.settle()
    found = (await http.get("/api/v1/search", params={"q": "非机动车停放", "site": "feixi"})).json()
    assert any(r["url_path"] == f"/hdjl/xx/{letter_id}.html" for r in found["results"])
    asked = (await http.get("/api/v1/search", params={"q": "地铁站出口增设非机动车停放点", "site": "feixi"})).json()
    assert asked["answer"]["url"] == f"/hdjl/xx/{letter_id}.html" and "停放区" in asked["answer"]["answer"]


async def test_the_disclosure_form_and_unknown_letters(http, platform) -> None:
    await desk_of_hefei(http, platform)
    form = await http.get("/zfxxgk/ysqgk/", headers=HOST)
    assert form.status_code == 200 and "20 个工作日" in form.text and 'name="id_number"' in form.text
    data = {**FORM, "title": "申请公开2025年老旧小区改造项目清单", "id_number": "340104199001011234"}
    sent = await http.post("/zfxxgk/ysqgk/", headers=HOST, files={"x": ("", b"")}, data=data)
    assert sent.status_code == 200 and "您的申请已提交" in sent.text
    assert (await http.get("/hdjl/xx/999999.html", headers=HOST)).status_code == 404
    assert (await http.post("/hdjl/cx/", headers=HOST, data={"code": "NOSUCHCODE12"})).status_code == 404
    assert (await http.post("/zwdt/tzgg/", headers=HOST, data={"a": "b"})).status_code == 405


async def test_consultation_survey_and_interview_pages_take_part_without_javascript(http, platform) -> None:
    from services.interaction.tests.test_engagement import DRAFT, INTERVIEW, SURVEY

    await desk_of_hefei(http, platform)
    office = bearer(platform, "feixi-letters", ("feixi", "letter_handler"))
    desk = f"{LETTERS}/sites/feixi/desk"
    consultation = (await http.post(f"{desk}/consultations", json=DRAFT, headers=office)).json()["id"]
    await http.post(f"{desk}/consultations/{consultation}/open", headers=office)
    survey = (await http.post(f"{desk}/surveys", json={**SURVEY, "live_results": True}, headers=office)).json()["id"]
    await http.post(f"{desk}/surveys/{survey}/status", json={"status": "open"}, headers=office)
    interview = (await http.post(f"{desk}/interviews", json=INTERVIEW, headers=office)).json()["id"]

    listed = await http.get("/hdjl/zj/", headers=COUNTY)
    assert listed.status_code == 200 and f'href="/hdjl/zj/{consultation}.html"' in listed.text
    page = f"/hdjl/zj/{consultation}.html"
    said = {"section": "2", "name": "李明", "body": "建议将答复时限明确为7个工作日。", "website": ""}
    commented = await http.post(page, headers=COUNTY, data=said)
    assert (
        commented.status_code == 200 and "您的意见已提交" in commented.text and "建议将答复时限明确" in commented.text
    )
    empty = await http.post(page, headers=COUNTY, data={**said, "body": ""})
    assert empty.status_code == 422 and "提交未成功" in empty.text

    form = await http.get(f"/hdjl/dc/{survey}.html", headers=COUNTY)
    assert 'name="q.use"' in form.text and 'name="q.grid.内容更新"' in form.text
    assert http.cookies.get("sg_device"), "the first page visited set the device mark, sent back from then on"
    answers = {"q.often": "每周", "q.use": ["信息公开", "互动交流"], "q.score": "4", "q.grid.内容更新": "好",
               "q.grid.查找信息": "一般", "website": ""}  # fmt: skip
    marked = COUNTY
    sent = await http.post(f"/hdjl/dc/{survey}.html", headers=marked, data=answers)
    assert sent.status_code == 200 and "您的答卷已提交" in sent.text
    again = await http.post(f"/hdjl/dc/{survey}.html", headers=marked, data=answers)
    assert again.status_code == 409 and "已参与" in again.text
    results = await http.get(f"/hdjl/dc/{survey}/results.html", headers=COUNTY)
    assert results.status_code == 200 and "<svg" in results.text and "共 1 人参与" in results.text

    asked = await http.post(
        f"/hdjl/ft/{interview}.html", headers=COUNTY, data={"name": "网友", "body": "原网址还能用吗？"}
    )
    assert asked.status_code == 200 and "审核后显示" in asked.text
    reported = await http.post(
        "/hdjl/jb/", headers=COUNTY, data={"target": "comment", "id": "1", "reason": "广告", "back": page}
    )
    assert reported.status_code == 200 and "已收到您的举报" in reported.text
