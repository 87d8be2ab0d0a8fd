"""Bad input gets a 4xx naming the field, and nothing of a refused letter is stored (rows or files)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from services.interaction.tests.support import API, LETTER, admin, office
from shared.testing import Tokens

URL = f"{API}/sites/feixi/letters"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


async def queue_total(api, tokens: Tokens) -> int:
    queue = await api.get(f"{API}/sites/feixi/desk/letters", params={"queue": "all"}, headers=office(tokens))
    return queue.json()["total"]


def field_of(response) -> str:
    """The field a refusal names (a JSON body's fields come as body.<name>)."""
    return response.json()["error"]["details"][0]["field"].removeprefix("body.")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "<script>alert(1)</script>路灯"}, "title"),
        ({"body": "请修路灯<img src=x onerror=alert(1)>谢谢"}, "body"),
        ({"name": "<b>张三</b>"}, "name"),
        ({"body": "长" * 5001}, "body"),
        ({"title": ""}, "title"),
        ({"phone": "call me maybe"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"category": "闲聊"}, "category"),
        ({"phone": None, "email": None, "address": None}, "phone"),
        ({"website": "http://spam.example"}, "website"),
        ({"addressee": "nosuch"}, "addressee"),
        ({"kind": "disclosure", "category": "依申请公开"}, "id_number"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
async def test_a_bad_field_is_named_and_nothing_is_stored(api, sites, tokens: Tokens, changes, field) -> None:
    response = await api.post(URL, json={**LETTER, **changes})
    assert response.status_code == 422, response.text
    assert field_of(response) == field
    assert await queue_total(api, tokens) == 0


async def test_wrong_bodies_and_unknown_sites(api, sites) -> None:
    assert (await api.post(URL, content=b"{not json", headers={"content-type": "application/json"})).status_code == 422
    assert (await api.post(URL, content=b"title=x", headers={"content-type": "text/plain"})).status_code == 415
    assert (await api.post(URL, json=["a list"])).status_code == 422
    assert (await api.post(f"{API}/sites/nosuch/letters", json=LETTER)).status_code == 404


async def test_attachments_are_checked_by_content_and_size(api, sites, tokens: Tokens, runtime) -> None:
    form = {k: str(v).lower() if isinstance(v, bool) else v for k, v in LETTER.items()}
    exe = {"attachments": ("报告.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")}
    assert (await api.post(URL, data=form, files=exe)).status_code == 415
    big = {"attachments": ("照片.png", png() + b"\x00" * (runtime.settings.max_attachment_bytes + 1), "image/png")}
    assert (await api.post(URL, data=form, files=big)).status_code == 413
    assert await queue_total(api, tokens) == 0
    good = [
        ("attachments", ("现场照片.png", png(), "image/png")),
        ("attachments", ("说明.txt", "路灯编号 A-17".encode(), "text/plain")),
    ]
    sent = await api.post(URL, data=form, files=good)
    assert sent.status_code == 201, sent.text
    letter = (await api.get(f"{API}/sites/feixi/desk/letters/{sent.json()['id']}", headers=office(tokens))).json()
    assert [a["filename"] for a in letter["attachments"]] == ["现场照片.png", "说明.txt"]
    first = letter["attachments"][0]["id"]
    file = await api.get(f"{API}/sites/feixi/desk/letters/{letter['id']}/attachments/{first}", headers=office(tokens))
    assert file.status_code == 200 and file.content == png()
    other = tokens.bearer("hefei-letters", ("hefei", "letter_handler"))
    denied = await api.get(f"{API}/sites/feixi/desk/letters/{letter['id']}/attachments/{first}", headers=other)
    assert denied.status_code == 403


async def test_one_address_may_send_only_so_many_an_hour(api, sites, runtime) -> None:
    runtime.settings.letters_per_hour_per_address = 2
    for i in range(2):
        assert (await api.post(URL, json={**LETTER, "title": f"第{i}件"})).status_code == 201
    flooded = await api.post(URL, json={**LETTER, "title": "第3件"})
    assert flooded.status_code == 429 and "一小时" in flooded.json()["error"]["message"]
    elsewhere = await api.post(URL, json={**LETTER, "title": "第4件"}, headers={"x-forwarded-for": "203.0.113.9"})
    assert elsewhere.status_code == 201  # another writer behind the gateway


async def test_a_site_that_asks_for_a_captcha_gets_one_answer_once(api, sites, tokens: Tokens, runtime) -> None:
    settings = {"captcha": True, "sensitive_words": ["垃圾"], "office_email": None}
    assert (await api.put(f"{API}/sites/feixi/settings", json=settings, headers=admin(tokens))).status_code == 200
    assert (await api.get(f"{API}/sites/feixi/letters/form")).json()["captcha"] is True
    assert field_of(await api.post(URL, json=LETTER)) == "captcha_answer"
    challenge = (await api.post(f"{API}/captchas")).json()
    image = await api.get(challenge["image"])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    answer = runtime.deps.captchas._answer(runtime.deps.captchas._open(challenge["token"])[0])  # what the image shows
    wrong = await api.post(URL, json={**LETTER, "captcha_token": challenge["token"], "captcha_answer": "XXXX"})
    assert field_of(wrong) == "captcha_answer"
    body = {
        **LETTER,
        "body": LETTER["body"] + "垃圾堆放",
        "captcha_token": challenge["token"],
        "captcha_answer": answer,
    }
    sent = await api.post(URL, json=body)
    assert sent.status_code == 201, sent.text
    assert field_of(await api.post(URL, json={**body, "title": "再来一次"})) == "captcha_answer"  # no replay
    letter = (await api.get(f"{API}/sites/feixi/desk/letters/{sent.json()['id']}", headers=office(tokens))).json()
    assert letter["flagged_words"] == ["垃圾"]
