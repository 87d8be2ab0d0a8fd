"""The tenant matrix: a letters handler (or site admin) of 合肥 reaches none of 肥西's letters, files, steps,
departments, templates or settings through any endpoint of the desk — and nothing of 肥西 changes."""

from __future__ import annotations

import pytest

from services.interaction.schemas import StepAction
from services.interaction.tests.support import API, office, send_letter, step
from shared.testing import Tokens

ACTIONS = StepAction.__args__
INTRUDERS = {
    "hefei office": lambda t: t.bearer("hefei-letters", ("hefei", "letter_handler")),
    "hefei admin": lambda t: t.bearer("hefei-admin", ("hefei", "site_admin")),
    "hefei department": lambda t: t.bearer("hefei-jyj", ("hefei", "letter_handler:jyj")),
    "feixi editor": lambda t: t.bearer("feixi-editor", ("feixi", "editor")),
}


def requests(letter_id: int, template_id: int) -> list[tuple[str, str, dict | None]]:
    desk = f"{API}/sites/feixi/desk"
    listed = [
        ("GET", f"{desk}/letters", None),
        ("GET", f"{desk}/letters/{letter_id}", None),
        ("GET", f"{desk}/letters/{letter_id}/attachments/1", None),
        ("GET", f"{desk}/units", None),
        ("GET", f"{desk}/templates", None),
        ("POST", f"{desk}/templates", {"title": "越权", "body": "越权"}),
        ("PUT", f"{desk}/templates/{template_id}", {"title": "越权", "body": "越权"}),
        ("DELETE", f"{desk}/templates/{template_id}", None),
        ("PUT", f"{API}/sites/feixi/units/jyj", {"name": "越权"}),
        ("GET", f"{API}/sites/feixi/settings", None),
        ("PUT", f"{API}/sites/feixi/settings", {"captcha": True}),
        ("GET", f"{API}/overview/unanswered?site=feixi", None),
        ("PUT", f"{API}/calendar/days/2027-01-04", {"workday": False, "name": "越权"}),
    ]
    body = {"note": "越权", "unit": "zjj", "reply": "越权"}
    return listed + [("POST", f"{desk}/letters/{letter_id}/{action}", body) for action in ACTIONS]


@pytest.mark.parametrize("who", INTRUDERS)
async def test_nothing_of_another_site_is_reachable(api, sites, tokens: Tokens, who: str) -> None:
    receipt = await send_letter(api)
    await step(api, office(tokens), receipt["id"], "accept", unit="jyj")
    made = await api.post(
        f"{API}/sites/feixi/desk/templates", json={"title": "模板", "body": "内容"}, headers=office(tokens)
    )
    before = (await api.get(f"{API}/sites/feixi/desk/letters/{receipt['id']}", headers=office(tokens))).json()
    headers = INTRUDERS[who](tokens)
    for method, path, body in requests(receipt["id"], made.json()["id"]):
        answer = await api.request(method, path, json=body, headers=headers)
        assert answer.status_code in (403, 404), (who, method, path, answer.status_code, answer.text[:200])
        assert "张三丰" not in answer.text and "13912345678" not in answer.text
    after = (await api.get(f"{API}/sites/feixi/desk/letters/{receipt['id']}", headers=office(tokens))).json()
    assert after == before
    templates = (await api.get(f"{API}/sites/feixi/desk/templates", headers=office(tokens))).json()
    assert [t["title"] for t in templates] == ["模板"]
    units = (await api.get(f"{API}/sites/feixi/desk/units", headers=office(tokens))).json()
    assert "越权" not in str(units)
    assert (await api.get(f"{API}/sites/hefei/letters/public/{receipt['id']}")).status_code == 404
    assert (await api.get(f"{API}/sites/feixi/letters/public/{receipt['id']}")).status_code == 404  # not published


async def test_without_a_token_the_desk_is_closed(api, sites) -> None:
    for path in ("/sites/feixi/desk/letters", "/sites/feixi/desk/units", "/overview/unanswered", "/my/letters"):
        assert (await api.get(API + path)).status_code == 401, path
