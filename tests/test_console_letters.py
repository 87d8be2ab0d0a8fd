"""The console's 信件办理 desk end to end, in-process: the 合肥 letters office finds a new letter in its queue,
accepts it and routes it to a department; the department's handler replies from a template; the office approves
and publishes; a 马鞍山 handler sees none of it; an operator keeps the holiday table and the 3-month list."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest_asyncio

from services import identity
from services.console.tests.browsing import Person, browser, text_of
from tests.test_console_search import MAS
from tests.test_consolidated import API, bearer, open_hefei
from tests.test_letters_pages import FORM, HOST, LETTERS

BASE = "http://127.0.0.1:8765"
PASSWORD = "Zhengwu@2026x"
PEOPLE = {
    "hf-letters": ("合肥信访办张敏", "hefei", "letter_handler"),
    "hf-jtj": ("合肥市交通运输局刘洋", "hefei", "letter_handler:jtj"),
    "mas-letters": ("马鞍山信访办李强", "mas", "letter_handler"),
    "op1": ("平台运维人员钱峰", "*", "platform_operator"),
}


@pytest_asyncio.fixture
async def desk(http, platform) -> None:
    await open_hefei(http, platform)
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    assert (await http.post(f"{API}/sites", json=MAS, headers=operator)).status_code == 201
    await platform.settle()
    units = [("hefei", "leader", "市长信箱", "leader"), ("hefei", "jtj", "市交通运输局", "department")]
    for site, code, name, kind in [*units, ("mas", "leader", "市长信箱", "leader")]:
        answer = await http.put(
            f"{LETTERS}/sites/{site}/units/{code}", json={"name": name, "kind": kind}, headers=operator
        )
        assert answer.status_code == 200, answer.text
    template = {"title": "已采纳建议", "body": "您好！您的建议已被采纳，我局将于下月实施。感谢您的支持。"}
    office = bearer(platform, "hf-letters", ("hefei", "letter_handler"))
    assert (await http.post(f"{LETTERS}/sites/hefei/desk/templates", json=template, headers=office)).status_code == 201
    seeds = [identity.StaffSeed(u, name, site, role) for u, (name, site, role) in PEOPLE.items()]
    await identity.provision_staff(platform.identity.deps, seeds, PASSWORD, actor="test")


@pytest_asyncio.fixture
async def people(platform) -> AsyncIterator[dict[str, Person]]:
    clients = {username: browser(platform, BASE) for username in PEOPLE}
    yield {username: Person(client) for username, client in clients.items()}
    for client in clients.values():
        await client.aclose()


async def test_a_letter_is_routed_answered_and_published_through_the_console(desk, people, http) -> None:
    sent = await http.post("/hdjl/xx/write.html", headers=HOST, files={"x": ("", b"")}, data=FORM)
    code = re.search(r'class="tracking-code"><strong>([A-Z0-9]+)<', sent.text)[1]
    office = people["hf-letters"]
    queue = await office.sign_in("hf-letters", PASSWORD, start="/console/letters/")
    assert queue.url.path == "/console/letters/hefei/" and FORM["title"] in queue.text and "待受理" in queue.text
    link = re.search(r'href="(/console/letters/hefei/\d+)"', queue.text)[1]
    letter = await office.get(link)
    assert FORM["phone"] in letter.text and "受理" in letter.text  # the office sees the writer's contact
    accepted = await office.submit(letter, f"{link}/accept", {"unit": "jtj", "note": "转市交通运输局办理"})
    assert "已受理" in accepted.text and "市交通运输局" in text_of(accepted.text)
    assert re.search(r"剩 \d+ 个工作日", accepted.text)

    department = people["hf-jtj"]
    mine = await department.sign_in("hf-jtj", PASSWORD, start="/console/letters/")
    assert FORM["title"] in mine.text
    page = await department.get(link)
    template_id = re.search(r'<option value="(\d+)"[^>]*>已采纳建议</option>', page.text)[1]
    filled = await department.get(f"{link}?template={template_id}")
    assert "我局将于下月实施" in filled.text
    drafted = await department.submit(
        filled, f"{link}/draft", {"reply": "您好！您的建议已被采纳，我局将于下月在B出口增设停放区。"}
    )
    assert "已提交答复审核" in drafted.text and "答复草稿（待审核）" in drafted.text

    refused = await office.submit(await office.get(link), f"{link}/return", {"note": ""})
    assert refused.status_code == 422 and "未办理" in refused.text
    approved = await office.submit(await office.get(link), f"{link}/approve", {})
    assert "已审核通过并答复" in approved.text
    published = await office.submit(approved, f"{link}/publish", {})
    assert "已公开" in published.text
    status = (await http.get(f"{LETTERS}/letters/by-code/{code}")).json()
    assert status["status"] == "replied" and status["published"]


async def test_another_sites_handler_sees_none_of_it(desk, people, http) -> None:
    await http.post("/hdjl/xx/write.html", headers=HOST, files={"x": ("", b"")}, data=FORM)
    other = people["mas-letters"]
    own = await other.sign_in("mas-letters", PASSWORD, start="/console/letters/")
    assert own.url.path == "/console/letters/mas/" and FORM["title"] not in own.text
    for path in ("/console/letters/hefei/", "/console/letters/hefei/1", "/console/letters/hefei/stats"):
        refused = await other.get(path)
        assert refused.status_code == 403 and FORM["title"] not in refused.text, path
    forged = await other.submit(own, "/console/letters/hefei/1/accept", {"unit": ""})
    assert forged.status_code in (403, 404)


async def test_an_operator_keeps_the_holiday_table(desk, people) -> None:
    operator = people["op1"]
    page = await operator.sign_in("op1", PASSWORD, start="/console/letters/calendar?year=2027")
    assert "尚未录入" in page.text
    saved = await operator.submit(
        page, "/console/letters/calendar", {"day": "2027-02-06", "workday": "false", "name": "春节"}
    )
    assert "已将 2027-02-06 设为放假日" in saved.text and "春节" in text_of(saved.text) and "尚未录入" not in saved.text
    bad = await operator.submit(saved, "/console/letters/calendar", {"day": "明年", "workday": "false", "name": "春节"})
    assert bad.status_code == 422 and "格式" in bad.text
    overview = await operator.get("/console/letters/overview")
    assert overview.status_code == 200 and "没有超过 3 个月未答复" in overview.text


async def test_consultations_surveys_interviews_and_moderation_at_the_desk(desk, people, http) -> None:
    office = people["hf-letters"]
    page = await office.sign_in("hf-letters", PASSWORD, start="/console/engagement/")
    assert page.url.path == "/console/engagement/hefei/" and "新建意见征集" in page.text
    form = await office.get("/console/engagement/hefei/consultations/new")
    bad = await office.submit(
        form, form.url.path, {"title": "征求意见", "opens_at": "明天", "closes_at": "2027-01-31", "sections": "第一条"}
    )
    assert bad.status_code == 422 and "请按 2026-12-01" in bad.text
    articles = "第一条 为规范政府网站管理，制定本办法。\n第二条 本办法适用于本市各级政府网站。"
    draft = {
        "title": "《合肥市政府网站管理办法（征求意见稿）》征求意见",
        "summary": "公开征求意见。",
        "sections": articles,
    }
    draft |= {"opens_at": "2026-01-01", "closes_at": "2099-12-31"}
    made = await office.submit(form, form.url.path, draft)
    assert "已创建意见征集" in made.text and "第二条 本办法适用于" in made.text
    opened = await office.submit(made, f"{made.url.path}/open", {})
    assert "已发布征集" in opened.text
    item = made.url.path.rsplit("/", 1)[-1]
    said = {"name": "李明", "body": "建议增加网站年度报表的公开要求。", "section": 1}
    assert (await http.post(f"{LETTERS}/sites/hefei/consultations/{item}/comments", json=said)).status_code == 201
    spam = {"name": "推广", "body": "代开发票请联系"}
    assert (await http.post(f"{LETTERS}/sites/hefei/consultations/{item}/comments", json=spam)).status_code == 201
    weighed = await office.get(made.url.path)
    comment_id = re.search(r'name="comment" value="(\d+)"', weighed.text)[1]
    adopted = await office.submit(
        weighed, f"{made.url.path}/adopt", {"comment": comment_id, "adopted": "true", "response": "已采纳。"}
    )
    assert "已记录" in adopted.text

    queue = await office.get("/console/engagement/hefei/moderation")
    assert "代开发票请联系" in queue.text and "已隐藏" in queue.text

    survey_form = await office.get("/console/engagement/hefei/surveys/new")
    lines = "单选：您多久访问一次本网站？：每天／每周／很少\n评分：总体满意度\n文字：您的建议（选答）"
    fields = {"title": "网站满意度调查", "opens_at": "2026-01-01", "closes_at": "2099-12-31", "questions": lines}
    survey = await office.submit(survey_form, survey_form.url.path, fields)
    assert "已创建网上调查" in survey.text and "您多久访问一次本网站" in survey.text
    started = await office.submit(survey, f"{survey.url.path}/open", {})
    assert "已开始调查" in started.text
    exported = await office.get(f"{survey.url.path}/export.csv")
    assert exported.status_code == 200 and exported.text.startswith("\ufeff序号")

    interview_form = await office.get("/console/engagement/hefei/interviews/new")
    fields = {"title": "在线访谈：政府网站集约化", "guests": "张伟", "starts_at": "2026-12-20 10:00"}
    interview = await office.submit(interview_form, interview_form.url.path, fields)
    live = await office.submit(interview, f"{interview.url.path}/live", {})
    line = await office.submit(
        live, f"{interview.url.path}/line", {"speaker": "张伟", "text": "各位网友好。", "question": ""}
    )
    assert "已记录" in line.text and "各位网友好。" in line.text
    other = people["mas-letters"]
    await other.sign_in("mas-letters", PASSWORD)
    assert (await other.get(made.url.path)).status_code == 403


async def test_a_citizen_finds_their_letters_in_the_personal_centre(desk, people, http, platform) -> None:
    account = {"username": "li.ming", "password": PASSWORD, "name": "李明", "kind": "citizen"}
    registered = await http.post("/api/v1/identity/register", json=account)
    assert registered.status_code == 201, registered.text
    citizen = bearer(platform, registered.json()["id"])
    letter = {"category": "建议", "addressee": "jtj", "title": "建议延长地铁末班车时间", "body": "建议周五延长至23点。"}
    letter |= {"name": "李明", "phone": "13800005678"}
    sent = await http.post(f"{LETTERS}/sites/hefei/letters", json=letter, headers=citizen)
    assert sent.status_code == 201, sent.text
    from_site = await http.post("/hdjl/xx/write.html", headers=HOST, files={"x": ("", b"")}, data=FORM)
    site_code = re.search(r'class="tracking-code"><strong>([A-Z0-9]+)<', from_site.text)[1]  # no account there

    person = Person(browser(platform, BASE))
    try:
        dashboard = await person.sign_in("li.ming", PASSWORD)
        assert "我的信件（办理中）" in dashboard.text and "没有网站管理角色" in dashboard.text
        page = await person.get("/console/account/letters")
        assert letter["title"] in page.text and "市交通运输局" in page.text and "待受理" in page.text
        assert sent.json()["tracking_code"] in page.text and FORM["title"] not in page.text
        assert "/hdjl/cx/?code=" in page.text
        assert (await person.get("/console/letters/hefei/")).status_code == 403  # a citizen handles nothing
        wrong = await person.submit(page, "/console/account/letters", {"tracking_code": "ACDEFGHJKLMN"})
        assert wrong.status_code == 404 and "查询码不正确" in wrong.text
        added = await person.submit(page, "/console/account/letters", {"tracking_code": site_code})
        assert "已加入我的信件" in added.text and FORM["title"] in added.text
    finally:
        await person.http.aclose()
    staff = await people["mas-letters"].sign_in("mas-letters", PASSWORD, start="/console/account/letters")
    assert "您还没有以本账号提交或加入的信件" in staff.text and letter["title"] not in staff.text
    taken = await people["mas-letters"].submit(staff, "/console/account/letters", {"tracking_code": site_code})
    assert taken.status_code == 409 and "已加入另一个账号" in taken.text
