"""The distributed mode as an operator runs it: content, render, identity, search, interaction, open data, the
console and the gateway each a process of its own (`sitegroup serve <service>`) on PostgreSQL, Kafka and S3, and
everything reached through the gateway only: people sign in, a notice goes through 三审 to its page, a revoked token
stops at every service, a letter written on a site's form is accepted, a dataset is loaded into PostgreSQL and read
as CKAN's clients read it, an editor works in the console and signs out of it and of the provider."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import pytest_asyncio

from services import console, content, identity, interaction, opendata, render, search, transition
from services.console.tests.browsing import Person
from services.identity import IdentityRuntime, IdentitySettings
from services.identity.tests.flows import code_flow, metadata
from services.identity.tests.support import People, seed_people
from services.render.tests.support import eventually
from services.transition.tests.legacy_site import article_path, article_title, legacy_site
from shared.testing import Backends, TestDatabases, serve_on_port
from sitegroup.demo.accounts import DEMO_PASSWORD, seed_accounts, seed_organisations
from tests.processes import free_port, sitegroup_command, stop, wait_ready

pytestmark = [pytest.mark.real_backends, pytest.mark.slow]
SERVICES = ("console", "content", "identity", "interaction", "opendata", "render", "search", "transition")
API = "/api/v1/content"
PROVINCE = {
    "id": "ah",
    "name": "安徽省人民政府",
    "host_unit": "安徽省人民政府办公厅",
    "site_code": "3400000001",
    "org_code": "003014349",
    "level": "province",
    "main_domain": "www.ah.gov.cn",
    "status": "online",
}
NOTICE = "关于做好2026年度政府网站年度报表发布工作的通知"
CONSOLE_SECRET = "console-secret-" + uuid.uuid4().hex


@dataclass
class Platform:
    gateway: str
    people: People
    log_dir: Path


@contextmanager
def serving(service: str, port: int, env: dict[str, str], log_dir: Path) -> Iterator[None]:
    log_path = log_dir / f"{service}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sitegroup_command(), "serve", service, "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", process, log_path, 90)
        yield
    finally:
        stop(process)


async def _prepared_identity(settings: IdentitySettings, gateway: str) -> People:
    """The provider's people before it starts: a portal client, 张伟, the demo's staff of every site, and the
    console as its operator registers it, at the gateway's address."""
    runtime = IdentityRuntime(settings.model_copy(update={"bus_url": "memory://"}))
    await runtime.start()
    try:
        people = await seed_people(runtime.deps)
        await seed_organisations(runtime.deps)
        await seed_accounts(runtime.deps)
        the_console = identity.ClientCreate(
            client_id="console",
            name="工作台",
            redirect_uris=[f"{gateway}/console/callback"],
            post_logout_redirect_uris=[f"{gateway}/console/signed-out"],
            backchannel_logout_uri=f"{gateway}/console/backchannel-logout",
            scopes=["openid", "profile", "offline_access"],
        )
        await identity.provision_client(runtime.deps, the_console, CONSOLE_SECRET, actor="test")
        return people
    finally:
        await runtime.stop()


