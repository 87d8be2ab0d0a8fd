"""Issue 4 through the whole platform: the content API takes the identity provider's tokens — got by a real
login with authlib's client — and nothing else; a token's site roles are what it may do."""

from __future__ import annotations

import re

import httpx
import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from gateway.keys import RemoteKeyVerifier
from services.identity.tests.flows import code_flow
from services.identity.tests.support import seed_people
from shared.auth.apikeys import ApiKeyInfo
from sitegroup.demo.accounts import DEMO_PASSWORD, demo_people, seed_accounts, seed_organisations
from sitegroup.demo.province import PROVINCE
from tests.test_consolidated import API, bearer, open_hefei

ID = "/api/v1/identity"
CREDIT_CODE = "91340100MA2RMLXP36"  # check character computed per GB 32100-2015


async def test_a_login_at_the_provider_gives_a_token_the_content_api_honours(http, platform) -> None:
    channels = await open_hefei(http, platform)
    people = await seed_people(platform.identity.deps)  # 张伟: editor of hefei only
    _, token, _ = await code_flow(http, people.portal_secret)
    editor = {"authorization": f"Bearer {token['access_token']}"}
    draft = {
        "channel_id": channels["zwdt/tzgg"],
        "title": "关于开展政务公开工作自查的通知",
        "body_html": "<p>正文</p>",
        "submit": True,
    }
    created = await http.post(f"{API}/sites/hefei/documents", headers=editor, json=draft)
    assert created.status_code == 201, created.text
    assert created.json()["created_by"] == people.editor_id
    other_site = await http.post(f"{API}/sites/ah/documents", headers=editor, json=draft)
    assert other_site.status_code == 403
    publish = await http.post(f"{API}/sites/hefei/documents/{created.json()['id']}/approve", headers=editor)
    assert publish.status_code == 403  # an editor is one step short of a reviewer


async def test_tokens_the_provider_did_not_sign_are_refused(http, platform) -> None:
    await open_hefei(http, platform)
    stranger = RSAKey.generate_key(2048, parameters={"kid": "dev-key-of-old"})
    claims = {
        "iss": platform.platform.identity_issuer,
        "aud": "sitegroup",
        "sub": "mallory",
        "exp": 4_000_000_000,
        "grants": [{"site": "*", "role": "platform_operator"}],
    }
    forged = jwt.encode({"alg": "RS256", "kid": stranger.kid, "typ": "at+jwt"}, claims, stranger)
    valid = bearer(platform, "old", ("hefei", "site_admin"))
    late = platform.signer.mint("old", [], issued_at=1_600_000_000)  # the same provider, long expired
    for headers in ({"authorization": f"Bearer {forged}"}, {"authorization": f"Bearer {late}"}):
        answer = await http.patch(f"{API}/sites/hefei", headers=headers, json={"contact_phone": "0551-12345678"})
        assert answer.status_code == 401, answer.text
    assert (await http.get(f"{API}/sites/hefei", headers=valid)).status_code == 200


async def test_every_demo_account_signs_in_with_its_one_role(http, platform) -> None:
    deps = platform.identity.deps
    assert await seed_accounts(deps) == len(demo_people()) >= 4 + 5 * 10
    assert await seed_accounts(deps) == 0  # the second start adds nobody
    assert await seed_organisations(deps) == len(PROVINCE) and await seed_organisations(deps) == 0
    [province] = (await http.get(f"{ID}/organisations")).json()
    assert province["name"] == "安徽省人民政府" and province["sites"] == ["ah"]
    assert {c["level"] for c in province["children"]} >= {"city", "department"}
    people = await seed_people(deps)
    for username, _name, site, role in (demo_people()[2], demo_people()[-1]):
        _, token, _ = await code_flow(http, people.portal_secret, username=username, password=DEMO_PASSWORD)
        claims = jwt.decode(token["access_token"], KeySet.import_key_set((await http.get(f"{ID}/jwks")).json())).claims
        assert claims["grants"] == [{"site": site, "role": role}], username


