"""The console's pure rules: where a sign-in may return to, the form ↔ API body mapping, findings in place."""

from __future__ import annotations

import pytest

from services.console.registry import roles_anywhere
from services.console.sections.content.forms import document_body, form_of_document
from services.console.sections.review.highlight import marked_body
from services.console.service.platform_api import ApiError
from services.console.service.signin import safe_return
from shared.auth import Grant, Principal


@pytest.mark.parametrize(
    ("asked", "goes"),
    [
        ("/console/content/hefei/?q=春节", "/console/content/hefei/?q=春节"),
        ("https://evil.example/console/", "/console/"),
        ("//evil.example/console/", "/console/"),
        ("/console/\\evil", "/console/"),
        ("/api/v1/identity/logout", "/console/"),
        (None, "/console/"),
    ],
)
def test_a_sign_in_returns_only_to_the_consoles_own_pages(asked, goes) -> None:
    assert safe_return(asked) == goes


def test_the_form_becomes_the_api_body_in_china_time() -> None:
    form = {"title": " 关于做好春运工作的通知 ", "channel_id": "12", "body_html": "<p>正文</p>", "subtitle": ""}
    form |= {"publish_at": "2027-01-20T09:30", "written_on": "2027-01-18"}
    created = document_body(form, for_update=False)
    assert created["title"] == "关于做好春运工作的通知" and created["channel_id"] == 12
    assert created["publish_at"] == "2027-01-20T09:30:00+08:00" and "subtitle" not in created
    updated = document_body(form | {"version": "3"}, for_update=True)
    assert updated["subtitle"] is None and updated["expires_at"] is None and updated["version"] == 3


def test_a_documents_times_come_back_to_the_form_in_china_time() -> None:
    doc = {"title": "通知", "channel_id": 3, "version": 2, "publish_at": "2027-01-20T01:30:00+00:00"}
    assert form_of_document(doc)["publish_at"] == "2027-01-20T09:30"


def test_refusals_land_beside_their_fields() -> None:
    error = ApiError(422, "invalid_input", "输入有误", {"body.title": "不能超过 200 个字符"})
    assert error.beside_fields() == {"title": "不能超过 200 个字符"}
    assert ApiError(409, "invalid_state", "稿件已发布").beside_fields() == {"": "稿件已发布"}


def test_findings_are_marked_in_the_text_and_never_in_tags() -> None:
    body = '<p>坚持<a href="/a?x=坚持">依法治国</a>，决不松懈。</p>'
    findings = [{"kind": "wording", "field": "body_html", "term": "坚持", "suggestion": None, "excerpt": "坚持"}]
    marked = str(marked_body(body, findings))
    assert marked.count("<mark") == 1 and 'href="/a?x=坚持"' in marked


def test_menus_follow_the_roles_of_the_token() -> None:
    reviewer = Principal(subject="u1", grants=(Grant(site="hefei", role="reviewer:初审"),))
    assert roles_anywhere("reviewer:*")(reviewer) and not roles_anywhere("editor")(reviewer)
