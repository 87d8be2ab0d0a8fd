"""Every tenant boundary of the content API: a user of site A can never read or change site B's drafts,
documents, channels, attachments, dictionaries, workflow or audit log — whether they name site B in the
URL (403) or reach for B's ids through their own site (404). Nothing changes either way."""

from __future__ import annotations

import pytest

from services.content.tests.support import API
from shared.auth import Grant
from shared.auth.keys import LocalSigner
from shared.testing import TEST_AUDIENCE, TEST_ISSUER

# (method, path, body): {b} is site B's id, {a} site A's, {doc}/{chan}/{att}/{pol} ids belonging to site B.
ROUTES = [
    ("GET", "/sites/{site}/documents/{doc}", None),
    ("PATCH", "/sites/{site}/documents/{doc}", {"title": "篡改后的标题内容", "version": 1}),
    ("DELETE", "/sites/{site}/documents/{doc}", None),
    ("POST", "/sites/{site}/documents/{doc}/submit", None),
    ("POST", "/sites/{site}/documents/{doc}/approve", {}),
    ("POST", "/sites/{site}/documents/{doc}/reject", {"comment": "越权退回"}),
    ("POST", "/sites/{site}/documents/{doc}/emergency-publish", {"reason": "越权发布"}),
    ("POST", "/sites/{site}/documents/{live}/unpublish", {"kind": "gone", "reason": "越权撤稿"}),
    ("POST", "/sites/{site}/documents/{live}/validity", {"validity": "废止"}),
    ("POST", "/sites/{site}/documents/{doc}/check", None),
    ("GET", "/sites/{site}/documents/{doc}/revisions", None),
    ("GET", "/sites/{site}/documents/{doc}/diff?from=1&to=1", None),
    ("GET", "/sites/{site}/documents/{doc}/reviews", None),
    ("PUT", "/sites/{site}/documents/{doc}/interprets", {"policy_ids": []}),
    ("POST", "/sites/{site}/documents/{live}/push", {"targets": [{"site_id": "feixi", "channel_id": 1}]}),
    ("GET", "/sites/{site}/attachments/{att}", None),
    ("GET", "/sites/{site}/attachments/{att}/content", None),
    ("PATCH", "/sites/{site}/channels/{chan}", {"name": "篡改栏目"}),
    ("DELETE", "/sites/{site}/channels/{chan}", None),
    ("POST", "/sites/{site}/channels/{chan}/placements", {"document_id": "{live}"}),
    ("POST", "/sites/{site}/channels/{chan}/subscriptions", {"source_site_id": "ah", "source_channel_id": 1}),
    ("GET", "/sites/{site}/channels/{chan}/subscriptions", None),
]
SITE_ROUTES = [
    ("GET", "/sites/{site}", None),
    ("PATCH", "/sites/{site}", {"contact_phone": "0551-00000000"}),
    ("GET", "/sites/{site}/documents", None),
    ("POST", "/sites/{site}/documents", {"channel_id": "{chan}", "title": "越权创建的稿件", "body_html": "<p>x</p>"}),
    ("POST", "/sites/{site}/channels", {"slug": "yq", "name": "越权栏目"}),
    ("GET", "/sites/{site}/workflow", None),
    ("PUT", "/sites/{site}/workflow", {"steps": [{"name": "审发"}]}),
    ("GET", "/sites/{site}/check-terms", None),
    ("POST", "/sites/{site}/check-terms", {"kind": "sensitive", "term": "越权词"}),
    ("GET", "/sites/{site}/audit", None),
    ("POST", "/sites/{site}/attachments", "file"),
]
ROLES_OF_A = ["editor", "site_admin", "reviewer:初审", "reviewer:审核", "reviewer:审发"]


@pytest.fixture
async def two_sites(client, sites, tokens):
    """Site B (hefei) with a draft, a live document, a channel and an attachment; site A (wuhu) next to it."""
    hefei, wuhu = (await sites.chain("hefei", "wuhu")).values()
    draft = await sites.draft(hefei, submit=True)
    live = await sites.publish(hefei)
    attachment = (
        await client.post(
            f"{API}/sites/hefei/attachments",
            headers=sites.editor("hefei"),
            files={"file": ("附件.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")},
        )
    ).json()
    ids = {"doc": draft["id"], "live": live["id"], "chan": hefei.channels["zwdt/yw"], "att": attachment["id"]}
    return hefei, wuhu, ids


async def snapshot(client, sites, ids) -> tuple:
    editor = sites.editor("hefei")
    docs = [(await client.get(f"{API}/sites/hefei/documents/{ids[k]}", headers=editor)).json() for k in ("doc", "live")]
    audit = (await client.get(f"{API}/sites/hefei/audit", headers=sites.admin("hefei"))).json()["total"]
    channels = (await client.get(f"{API}/sites/hefei/channels")).json()
    return docs, audit, channels


def fill(value, ids, site):  # noqa: ANN001, ANN201
    if isinstance(value, str):
        text = value.format(site=site, **ids)
        return int(text) if text.isdigit() else text
    if isinstance(value, dict):
        return {k: fill(v, ids, site) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids, site) for v in value]
    return value


async def call(client, method: str, path: str, body, headers):  # noqa: ANN001, ANN201
    url = API + path
    if body == "file":
        return await client.post(url, headers=headers, files={"file": ("a.pdf", b"%PDF-1.4\n%%EOF", "application/pdf")})
    return await client.request(method, url, headers=headers, json=body)


