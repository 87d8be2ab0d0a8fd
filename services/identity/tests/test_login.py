"""Signing in at the provider: the form, lockout, the second factor, single sign-on, prompt handling."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlalchemy import select

from services.identity.main import IdentityRuntime
from services.identity.models import AuditRecord
from services.identity.service.clients import register_client
from services.identity.service.tokens import access_token
from services.identity.tests.flows import HIDDEN, metadata, oauth_client, sign_in_at
from services.identity.tests.support import APP_REDIRECT, ISSUER, PASSWORD, PORTAL_REDIRECT
from shared.page_headers import csp_hash

THIRD_PARTY = "https://bus.example.com/callback"


async def _authorize_url(idp, client_id: str = "ah-portal", redirect: str = PORTAL_REDIRECT, **extra) -> str:
    meta = await metadata(idp)
    client = oauth_client(idp, client_id, redirect_uri=redirect, scope="openid profile", code_challenge_method="S256")
    url, _ = client.create_authorization_url(meta["authorization_endpoint"], code_verifier="c" * 64, **extra)
    return url


async def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(app, idp, people) -> None:
    url = await _authorize_url(idp)
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        for _ in range(5):
            answer = await sign_in_at(browser, url, password="Wrong-password-1")
            assert answer.status_code == 401 and "用户名、密码或动态口令错误" in answer.text
        locked = await sign_in_at(browser, url, password=PASSWORD)
        assert locked.status_code == 401 and "锁定" in locked.text
    async with IdentityRuntime.of(app).deps.uow() as uow:
        actions = list(await uow.session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)))
    assert actions.count("login.failed") == 5 and "account.locked" in actions and actions[-1] == "login.refused"


async def test_an_unknown_user_hears_the_same_as_a_wrong_password(idp, people) -> None:
    url = await _authorize_url(idp)
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        answer = await sign_in_at(browser, url, username="wangfang", password=PASSWORD)
    assert answer.status_code == 401 and "用户名或密码错误" in answer.text


async def test_the_login_page_is_never_framed_and_runs_no_inline_script(idp, people) -> None:
    page = await idp.get(await _authorize_url(idp))
    assert page.status_code == 200 and "用户登录" in page.text
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    [style] = re.findall(r"<style>(.*?)</style>", page.text, re.S)
    assert csp_hash(style) in policy
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"


async def test_a_second_factor_account_needs_its_current_code(app, idp, people) -> None:
    url = await _authorize_url(idp)
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        assert (await sign_in_at(browser, url, username="lina")).status_code == 401
        assert (await sign_in_at(browser, url, username="lina", otp="000000")).status_code == 401
        code = pyotp.TOTP(people.totp_secret).now()
        back = await sign_in_at(browser, url, username="lina", otp=code)
    assert back.status_code == 302 and "code=" in back.headers["location"]


async def test_one_login_serves_every_site_until_prompt_login(idp, people) -> None:
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        first = await sign_in_at(browser, await _authorize_url(idp))
        assert first.status_code == 302
        other = await browser.get(await _authorize_url(idp, "zwfw-app", APP_REDIRECT))
        assert other.status_code == 302 and other.headers["location"].startswith(APP_REDIRECT + "?code=")
        again = await browser.get(await _authorize_url(idp, prompt="login"))
        assert again.status_code == 200 and "用户登录" in again.text


async def test_prompt_none_without_a_login_answers_login_required(idp, people) -> None:
    answer = await idp.get(await _authorize_url(idp, prompt="none", state="s-42"))
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert answer.status_code == 302 and query["error"] == ["login_required"] and query["state"] == ["s-42"]


async def test_a_login_post_without_its_form_token_is_refused(idp, people) -> None:
    answer = await idp.post(f"{ISSUER}/login", data={"username": "zhangwei", "password": PASSWORD})
    assert (
        answer.status_code == 200
        and "页面已过期" in answer.text
        and "sg_idp=" not in answer.headers.get("set-cookie", "")
    )


async def test_logging_out_of_one_site_logs_out_of_every_site(app, idp, people, relying_parties) -> None:
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        portal = await sign_in_at(browser, await _authorize_url(idp))
        assert portal.status_code == 302
        assert (await browser.get(await _authorize_url(idp, "zwfw-app", APP_REDIRECT))).status_code == 302
        bye = await browser.get(
            f"{ISSUER}/logout",
            params={"client_id": "ah-portal", "state": "s-9", "post_logout_redirect_uri": "https://www.ah.gov.cn/"},
        )
        assert bye.status_code == 302 and bye.headers["location"] == "https://www.ah.gov.cn/?state=s-9"
        again = await browser.get(await _authorize_url(idp, "zwfw-app", APP_REDIRECT))
        assert again.status_code == 200 and "用户登录" in again.text  # the session is over for every site
    told = {str(r.url): parse_qs(r.content.decode())["logout_token"][0] for r in relying_parties}
    assert set(told) == {"https://www.ah.gov.cn/oidc/backchannel", "http://127.0.0.1:5173/backchannel"}
    keys = KeySet.import_key_set(IdentityRuntime.of(app).deps.keys.jwks())
    for uri, token in told.items():
        decoded = jwt.decode(token, keys)
        assert decoded.header["typ"] == "logout+jwt" and "nonce" not in decoded.claims
        assert decoded.claims["sub"] == people.editor_id and decoded.claims["sid"]
        assert "http://schemas.openid.net/event/backchannel-logout" in decoded.claims["events"]
        assert decoded.claims["aud"] == ("ah-portal" if "ah.gov.cn" in uri else "zwfw-app")


async def test_logout_never_redirects_to_an_unregistered_address(idp, people) -> None:
    answer = await idp.get(
        f"{ISSUER}/logout", params={"client_id": "ah-portal", "post_logout_redirect_uri": "https://evil.example.com/"}
    )
    assert answer.status_code == 400 and "location" not in answer.headers and "未登记" in answer.text


async def test_a_site_that_requires_a_second_factor_has_its_staff_enrol_at_their_next_login(app, idp, people) -> None:
    security = {
        "authorization": "Bearer "
        + access_token(
            IdentityRuntime.of(app).deps,
            subject="u-sec",
            client_id="console",
            scope="openid",
            grants=[{"site": "*", "role": "security_admin"}],
        )[0]
    }
    editor_token = access_token(
        IdentityRuntime.of(app).deps,
        subject=people.editor_id,
        client_id="console",
        scope="openid",
        grants=[{"site": "hefei", "role": "site_admin"}],
    )[0]
    refused = await idp.put(
        f"{ISSUER}/sites/hefei/policy",
        json={"totp_required": True},
        headers={"authorization": f"Bearer {editor_token}"},
    )
    assert refused.status_code == 403
    assert (
        await idp.put(f"{ISSUER}/sites/hefei/policy", json={"totp_required": True}, headers=security)
    ).status_code == 200
    url = await _authorize_url(idp)
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        page = await sign_in_at(browser, url)  # zhangwei, editor of hefei, has no authenticator yet
        assert page.status_code == 200 and "绑定动态口令" in page.text
        form = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
        secret = re.search(r'<code id="secret"[^>]*>([A-Z2-7]+)</code>', page.text)[1]
        wrong = await browser.post(f"{ISSUER}/login/enrol", data=form | {"otp": "000000"})
        assert wrong.status_code == 401 and "动态口令不正确" in wrong.text
        done = await browser.post(f"{ISSUER}/login/enrol", data=form | {"otp": pyotp.TOTP(secret).now()})
        assert done.status_code == 303
        back = await browser.get(done.headers["location"])
        assert back.status_code == 302 and "code=" in back.headers["location"]
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        assert (await sign_in_at(browser, url)).status_code == 401  # from now on the code is required
        assert (await sign_in_at(browser, url, otp=pyotp.TOTP(secret).now())).status_code == 302
    reset = await idp.delete(f"{ISSUER}/accounts/{people.editor_id}/totp", headers=security)
    assert reset.status_code == 204
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        assert "绑定动态口令" in (await sign_in_at(browser, url)).text  # a lost phone: enrol anew


async def test_a_third_party_client_gets_nothing_until_the_person_agrees(app, idp, people) -> None:
    await register_third_party(IdentityRuntime.of(app).deps)
    url = await _authorize_url(idp, "bus-times", THIRD_PARTY, state="s-7")
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        asked = await sign_in_at(browser, url)
        assert asked.status_code == 200 and "授权确认" in asked.text and "合肥公交到站查询" in asked.text
        assert "您的姓名、用户名和账号类型" in asked.text
        form = {name: html.unescape(value) for name, value in HIDDEN.findall(asked.text)}
        denied = await browser.post(f"{ISSUER}/consent", data=form | {"decision": "deny"})
        query = parse_qs(urlsplit(denied.headers["location"]).query)
        assert denied.headers["location"].startswith(THIRD_PARTY) and query["error"] == ["access_denied"]
        assert query["state"] == ["s-7"]
        silent = await browser.get(await _authorize_url(idp, "bus-times", THIRD_PARTY, prompt="none"))
        assert parse_qs(urlsplit(silent.headers["location"]).query)["error"] == ["consent_required"]
        allowed = await browser.post(f"{ISSUER}/consent", data=form | {"decision": "allow"})
        back = await browser.get(allowed.headers["location"])
        assert back.status_code == 302 and "code=" in back.headers["location"]
        again = await browser.get(url)  # agreed once: straight through
        assert again.status_code == 302 and "code=" in again.headers["location"]
        asked_again = await browser.get(await _authorize_url(idp, "bus-times", THIRD_PARTY, prompt="consent"))
        assert asked_again.status_code == 200 and "授权确认" in asked_again.text


async def test_many_failures_from_one_address_stop_its_logins_for_a_while(app, idp, people) -> None:
    deps = IdentityRuntime.of(app).deps
    limit = deps.settings.failed_logins_per_address
    url = await _authorize_url(idp)
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        for i in range(limit):  # a different made-up account each time: no account lockout helps here
            assert (await sign_in_at(browser, url, username=f"guess{i}", password="Guess-2026-pw")).status_code == 401
        stopped = await sign_in_at(browser, url, password=PASSWORD)  # even the right password, from here
        assert stopped.status_code == 401 and "过于频繁" in stopped.text
    assert deps.throttle.blocked("127.0.0.1") and not deps.throttle.blocked("10.0.0.8")


async def test_a_person_sees_and_withdraws_what_they_allowed(app, idp, people) -> None:
    deps = IdentityRuntime.of(app).deps
    await register_third_party(deps)
    url = await _authorize_url(idp, "bus-times", THIRD_PARTY)
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        asked = await sign_in_at(browser, url)
        form = {name: html.unescape(value) for name, value in HIDDEN.findall(asked.text)}
        await browser.post(f"{ISSUER}/consent", data=form | {"decision": "allow"})
    me = {
        "authorization": "Bearer "
        + access_token(deps, subject=people.editor_id, client_id="console", scope="openid", grants=[])[0]
    }
    given = (await idp.get(f"{ISSUER}/me/consents", headers=me)).json()
    assert [(c["client_id"], c["scopes"]) for c in given] == [("bus-times", ["openid", "profile"])]
    assert (await idp.delete(f"{ISSUER}/me/consents/bus-times", headers=me)).status_code == 204
    assert (await idp.get(f"{ISSUER}/me/consents", headers=me)).json() == []
    assert (await idp.delete(f"{ISSUER}/me/consents/bus-times", headers=me)).status_code == 404
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        assert "授权确认" in (await sign_in_at(browser, url)).text  # asked again


async def register_third_party(deps) -> None:  # noqa: ANN001
    """合肥公交到站查询: a public client the platform does not run (consent is asked)."""
    async with deps.uow() as uow:
        await register_client(
            uow,
            deps,
            actor="test",
            client_id="bus-times",
            public=True,
            name="合肥公交到站查询",
            redirect_uris=[THIRD_PARTY],
            grant_types=["authorization_code", "refresh_token"],
            scopes=["openid", "profile", "offline_access"],
            first_party=False,
        )
        await uow.commit()
