"""`sitegroup import-site` against a legacy site on loopback: the dry run's totals and suggested channels; the
import itself through a running platform, followed to the end; and `verify-site`'s table."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from typer.testing import CliRunner

from services.transition.tests.legacy_site import article_path, legacy_site
from shared.auth import Grant
from shared.testing import serve_on_port
from sitegroup.cli import app
from sitegroup.consolidated import ConsolidatedApp, migrate_all
from sitegroup.settings import PlatformSettings
from tests.test_consolidated import open_hefei

CHANNELS = [{"id": 12, "name": "通知公告", "path": "zwdt/tzgg"}, {"id": 13, "name": "政策文件", "path": "zfxxgk/zcwj"}]


def platform() -> Starlette:
    async def channels(request) -> JSONResponse:  # noqa: ANN001
        if request.path_params["site"] != "feixi":
            return JSONResponse({"detail": "没有这个站点"}, status_code=404)
        return JSONResponse(CHANNELS)

    return Starlette(routes=[Route("/api/v1/content/sites/{site}/channels", channels)])


def test_a_dry_run_from_the_command_line() -> None:
    legacy, _ = legacy_site(60)
    with serve_on_port(legacy) as old, serve_on_port(platform()) as new:
        runner = CliRunner()
        args = ["import-site", f"{old}/", "--site", "feixi", "--url", new, "--per-second", "200"]
        previewed = runner.invoke(app, [*args, "--dry-run"], env={"COLUMNS": "160"})
        refused = runner.invoke(app, ["import-site", str(Path(__file__).parent), *args[2:]])  # a directory, no mirror
        unknown = runner.invoke(app, ["import-site", f"{old}/", "--site", "nowhere", "--url", new, "--dry-run"])
    assert previewed.exit_code == 0, previewed.output
    assert "60 篇文章，3 个列表页" in previewed.output and "6 个附件" in previewed.output
    assert "通知公告 zwdt/tzgg" in previewed.output and "同名" in previewed.output
    assert refused.exit_code == 2 and "没有以域名命名的目录" in refused.output  # no mirror: nothing planned
    assert unknown.exit_code == 2 and "平台上没有站点 nowhere" in unknown.output


def test_import_and_verify_a_site_from_the_command_line(tmp_path) -> None:
    """The real import through a running platform's API, followed to the end, then every old URL verified; a
    URL map entry sent somewhere wrong is named in verify-site's table (exit 1)."""
    legacy, _ = legacy_site(30)
    with serve_on_port(legacy) as old, served_platform(tmp_path, 8766) as (base, token, settle):
        runner, auth = CliRunner(), ["--url", base, "--token", token]
        server = urlsplit(old).netloc
        imported = runner.invoke(
            app,
            ["import-site", "http://old.hefei.gov.cn/", "--site", "hefei", "--resolve", f"old.hefei.gov.cn={server}",
             "--per-second", "300", *auth],
            env={"COLUMNS": "160"},
        )  # fmt: skip
        assert imported.exit_code == 0, imported.output
        assert "迁移任务 1：done" in imported.output and "30" in imported.output
        settle()
        verified = runner.invoke(app, ["verify-site", "hefei", *auth], env={"COLUMNS": "160"})
        assert verified.exit_code == 0, verified.output
        assert "0 个有问题" in verified.output

        wrong = {"legacy_key": f"//old.hefei.gov.cn{article_path(3)}", "target": "/zwdt/"}
        with httpx.Client(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=30) as http:
            assert http.put("/api/v1/transition/sites/hefei/urlmap", json=wrong).status_code == 200
        settle()
        broken = runner.invoke(app, ["verify-site", "hefei", *auth], env={"COLUMNS": "200"})
    assert broken.exit_code == 1 and "1 个有问题" in broken.output
    assert article_path(3) in broken.output and "目标页没有标题" in broken.output


@contextmanager
def served_platform(tmp_path: Path, port: int) -> Iterator[tuple[str, str, Callable[[], None]]]:
    """The consolidated platform on a real port with 合肥's site opened, as the CLI meets it: its address, an
    operator's token, and a way to wait until its events are handled (it runs in the server's thread)."""
    settings = PlatformSettings(data_dir=tmp_path / "var", seed_demo=False, port=port)
    asyncio.run(migrate_all(settings))
    platform = ConsolidatedApp(settings)
    loops = []

    async def remember_loop() -> None:
        loops.append(asyncio.get_running_loop())

    def settle() -> None:
        asyncio.run_coroutine_threadsafe(platform.settle(), loops[0]).result(30)

    with serve_on_port(platform, after_start=remember_loop) as base:
        token = platform.signer.mint("cli", [Grant(site="*", role="platform_operator")], name="运维")

        async def open_sites() -> None:
            async with httpx.AsyncClient(base_url=base, timeout=30) as http:  # a busy CI host, not a 5 s budget
                await open_hefei(http, platform)

        asyncio.run(open_sites())
        settle()
        yield base, token, settle