@pytest.mark.parametrize("role", ROLES_OF_A)
async def test_site_b_in_the_url_is_forbidden_to_site_a(client, sites, tokens, two_sites, role) -> None:
    _hefei, _wuhu, ids = two_sites
    before = await snapshot(client, sites, ids)
    headers = tokens.bearer(f"{role}@wuhu", ("wuhu", role))
    for method, path, body in ROUTES + SITE_ROUTES:
        response = await call(client, method, fill(path, ids, "hefei"), fill(body, ids, "hefei"), headers)
        assert response.status_code == 403, (method, path, response.status_code, response.text)
    assert await snapshot(client, sites, ids) == before


@pytest.mark.parametrize("role", ROLES_OF_A)
async def test_site_b_ids_through_site_a_are_not_found(client, sites, tokens, two_sites, role) -> None:
    _hefei, _wuhu, ids = two_sites
    before = await snapshot(client, sites, ids)
    headers = tokens.bearer(f"{role}@wuhu", ("wuhu", role))
    for method, path, body in ROUTES:
        response = await call(client, method, fill(path, ids, "wuhu"), fill(body, ids, "wuhu"), headers)
        assert response.status_code in (403, 404, 422), (method, path, response.status_code, response.text)
        assert response.status_code != 200
    assert await snapshot(client, sites, ids) == before


async def test_lists_never_show_another_sites_drafts(client, sites, two_sites) -> None:
    _hefei, wuhu, ids = two_sites
    await sites.draft(wuhu)
    mine = (await client.get(f"{API}/sites/wuhu/documents", headers=sites.editor("wuhu"))).json()
    assert mine["total"] == 1 and all(d["site_id"] == "wuhu" for d in mine["items"])
    library = (await client.get(f"{API}/library", headers=sites.editor("wuhu"))).json()
    assert {d["id"] for d in library["items"]} == {ids["live"]}  # other sites' live documents only, no drafts


async def test_no_token_and_bad_tokens_change_nothing(client, sites, tokens, two_sites) -> None:
    _hefei, _wuhu, ids = two_sites
    before = await snapshot(client, sites, ids)
    expired = tokens.bearer("old", ("hefei", "site_admin"), issued_at=1_600_000_000)
    stranger = LocalSigner.generate(issuer=TEST_ISSUER, audience=TEST_AUDIENCE)  # right claims, unknown key
    forged = {"authorization": "Bearer " + stranger.mint("mallory", [Grant(site="*", role="platform_operator")])}
    bad = ({}, {"authorization": "Bearer not.a.token"}, expired, forged, {"authorization": "Basic YWRtaW46YWRtaW4="})
    for headers in bad:
        for method, path, body in ROUTES + SITE_ROUTES:
            response = await call(client, method, fill(path, ids, "hefei"), fill(body, ids, "hefei"), headers)
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["www-authenticate"] == "Bearer"
    assert await snapshot(client, sites, ids) == before


# (method, path, body, a role one step short of what it needs) — on the site's own data, so only the role is wrong
ONE_ROLE_SHORT = [
    ("PATCH", "/sites/{site}", {"contact_phone": "0551-00000000"}, "editor"),
    ("POST", "/sites/{site}/channels", {"slug": "yq", "name": "越权栏目"}, "editor"),
    ("PATCH", "/sites/{site}/channels/{chan}", {"name": "篡改栏目"}, "editor"),
    ("DELETE", "/sites/{site}/channels/{chan}", None, "editor"),
    ("PUT", "/sites/{site}/workflow", {"steps": [{"name": "审发"}]}, "reviewer:审发"),
    ("POST", "/sites/{site}/check-terms", {"kind": "sensitive", "term": "越权词"}, "editor"),
    ("GET", "/sites/{site}/audit", None, "editor"),
    ("POST", "/sites/{site}/documents/{doc}/emergency-publish", {"reason": "越权发布"}, "reviewer:审发"),
    ("POST", "/sites/{site}/documents/{live}/unpublish", {"kind": "gone", "reason": "越权撤稿"}, "editor"),
    ("POST", "/sites/{site}/documents/{live}/push", {"targets": [{"site_id": "wuhu", "channel_id": 1}]}, "editor"),
    (
        "POST",
        "/sites/{site}/channels/{chan}/subscriptions",
        {"source_site_id": "wuhu", "source_channel_id": 1},
        "editor",
    ),
    (
        "POST",
        "/sites/{site}/documents",
        {"channel_id": "{chan}", "title": "越权创建的稿件", "body_html": "<p>x</p>"},
        "reviewer:初审",
    ),
    ("PATCH", "/sites/{site}/documents/{doc}", {"title": "篡改后的标题内容", "version": 1}, "reviewer:初审"),
    ("POST", "/sites/{site}/documents/{doc}/approve", {}, "editor"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "role"), ONE_ROLE_SHORT, ids=[f"{m} {p}" for m, p, _, _ in ONE_ROLE_SHORT]
)
async def test_a_role_one_step_short_is_refused_and_changes_nothing(
    client, sites, tokens, two_sites, method, path, body, role
) -> None:
    _hefei, _wuhu, ids = two_sites
    before = await snapshot(client, sites, ids)
    headers = tokens.bearer(f"short-{role}", ("hefei", role))
    response = await call(client, method, fill(path, ids, "hefei"), fill(body, ids, "hefei"), headers)
    assert response.status_code == 403, (method, path, role, response.text)
    assert await snapshot(client, sites, ids) == before