@pytest_asyncio.fixture
async def platform(backends: Backends, databases: TestDatabases, tmp_path: Path) -> AsyncIterator[Platform]:
    if not (backends.database_url and backends.bus_url and backends.blob_url):
        pytest.skip("the distributed mode runs on the real servers (SG_TEST_DATABASE_URL, _BUS_URL, _BLOB_URL)")
    ports = {name: free_port() for name in (*SERVICES, "gateway")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    issuer = f"{urls['gateway']}/api/v1/identity"
    namespace = f"dist{uuid.uuid4().hex[:8]}"
    shared = {
        "BUS_URL": backends.bus_url_for(namespace),
        "BLOB_URL": backends.blob_url,
        "AUTH_ISSUER": issuer,
        "AUTH_JWKS_URL": f"{urls['identity']}/api/v1/identity/jwks",
        "LOG_LEVEL": "WARNING",
    }
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SITEGROUP_", "GATEWAY_", "SG_TEST_", *(f"{n.upper()}_" for n in SERVICES)))
    }
    base["SITEGROUP_DATA_DIR"] = str(tmp_path / "var")
    envs = {}
    schemas = {
        "content": content.SCHEMA,
        "render": render.SCHEMA,
        "identity": identity.SCHEMA,
        "console": console.SCHEMA,
        "search": search.SCHEMA,
        "interaction": interaction.SCHEMA,
        "opendata": opendata.SCHEMA,
        "transition": transition.SCHEMA,
    }
    for name, schema in schemas.items():
        prefix = name.upper() + "_"
        envs[name] = (
            base | {prefix + k: v for k, v in shared.items()} | {prefix + "DATABASE_URL": await databases.fresh(schema)}
        )
    envs["identity"]["IDENTITY_ISSUER"] = issuer
    envs["render"]["RENDER_MIRROR_FILES_URL"] = urls["content"]
    envs["render"]["RENDER_SEARCH_URL"] = urls["search"]
    envs["render"]["RENDER_INTERACTION_URL"] = urls["gateway"]  # visitors' forms go on through the gateway
    envs["interaction"]["INTERACTION_LETTERS_PER_HOUR_PER_ADDRESS"] = "0"
    envs["render"]["RENDER_OPENDATA_URL"] = urls["gateway"]
    data = envs["opendata"]  # the datastore's tables in the portal's own PostgreSQL database
    data |= {"OPENDATA_DATASTORE_URL": data["OPENDATA_DATABASE_URL"], "OPENDATA_PORTAL_URL": urls["gateway"]}
    envs["search"] |= {"SEARCH_FILES_URL": urls["content"], "SEARCH_INDEX_DIR": str(tmp_path / "search-index")}
    if engine := os.environ.get("SG_TEST_SEARCH_URL"):  # the real Elasticsearch when the tests have one
        envs["search"] |= {"SEARCH_ENGINE_URL": engine, "SEARCH_INDEX_NAME": namespace}
    envs["console"] |= {f"CONSOLE_{k}": urls["gateway"] for k in ("PUBLIC_URL", "API_URL")}
    envs["console"]["CONSOLE_CLIENT_SECRET"] = CONSOLE_SECRET
    envs["gateway"] = base | {"GATEWAY_SERVICE_URLS": json.dumps({n: urls[n] for n in SERVICES})}
    identity_settings = IdentitySettings(database_url=envs["identity"]["IDENTITY_DATABASE_URL"], issuer=issuer)
    people = await _prepared_identity(identity_settings, urls["gateway"])
    with ExitStack() as running:
        for name in (
            "identity",
            "content",
            "search",
            "interaction",
            "opendata",
            "transition",
            "render",
            "console",
            "gateway",
        ):
            running.enter_context(serving(name, ports[name], envs[name], tmp_path))
        yield Platform(urls["gateway"], people, tmp_path)
    await backends.drop_namespace(namespace)


async def signed_in(http: httpx.AsyncClient, people: People, username: str) -> dict[str, str]:
    """A demo account's access token, got by the code + PKCE login at the provider behind the gateway."""
    _, token, _ = await code_flow(http, people.portal_secret, username=username, password=DEMO_PASSWORD)
    return {"authorization": f"Bearer {token['access_token']}"}


