"""Administration: who may create staff and grant which roles (delegation, 三员分立), the audit log, and the
refusals — every one a clear 4xx with nothing changed."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from services.identity.main import IdentityRuntime
from services.identity.models import AuditRecord, AuthorizationCode, LoginSession, RefreshToken
from services.identity.service.housekeeping import purge_expired
from services.identity.service.tokens import access_token
from services.identity.tests.flows import code_flow
from services.identity.tests.support import ISSUER, PASSWORD

API = "/api/v1/identity"


def as_role(app, subject: str, *grants: tuple[str, str]) -> dict[str, str]:
    """A token of this provider for a person holding `grants` (site, role)."""
    claim = [{"site": site, "role": role} for site, role in grants]
    token, _ = access_token(
        IdentityRuntime.of(app).deps, subject=subject, client_id="admin-console", scope="openid", grants=claim
    )
    return {"authorization": f"Bearer {token}"}


def staff(username: str) -> dict[str, str]:
    return {"username": username, "password": PASSWORD, "name": "王芳"}


async def test_a_security_admin_creates_staff_whose_login_carries_their_roles(app, idp, people) -> None:
    security = as_role(app, "u-security", ("*", "security_admin"))
    created = await idp.post(f"{API}/accounts", headers=security, json=staff("wangfang"))
    assert created.status_code == 201, created.text
    account = created.json()["id"]
    grant = {"site": "hefei", "role": "reviewer:初审", "channels": [12, 13]}
    assert (await idp.post(f"{API}/accounts/{account}/grants", headers=security, json=grant)).status_code == 201
    _, token, _ = await code_flow(idp, people.portal_secret, username="wangfang")
    claims = jwt.decode(token["access_token"], KeySet.import_key_set(IdentityRuntime.of(app).deps.keys.jwks())).claims
    assert claims["grants"] == [{"site": "hefei", "role": "reviewer:初审", "channels": [12, 13]}]


async def test_a_site_admin_grants_only_the_other_roles_of_their_own_site(app, idp, people) -> None:
    hefei_admin = as_role(app, "u-hefei-admin", ("hefei", "site_admin"))
    target = people.editor_id
    cases = [
        ({"site": "hefei", "role": "reviewer:审核"}, 201),
        ({"site": "hefei", "role": "letter_handler"}, 201),
        ({"site": "hefei", "role": "letter_handler:jyj"}, 201),
        ({"site": "hefei", "role": "letter_handler:教育局"}, 422),
        ({"site": "wuhu", "role": "editor"}, 403),  # another site
        ({"site": "hefei", "role": "site_admin"}, 403),  # an equal
        ({"site": "*", "role": "platform_operator"}, 403),  # the platform
    ]
    for body, expected in cases:
        answer = await idp.post(f"{API}/accounts/{target}/grants", headers=hefei_admin, json=body)
        assert answer.status_code == expected, (body, answer.text)
    mine = await idp.post(f"{API}/accounts/u-hefei-admin/grants", headers=hefei_admin, json=cases[0][0])
    assert mine.status_code == 403 and "给自己" in mine.json()["error"]["message"]
    roles = await idp.get(f"{API}/accounts/{target}/grants", headers=as_role(app, target))
    assert sorted(g["role"] for g in roles.json()) == [
        "editor",
        "letter_handler",
        "letter_handler:jyj",
        "reviewer:审核",
    ]


async def test_system_security_and_audit_administration_never_meet(app, idp, people) -> None:
    security = as_role(app, "u-security", ("*", "security_admin"))
    target = people.editor_id
    first = await idp.post(f"{API}/accounts/{target}/grants", headers=security, json={"site": "*", "role": "auditor"})
    assert first.status_code == 201
    clash = await idp.post(
        f"{API}/accounts/{target}/grants", headers=security, json={"site": "*", "role": "system_admin"}
    )
    assert clash.status_code == 409 and "三员分立" in clash.json()["error"]["message"]
    system = as_role(app, "u-system", ("*", "system_admin"))
    assert (
        await idp.post(f"{API}/accounts/{target}/grants", headers=system, json={"site": "hefei", "role": "editor"})
    ).status_code == 403
    assert (await idp.get(f"{API}/audit", headers=security)).status_code == 403
    assert (await idp.get(f"{API}/audit", headers=system)).status_code == 403
    auditor = as_role(app, "u-auditor", ("*", "auditor"))
    records = (await idp.get(f"{API}/audit", headers=auditor, params={"action": "role."})).json()
    assert [r["action"] for r in records] == ["role.granted"] and records[0]["actor"] == "u-security"
    export = await idp.get(f"{API}/audit.csv", headers=auditor)
    assert export.status_code == 200 and export.text.startswith("\ufeff时间,操作人,操作")
    assert "role.granted" in export.text and "account.created" in export.text


async def test_bad_input_is_named_and_changes_nothing(app, idp, people) -> None:
    security = as_role(app, "u-security", ("*", "security_admin"))
    target = people.editor_id
    cases = [
        (f"{API}/accounts/{target}/grants", {"site": "hefei", "role": "webmaster"}, "role"),
        (f"{API}/accounts/{target}/grants", {"site": "hefei", "role": "auditor"}, "site"),
        (f"{API}/accounts/{target}/grants", {"site": "*", "role": "editor"}, "site"),
        (f"{API}/accounts", staff("zhaolei") | {"password": "short1A!"}, "password"),
        (f"{API}/accounts", staff("zhaolei") | {"password": "alllowercaseletters"}, "password"),
        (f"{API}/accounts", staff("Zhao Lei"), "username"),
        (f"{API}/accounts", staff("zhaolei") | {"phone": "12345"}, "phone"),
    ]
    for url, body, field in cases:
        answer = await idp.post(url, headers=security, json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.json()["error"]["message"], answer.text
    taken = await idp.post(f"{API}/accounts", headers=security, json=staff("zhangwei"))
    assert taken.status_code == 409
    roles = await idp.get(f"{API}/accounts/{target}/grants", headers=security)
    assert [g["role"] for g in roles.json()] == ["editor"]


@pytest.mark.parametrize("problem", ["none", "expired", "unknown key", "other issuer"])
async def test_admin_routes_refuse_tokens_that_are_not_this_providers(app, idp, people, problem) -> None:
    deps = IdentityRuntime.of(app).deps
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": "sitegroup",
        "sub": "u-x",
        "iat": now,
        "exp": now + 300,
        "grants": [{"site": "*", "role": "security_admin"}],
    }
    headers = {}
    if problem == "expired":
        headers = {"authorization": "Bearer " + deps.keys.sign(claims | {"exp": now - 120}, typ="at+jwt")}
    elif problem == "unknown key":
        stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger"})
        headers = {
            "authorization": "Bearer "
            + jwt.encode({"alg": "RS256", "kid": "stranger", "typ": "at+jwt"}, claims, stranger)
        }
    elif problem == "other issuer":
        headers = {"authorization": "Bearer " + deps.keys.sign(claims | {"iss": "https://evil.example"}, typ="at+jwt")}
    answer = await idp.post(f"{API}/accounts", headers=headers, json=staff("zhaolei"))
    assert answer.status_code == 401, answer.text


async def test_the_database_refuses_to_change_or_remove_audit_records(app, idp, people) -> None:
    async with IdentityRuntime.of(app).deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(AuditRecord)) > 0
    for statement in (update(AuditRecord).values(actor="nobody"), delete(AuditRecord)):
        async with IdentityRuntime.of(app).deps.uow() as uow:
            with pytest.raises(DBAPIError, match="append-only"):
                await uow.session.execute(statement)


async def test_the_system_admin_keeps_the_organisation_tree(app, idp, people) -> None:
    system = as_role(app, "u-system", ("*", "system_admin"))
    nodes = [
        {"id": "ah-gov", "name": "安徽省人民政府", "level": "province"},
        {"id": "hefei-gov", "name": "合肥市人民政府", "level": "city", "parent_id": "ah-gov", "site_ids": ["hefei"]},
        {"id": "hefei-sthj", "name": "合肥市生态环境局", "level": "department", "parent_id": "hefei-gov"},
    ]
    for node in nodes:
        assert (await idp.post(f"{API}/organisations", headers=system, json=node)).status_code == 201
    bad = [
        ({"id": "wuhu-gov", "name": "芜湖市人民政府", "level": "city"}, "parent_id"),  # a city needs its province
        ({"id": "x-city", "name": "某市", "level": "city", "parent_id": "hefei-sthj"}, "level"),  # under a department
        ({"id": "Bad Id", "name": "某局", "level": "department", "parent_id": "ah-gov"}, "id"),
    ]
    for body, field in bad:
        answer = await idp.post(f"{API}/organisations", headers=system, json=body)
        assert answer.status_code == 422 and field in answer.json()["error"]["message"], answer.text
    security = as_role(app, "u-security", ("*", "security_admin"))
    assert (await idp.post(f"{API}/organisations", headers=security, json=bad[0][0])).status_code == 403
    [root] = (await idp.get(f"{API}/organisations")).json()
    assert root["children"][0]["children"][0]["name"] == "合肥市生态环境局"


async def test_a_verified_person_is_signed_in_at_a_higher_assurance(app, idp, people) -> None:
    security = as_role(app, "u-security", ("*", "security_admin"))
    raised = await idp.put(f"{API}/accounts/{people.editor_id}/assurance", headers=security, json={"level": 2})
    assert raised.status_code == 200
    bad = await idp.put(f"{API}/accounts/{people.editor_id}/assurance", headers=security, json={"level": 4})
    assert bad.status_code == 422 and "level" in bad.json()["error"]["message"]
    _, token, _ = await code_flow(idp, people.portal_secret)
    claims = jwt.decode(token["id_token"], KeySet.import_key_set(IdentityRuntime.of(app).deps.keys.jwks())).claims
    assert claims["acr"] == "urn:sitegroup:loa:2"


async def test_expired_codes_tokens_and_sessions_go_once_nothing_needs_them(app, idp, people) -> None:
    deps = IdentityRuntime.of(app).deps
    await code_flow(idp, people.portal_secret)
    past = deps.now() - timedelta(days=40)
    async with deps.uow() as uow:
        await uow.session.execute(update(LoginSession).values(expires_at=past))
        await uow.session.execute(update(AuthorizationCode).values(expires_at=past))
        live = await uow.session.scalar(select(func.count()).select_from(RefreshToken))
        await uow.commit()
    removed = await purge_expired(deps)
    assert removed["codes"] == 1 and removed["refresh_tokens"] == 0 and removed["sessions"] == 0  # a live family
    async with deps.uow() as uow:
        await uow.session.execute(update(RefreshToken).values(expires_at=past))
        await uow.commit()
    removed = await purge_expired(deps)
    assert removed["refresh_tokens"] == live and removed["sessions"] == 1
    assert await purge_expired(deps) == {"codes": 0, "refresh_tokens": 0, "revoked_access_tokens": 0, "sessions": 0}


async def test_a_site_admin_sees_the_people_of_their_site_and_no_other(app, idp, people) -> None:
    security = as_role(app, "u-security", ("*", "security_admin"))
    made = {}
    for username, site, role in (("chenjing", "hefei", "editor"), ("liuyang", "wuhu", "editor")):
        made[username] = (await idp.post(f"{API}/accounts", headers=security, json=staff(username))).json()["id"]
        grant = {"site": site, "role": role}
        await idp.post(f"{API}/accounts/{made[username]}/grants", headers=security, json=grant)
    hefei_admin = as_role(app, "u-hefei-admin", ("hefei", "site_admin"))
    listed = await idp.get(f"{API}/sites/hefei/staff", headers=hefei_admin)
    assert listed.status_code == 200
    people_of_hefei = {p["username"]: p["roles"] for p in listed.json()}
    assert people_of_hefei["chenjing"] == ["editor"] and "liuyang" not in people_of_hefei
    found = (await idp.get(f"{API}/sites/hefei/staff", params={"username": "liuyang"}, headers=hefei_admin)).json()
    assert found == [
        {"account_id": made["liuyang"], "username": "liuyang", "name": "王芳", "roles": [], "disabled": False}
    ]
    assert (await idp.get(f"{API}/sites/wuhu/staff", headers=hefei_admin)).status_code == 403
    editor = as_role(app, "u-editor", ("hefei", "editor"))
    assert (await idp.get(f"{API}/sites/hefei/staff", headers=editor)).status_code == 403


async def test_only_the_security_admin_finds_accounts_by_username(app, idp, people) -> None:
    security = as_role(app, "u-security", ("*", "security_admin"))
    await idp.post(f"{API}/accounts", headers=security, json=staff("zhoumin"))
    found = await idp.get(f"{API}/accounts", params={"username": "zhoumin"}, headers=security)
    assert found.status_code == 200 and [a["name"] for a in found.json()] == ["王芳"]
    assert (await idp.get(f"{API}/accounts", params={"username": "nobody"}, headers=security)).json() == []
    site_admin = as_role(app, "u-admin", ("hefei", "site_admin"))
    assert (await idp.get(f"{API}/accounts", params={"username": "zhoumin"}, headers=site_admin)).status_code == 403
