"""`sitegroup import-site … --dry-run` against a legacy site on loopback and a platform's channel list: the
preview's totals and the suggested channel printed; without --dry-run it writes nothing and says why."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from typer.testing import CliRunner

from services.transition.tests.legacy_site import legacy_site
from shared.testing import serve_on_port
from sitegroup.cli import app

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
        refused = runner.invoke(app, args)
        unknown = runner.invoke(app, ["import-site", f"{old}/", "--site", "nowhere", "--url", new, "--dry-run"])
    assert previewed.exit_code == 0, previewed.output
    assert "60 篇文章，3 个列表页" in previewed.output and "6 个附件" in previewed.output
    assert "通知公告 zwdt/tzgg" in previewed.output and "同名" in previewed.output
    assert refused.exit_code == 2 and "尚不能导入" in refused.output
    assert unknown.exit_code == 2 and "平台上没有站点 nowhere" in unknown.output