async def test_publish_to_page_and_login_to_api_through_the_gateway_only(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as http:
        ready = (await http.get("/readyz")).json()["services"]
        assert ready == dict.fromkeys(SERVICES, True)
        operator = await signed_in(http, platform.people, "operator")
        opened = await http.post(f"{API}/sites", headers=operator, json=PROVINCE)
        assert opened.status_code == 201, opened.text
        channels = {c["path"]: c["id"] for c in (await http.get(f"{API}/sites/ah/channels", headers=operator)).json()}
        editor = await signed_in(http, platform.people, "ah-editor")
        draft = {
            "channel_id": channels["zwdt/tzgg"],
            "title": NOTICE,
            "body_html": "<p>各县（市）区人民政府：</p>",
            "submit": True,
        }
        created = await http.post(f"{API}/sites/ah/documents", headers=editor, json=draft)
        assert created.status_code == 201, created.text
        for reviewer in ("ah-chushen", "ah-shenhe", "ah-shenfa"):
            step = await http.post(
                f"{API}/sites/ah/documents/{created.json()['id']}/approve",
                headers=await signed_in(http, platform.people, reviewer),
                json={"comment": "同意"},
            )
            assert step.status_code == 200, step.text
        url_path = step.json()["url_path"]
        site = {"host": "www.ah.gov.cn"}

        async def on_the_page() -> bool:
            page = await http.get(url_path, headers=site)
            return page.status_code == 200 and NOTICE in page.text

        await eventually(on_the_page, timeout=60)  # content → Kafka → render, three processes apart
        assert NOTICE in (await http.get("/zwdt/tzgg/", headers=site)).text

        async def searchable() -> bool:  # content → Kafka → search, and the site's search page asks it
            page = await http.get("/search/", params={"q": "年度报表"}, headers=site)
            return page.status_code == 200 and url_path in page.text

        await eventually(searchable, timeout=60)
        found = await http.get("/api/v1/search", params={"q": "baobiao", "site": "ah"})
        assert [r["url_path"] for r in found.json()["results"]] == [url_path]
        meta = await metadata(http)
        assert meta["issuer"] == f"{platform.gateway}/api/v1/identity"
        revoked = await http.post(
            meta["revocation_endpoint"],
            data={"token": editor["authorization"].removeprefix("Bearer ")},
            auth=("ah-portal", platform.people.portal_secret),
        )
        assert revoked.status_code == 200

        async def refused() -> bool:
            answer = await http.get(f"{API}/sites/ah/documents", headers=editor)
            return answer.status_code == 401 and answer.json()["error"]["code"] == "token_revoked"

        await eventually(refused, timeout=15)  # identity → Kafka → content, within seconds
        await _a_letter_through_the_gateway(http, platform, operator, site)
        await _a_dataset_through_the_gateway(http, platform, site)
        await _a_legacy_site_through_the_gateway(http, operator, channels)


async def test_an_editor_works_in_the_console_behind_the_gateway(platform: Platform) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as http:
        operator = await signed_in(http, platform.people, "operator")
        assert (await http.post(f"{API}/sites", headers=operator, json=PROVINCE)).status_code == 201
        channels = (await http.get(f"{API}/sites/ah/channels")).json()
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30, follow_redirects=True) as browser:
        editor = Person(browser)
        home = await editor.sign_in("ah-editor", DEMO_PASSWORD)
        assert home.url.path == "/console/" and "安徽省人民政府信息编辑" in home.text
        form = await editor.get("/console/content/ah/new")
        channel = next(c["id"] for c in channels if c["path"] == "zwdt/tzgg")
        fields = {"title": NOTICE, "channel_id": str(channel), "body_html": "<p>各县（市）区人民政府：</p>"}
        saved = await editor.submit(form, "/console/content/ah/new", fields | {"action": "submit"})
        assert "已保存并提交审核" in saved.text and NOTICE in saved.text
        out = await editor.submit(saved, "/console/logout", {})
        assert out.url.path == "/console/signed-out"  # out of the console, then of the provider
        again = await editor.get("/console/")
        assert "用户登录" in again.text


async def _a_letter_through_the_gateway(http: httpx.AsyncClient, platform: Platform, operator, site) -> None:  # noqa: ANN001
    """A letter on the site's own form: render → gateway → interaction, its event through Kafka; the office accepts
    it in working days and the writer's 查询码 finds it."""

    async def desk_knows_the_site() -> bool:  # content → Kafka → interaction
        unit = {"name": "省长信箱", "kind": "leader"}
        return (
            await http.put("/api/v1/interaction/sites/ah/units/leader", json=unit, headers=operator)
        ).status_code == 200

    await eventually(desk_knows_the_site, timeout=60)
    form = {
        "name": "王建国",
        "phone": "13955512345",
        "title": "建议公开政府网站年度报表",
        "body": "建议在首页显著位置公开网站年度报表。",
    }
    sent = await http.post("/hdjl/xx/write.html", headers=site, data=form, files={"x": ("", b"")})
    assert sent.status_code == 200 and "查询码" in sent.text, sent.text[-500:]
    code = sent.text.split('class="tracking-code"><strong>', 1)[1].split("<", 1)[0]
    queue = (await http.get("/api/v1/interaction/sites/ah/desk/letters", headers=operator)).json()
    accepted = await http.post(
        f"/api/v1/interaction/sites/ah/desk/letters/{queue['items'][0]['id']}/accept", json={}, headers=operator
    )
    assert accepted.status_code == 200 and accepted.json()["due_on"]
    status = (await http.get(f"/api/v1/interaction/letters/by-code/{code}")).json()
    assert status["status_label"] == "已受理" and "13955512345" not in str(status)


