"""Opening sites, their codes and domains, the site directory and host resolution."""

from __future__ import annotations

import pytest

from services.content.tests.support import API


def site_body(**overrides):
    return {
        "id": "ah",
        "name": "安徽省人民政府",
        "host_unit": "安徽省人民政府办公厅",
        "site_code": "3400000001",
        "org_code": "003014349",
        "level": "province",
        "main_domain": "www.ah.gov.cn",
        "domains": ["ah.gov.cn", "安徽.政务"],
        "icp_number": "皖ICP备05001925号",
        "police_number": "皖公网安备 34010402700602号",
        "status": "online",
        **overrides,
    }


async def test_an_operator_opens_a_site_with_the_basic_channels(client, sites, events) -> None:
    response = await client.post(f"{API}/sites", json=site_body(), headers=sites.operator)
    assert response.status_code == 201, response.text
    site = response.json()
    assert site["main_domain"] == "www.ah.gov.cn" and site["domains"] == ["ah.gov.cn", "安徽.政务"]
    channels = {c["path"]: c for c in (await client.get(f"{API}/sites/ah/channels")).json()}
    disclosure = {p: channels[p]["name"] for p in channels if p.startswith("zfxxgk/") and p.count("/") == 1}
    assert disclosure == {
        "zfxxgk/zn": "政府信息公开指南",
        "zfxxgk/zd": "政府信息公开制度",
        "zfxxgk/fdzdgknr": "法定主动公开内容",
        "zfxxgk/nb": "政府信息公开年报",
    }
    assert channels["zfxxgk"]["name"] == "政府信息公开" and channels["zfxxgk/zn"]["kind"] == "page"
    assert all(c["basic_key"] for c in channels.values())
    [created] = await events.wait_for("content.site.created.v1")
    assert created.data["site"]["site_code"] == "3400000001"
    await events.wait_for("content.channel.created.v1", count=len(channels))


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("site_code", "34000001", "网站标识码"),
        ("site_code", "bm1234567", "网站标识码"),
        ("icp_number", "ICP-12345", "ICP备案号"),
        ("police_number", "公安备案 123", "公安备案号"),
        ("main_domain", "not a host", "不是有效的域名"),
        ("level", "village", "province"),
        ("id", "Ah", "string_pattern_mismatch"),
        ("id", "platform", "是保留标识"),
        ("org_code", "abc", "机构代码"),
        ("name", "  ", "至少需要 1 个字符"),
    ],
)
async def test_bad_site_fields_are_named(client, sites, field, value, fragment) -> None:
    response = await client.post(f"{API}/sites", json=site_body(**{field: value}), headers=sites.operator)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and f"body.{field}" in error["message"]
    assert fragment in str(error["details"])


async def test_central_department_codes_are_accepted(client, sites) -> None:
    response = await client.post(f"{API}/sites", json=site_body(site_code="bm12345678"), headers=sites.operator)
    assert response.status_code == 201


async def test_duplicates_are_conflicts_that_name_the_field(client, sites) -> None:
    await client.post(f"{API}/sites", json=site_body(), headers=sites.operator)
    same_id = await client.post(
        f"{API}/sites",
        json=site_body(site_code="3400000002", main_domain="a.gov.cn", domains=[]),
        headers=sites.operator,
    )
    assert same_id.status_code == 409 and same_id.json()["error"]["message"].startswith("id:")
    same_code = await client.post(
        f"{API}/sites", json=site_body(id="ah2", main_domain="b.gov.cn", domains=[]), headers=sites.operator
    )
    assert same_code.status_code == 409 and "site_code" in same_code.json()["error"]["message"]
    same_host = await client.post(
        f"{API}/sites", json=site_body(id="ah3", site_code="3400000003", domains=[]), headers=sites.operator
    )
    assert same_host.status_code == 409 and "www.ah.gov.cn 已属于站点 ah" in same_host.text


async def test_levels_need_the_right_parent(client, sites) -> None:
    await client.post(f"{API}/sites", json=site_body(), headers=sites.operator)
    county_under_province = site_body(
        id="feixi", level="county", parent_id="ah", site_code="3401230001", main_domain="www.feixi.gov.cn", domains=[]
    )
    response = await client.post(f"{API}/sites", json=county_under_province, headers=sites.operator)
    assert response.status_code == 422 and "不能隶属于 province 级站点" in response.text
    orphan = site_body(
        id="hefei", level="city", parent_id=None, site_code="3401000001", main_domain="www.hefei.gov.cn", domains=[]
    )
    response = await client.post(f"{API}/sites", json=orphan, headers=sites.operator)
    assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "parent_id"