async def test_a_developer_registers_makes_a_key_and_the_gateway_holds_it_to_its_quota(http, platform) -> None:
    await open_hefei(http, platform)
    people = await seed_people(platform.identity.deps)
    me = {"kind": "citizen", "username": "liqiang", "password": "Kaifa-2026-shuju", "name": "李强"}
    account = await http.post(f"{ID}/register", json=me)
    assert account.status_code == 201
    _, token, _ = await code_flow(http, people.portal_secret, username="liqiang", password=me["password"])
    dev = {"authorization": f"Bearer {token['access_token']}"}
    app = (await http.post(f"{ID}/apps", headers=dev, json={"name": "合肥公交到站查询"})).json()
    issued = await http.post(f"{ID}/apps/{app['id']}/keys", headers=dev, json={"per_minute": 6})
    assert issued.status_code == 201 and issued.json()["key"].startswith("sgk_")
    key = {"x-api-key": issued.json()["key"]}
    assert (await http.get(f"{API}/sites", headers=key)).status_code == 200
    limited = await http.get(f"{API}/sites", headers=key)  # 6 a minute: a burst of one
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    forged = {"x-api-key": issued.json()["key"][:-4] + "AAAA"}
    assert (await http.get(f"{API}/sites", headers=forged)).status_code == 401
    others = await http.post(f"{ID}/apps/{app['id']}/keys", headers=editor_of_hefei(platform), json={})
    assert others.status_code in (403, 404)  # nobody else's application
    mine = (await http.get(f"{ID}/apps", headers=dev)).json()
    assert [a["name"] for a in mine] == ["合肥公交到站查询"] and mine[0]["keys"][0]["per_minute"] == 6
    assert (
        "key" not in mine[0]["keys"][0]
        and (await http.get(f"{ID}/apps", headers=editor_of_hefei(platform))).json() == []
    )
    revoked = await http.delete(f"{ID}/apps/{app['id']}/keys/{issued.json()['id']}", headers=dev)
    assert revoked.status_code == 204
    platform.gateway.key_verifier.forget()
    assert (await http.get(f"{API}/sites", headers=key)).status_code == 401


async def test_a_key_sent_as_ckan_clients_send_it_is_held_to_its_quota_too(http, platform) -> None:
    await open_hefei(http, platform)
    people = await seed_people(platform.identity.deps)
    me = {"kind": "citizen", "username": "zhaolei", "password": "Kaifa-2026-shuju", "name": "赵磊"}
    assert (await http.post(f"{ID}/register", json=me)).status_code == 201
    _, token, _ = await code_flow(http, people.portal_secret, username="zhaolei", password=me["password"])
    dev = {"authorization": f"Bearer {token['access_token']}"}
    app = (await http.post(f"{ID}/apps", headers=dev, json={"name": "空气质量小程序"})).json()
    key = (await http.post(f"{ID}/apps/{app['id']}/keys", headers=dev, json={"per_minute": 6})).json()["key"]
    ckan = {"authorization": key}  # ckanapi sends the bare key, and X-CKAN-API-Key
    assert (await http.get("/api/3/action/package_list", headers=ckan)).status_code == 200
    assert (await http.get("/api/3/action/package_list", headers={"x-ckan-api-key": key})).status_code == 429
    forged = await http.get("/api/action/package_list", headers={"authorization": key[:-4] + "AAAA"})
    assert forged.status_code == 401


async def test_a_legal_person_registers_with_a_valid_credit_code_and_names_its_agent(http, platform) -> None:
    bad = {
        "kind": "legal_person",
        "username": "hfgj",
        "password": "Gongjiao-2026-hf",
        "name": "合肥公交集团",
        "credit_code": "91340100MA2RMLXP3D",
    }  # wrong check character
    answer = await http.post(f"{ID}/register", json=bad)
    assert answer.status_code == 422 and "credit_code" in answer.json()["error"]["message"]
    good = bad | {"credit_code": CREDIT_CODE}
    assert (await http.post(f"{ID}/register", json=good)).status_code == 201
    agent = {"kind": "citizen", "username": "zhoujing", "password": "Jingban-2026-hf", "name": "周静"}
    assert (await http.post(f"{ID}/register", json=agent)).status_code == 201
    people = await seed_people(platform.identity.deps)
    _, company, _ = await code_flow(http, people.portal_secret, username="hfgj", password=good["password"])
    named = await http.post(
        f"{ID}/me/agents", headers={"authorization": f"Bearer {company['access_token']}"}, json={"username": "zhoujing"}
    )
    assert named.status_code == 201
    client, _token, _ = await code_flow(http, people.portal_secret, username="zhoujing", password=agent["password"])
    info = (await client.get(f"{platform.platform.identity_issuer}/userinfo")).json()
    assert info["represents"] == [
        {"sub": named.json()["legal_person_id"], "name": "合肥公交集团", "credit_code": CREDIT_CODE}
    ]