async def _a_dataset_through_the_gateway(http: httpx.AsyncClient, platform: Platform, site) -> None:  # noqa: ANN001
    """A department's dataset: uploaded and COPYed into PostgreSQL, published, read as CKAN's clients read it, on
    the site's 数据开放 pages (render → gateway → opendata), and found by the group search (opendata → Kafka)."""
    publisher = await signed_in(http, platform.people, "ah-data")
    body = {"name": "ah-universities", "title": "安徽省普通高等学校名单", "publisher": "安徽省教育厅", "theme": "教育"}

    async def portal_knows_the_site() -> bool:  # content → Kafka → opendata
        made = await http.post("/api/v1/opendata/sites/ah/desk/datasets", json=body, headers=publisher)
        return made.status_code == 201

    await eventually(portal_knows_the_site, timeout=60)
    rows = "学校名称,所在地,建校年份\n中国科学技术大学,合肥市,1958\n安徽大学,合肥市,1928\n安徽师范大学,芜湖市,1928\n"
    files = {"file": ("高校名单.csv", rows.encode(), "text/csv")}
    sent = await http.post("/api/v1/opendata/sites/ah/desk/datasets/ah-universities/resources", files=files,
                           headers=publisher)  # fmt: skip
    assert sent.status_code == 201, sent.text
    done = await http.post("/api/v1/opendata/sites/ah/desk/datasets/ah-universities/publish", headers=publisher)
    assert done.status_code == 200, done.text
    query = {"resource_id": sent.json()["id"], "sort": "建校年份, 学校名称", "limit": 2}
    found = (await http.post("/api/action/datastore_search", json=query)).json()["result"]
    assert [r["学校名称"] for r in found["records"]] == ["安徽大学", "安徽师范大学"] and found["total"] == 3
    assert "安徽省普通高等学校名单" in (await http.get("/sjkf/", headers=site)).text

    async def searchable() -> bool:
        answer = await http.get("/api/v1/search", params={"q": "高等学校", "site": "ah", "doc_type": "dataset"})
        return answer.status_code == 200 and answer.json()["total"] == 1

    await eventually(searchable, timeout=60)


async def _a_legacy_site_through_the_gateway(http: httpx.AsyncClient, operator: dict, channels: dict) -> None:
    """A legacy site migrated across processes: transition crawls it (its old server on loopback) and stages
    documents on Kafka, content imports them and answers, transition's URL map reaches render's redirect table,
    and the old URLs answer 301 on the legacy domain to pages with their titles (PostgreSQL, Kafka, S3)."""
    legacy, _ = legacy_site(12)
    with serve_on_port(legacy) as old:
        body = {
            "source": "http://old.ah.gov.cn/", "resolve": {"old.ah.gov.cn": urlsplit(old).netloc},
            "per_second": 200, "mapping": {"通知公告": channels["zwdt/tzgg"]},
        }  # fmt: skip

        async def planned() -> dict | None:  # content → Kafka → transition: the site's channels are known
            made = await http.post("/api/v1/transition/sites/ah/jobs", json=body, headers=operator)
            return made.json() if made.status_code == 201 else None

        job: dict = {}

        async def created() -> bool:
            job.update(await planned() or {})
            return bool(job)

        await eventually(created, timeout=60)

        async def done() -> bool:
            got = (await http.get(f"/api/v1/transition/sites/ah/jobs/{job['id']}", headers=operator)).json()
            return got["state"] == "done" and got["progress"]["imported"] == 12

        await eventually(done, timeout=120)

    async def answered() -> bool:  # transition → Kafka → render
        moved = await http.get(article_path(5), headers={"host": "old.ah.gov.cn"})
        return moved.status_code == 301 and "/zwdt/tzgg/" in moved.headers.get("location", "")

    await eventually(answered, timeout=60)
    moved = await http.get(article_path(5), headers={"host": "old.ah.gov.cn"})
    page = await http.get(urlsplit(moved.headers["location"]).path, headers={"host": "www.ah.gov.cn"})
    assert page.status_code == 200 and article_title(5) in page.text
    pdf = await http.get("/u/10.pdf", headers={"host": "old.ah.gov.cn"})
    copied = await http.get(urlsplit(pdf.headers["location"]).path, headers={"host": "www.ah.gov.cn"})
    assert copied.status_code == 200 and copied.content.startswith(b"%PDF")  # S3, written by transition