async def test_only_operators_open_sites(client, sites, tokens) -> None:
    assert (await client.post(f"{API}/sites", json=site_body())).status_code == 401
    admin = tokens.bearer("someone", ("ah", "site_admin"))
    response = await client.post(f"{API}/sites", json=site_body(), headers=admin)
    assert response.status_code == 403


async def test_directory_lists_online_sites_and_hosts_resolve(client, sites) -> None:
    await sites.open("ah")
    await sites.open("hefei", status="building")
    directory = (await client.get(f"{API}/sites")).json()
    assert [s["id"] for s in directory] == ["ah"]
    assert directory[0]["level"] == "province" and directory[0]["site_code"] == "3400000001"
    resolved = (await client.get(f"{API}/hosts/WWW.HEFEI.GOV.CN")).json()
    assert resolved == {
        "host": "www.hefei.gov.cn",
        "site_id": "hefei",
        "is_main": True,
        "main_domain": "www.hefei.gov.cn",
        "status": "building",
    }
    assert (await client.get(f"{API}/hosts/www.nowhere.gov.cn")).status_code == 404


async def test_site_admins_change_contacts_but_not_identity(client, sites) -> None:
    await sites.open("hefei")
    opened = (await client.get(f"{API}/sites/hefei", headers=sites.operator)).json()
    assert (opened["theme"], opened["lang"]) == ("county", "zh-CN")  # a city's portal looks like a county's
    contact = await client.patch(
        f"{API}/sites/hefei",
        headers=sites.admin("hefei"),
        json={"contact_phone": "0551-63538000", "theme": "department", "lang": "en"},
    )
    assert contact.status_code == 200 and contact.json()["contact_phone"] == "0551-63538000"
    assert (contact.json()["theme"], contact.json()["lang"]) == ("department", "en")
    unknown = await client.patch(f"{API}/sites/hefei", headers=sites.admin("hefei"), json={"theme": "blue"})
    assert unknown.status_code == 422 and "theme" in unknown.text
    bad_lang = await client.patch(f"{API}/sites/hefei", headers=sites.admin("hefei"), json={"lang": "english"})
    assert bad_lang.status_code == 422 and "lang" in bad_lang.text
    identity = await client.patch(
        f"{API}/sites/hefei", headers=sites.admin("hefei"), json={"site_code": "3401000009", "status": "closed"}
    )
    assert identity.status_code == 403 and "site_code, status" in identity.text
    stale = await client.patch(f"{API}/sites/hefei", headers=sites.operator, json={"name": "合肥", "version": 1})
    assert stale.status_code == 409
    nulled = await client.patch(f"{API}/sites/hefei", headers=sites.operator, json={"name": None})
    assert nulled.status_code == 422 and "name 不能设为 null" in nulled.text


async def test_operators_replace_domains(client, sites, events) -> None:
    await sites.open("hefei")
    response = await client.put(
        f"{API}/sites/hefei/domains",
        headers=sites.operator,
        json={"main_domain": "www.hefei.gov.cn", "domains": ["hefei.gov.cn", "合肥.政务"]},
    )
    assert response.status_code == 200 and response.json()["domains"] == ["hefei.gov.cn", "合肥.政务"]
    assert (await client.get(f"{API}/hosts/合肥.政务")).json()["site_id"] == "hefei"
    taken = await client.put(
        f"{API}/sites/hefei/domains", headers=sites.operator, json={"main_domain": "www.ah.gov.cn"}
    )
    assert taken.status_code == 409
    await events.wait_for("content.site.updated.v1")


async def test_the_operator_sees_every_sites_figures(client, sites) -> None:
    hefei = await sites.open("hefei")
    await sites.draft(hefei, submit=True)
    overview = await client.get(f"{API}/overview", headers=sites.operator)
    assert overview.status_code == 200, overview.text
    row = next(s for s in overview.json() if s["site_id"] == "hefei")
    assert (row["documents"], row["in_review"], row["live"]) == (1, 1, 0) and row["oldest_in_review"]
    assert row["stale_channels"] >= 5  # a new site: every list channel still empty
    assert (await client.get(f"{API}/overview", headers=sites.editor("hefei"))).status_code == 403