def editor_of_hefei(platform) -> dict[str, str]:
    return bearer(platform, "editor", ("hefei", "editor"))


async def test_in_distributed_mode_the_gateway_checks_keys_with_its_own_client(http, platform) -> None:
    people = await seed_people(platform.identity.deps)
    system_admin = bearer(platform, "sysadmin", ("*", "system_admin"))
    gateway_client = {
        "client_id": "gateway",
        "name": "网关",
        "grant_types": ["client_credentials"],
        "scopes": ["apikeys.check"],
        "service_grants": [{"site": "*", "role": "gateway"}],
    }
    registered = await http.post(f"{ID}/clients", headers=system_admin, json=gateway_client)
    assert registered.status_code == 201, registered.text
    me = {"kind": "citizen", "username": "liqiang", "password": "Kaifa-2026-shuju", "name": "李强"}
    account = await http.post(f"{ID}/register", json=me)
    assert account.status_code == 201
    _, token, _ = await code_flow(http, people.portal_secret, username="liqiang", password=me["password"])
    developer = {"authorization": f"Bearer {token['access_token']}"}
    application = (await http.post(f"{ID}/apps", headers=developer, json={"name": "合肥公交到站查询"})).json()
    issued = (
        await http.post(f"{ID}/apps/{application['id']}/keys", headers=developer, json={"per_minute": 120})
    ).json()
    key = issued["key"]
    transport = httpx.ASGITransport(platform)
    remote = RemoteKeyVerifier(str(http.base_url), "gateway", registered.json()["client_secret"], transport=transport)
    assert await remote(key) == ApiKeyInfo(issued["id"], application["id"], 120, account.json()["id"])
    assert await remote(key[:-2] + "xx") is None and await remote("not-a-key") is None
    other = RemoteKeyVerifier(str(http.base_url), "search-indexer", people.service_secret, transport=transport)
    with pytest.raises(httpx.HTTPStatusError):  # another service may not ask
        await other(key)
    await remote.close()
    await other.close()


async def test_the_provider_metadata_is_found_where_rfc_8414_and_oidc_discovery_look(http, platform) -> None:
    issuer = platform.platform.identity_issuer
    for path in (
        "/.well-known/oauth-authorization-server/api/v1/identity",
        "/api/v1/identity/.well-known/openid-configuration",
    ):
        answer = await http.get(path)
        assert answer.status_code == 200 and answer.json()["issuer"] == issuer, path
    AuthorizationServerMetadata(answer.json()).validate()


async def test_a_developer_signs_up_on_the_providers_page(http, platform) -> None:
    page = await http.get("/api/v1/identity/signup", params={"next": "/console/account/developer"})
    assert page.status_code == 200 and "注册账号" in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]
    form = {"csrf": csrf, "next": "/console/account/developer", "kind": "legal_person", "username": "hfzx"}
    form |= {"name": "合肥智行科技有限公司", "password": "Kaifa-2026-shuju", "credit_code": "91340100MA2RMLXP3X"}
    bad = await http.post("/api/v1/identity/signup", data=form)
    assert bad.status_code == 422 and "统一社会信用代码" in bad.text and 'aria-invalid="true"' in bad.text
    made = await http.post("/api/v1/identity/signup", data=form | {"credit_code": CREDIT_CODE})
    assert made.status_code == 200, re.findall(r"class=\"alert\"[^<]*<", made.text)
    assert "注册成功" in made.text and 'href="/console/account/developer"' in made.text
    again = await http.post("/api/v1/identity/signup", data=form | {"credit_code": "", "kind": "citizen"})
    assert again.status_code == 409 and "已被使用" in again.text
    elsewhere = await http.get("/api/v1/identity/signup", params={"next": "//evil.example/"})
    assert "evil.example" not in elsewhere.text  # never an open redirect
    forged = await http.post("/api/v1/identity/signup", data=form | {"csrf": "x"})
    assert forged.status_code == 400
