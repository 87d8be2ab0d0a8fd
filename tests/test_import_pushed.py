"""`sitegroup import-site <mirror|export>` pushed to a served platform through its API: a `wget -m` mirror of a
legacy county site (a GBK home page, a 通知公告 list, articles with the national meta tags, PDFs) and a WordPress
export each become documents whose every legacy URL answers 301 on its legacy Host to the page with the right
title (through the gateway), with the files downloadable; running the import again changes no document."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from typer.testing import CliRunner

from services.transition.tests.legacy_site import article_day, article_path, article_title, legacy_site
from services.transition.tests.test_sources import ITEM, MAPPING, WXR
from shared.testing import serve_on_port
from sitegroup.cli import app
from tests.test_import_site_cli import served_platform

LEGACY = "old.hefei.gov.cn"
ARTICLES = 12  # articles 0 and 10 have their PDF
WORDPRESS = "wlj.feixi.gov.cn"
NOTICE = "关于三河古镇景区恢复夜游的通知"
PDF_PATH = "/wp-content/uploads/2026/03/公告.pdf"


def write_mirror(root: Path) -> None:
    """The legacy site as `wget -m http://old.hefei.gov.cn/` leaves it on disk."""
    legacy, _ = legacy_site(ARTICLES)
    paths = ["/", "/xwzx/tzgg/index.html", "/u/0.pdf", "/u/10.pdf", *(article_path(n) for n in range(ARTICLES))]

    async def save() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(legacy), base_url=f"http://{LEGACY}") as old:
            for path in paths:
                answer = await old.get(path)
                assert answer.status_code == 200, path
                file = root / LEGACY / (path.lstrip("/") or "index.html")
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_bytes(answer.content)

    asyncio.run(save())


def wordpress_export(path: Path) -> None:
    body = f'<p>三河古镇景区将于3月5日起恢复夜游，详见<a href="{PDF_PATH}">公告</a>。</p>'
    items = [
        ITEM.format(id=11, title=NOTICE, body=body, status="publish", kind="post"),
        ITEM.format(id=12, title="草稿", body="<p>未完成</p>", status="draft", kind="post"),
        ITEM.format(id=13, title="机构职能", body="<p>负责全县文化和旅游工作。</p>", status="publish", kind="page"),
    ]
    export = WXR.format(items="\n".join(items)).replace(f"https://{WORDPRESS}", f"http://{WORDPRESS}")
    path.write_text(export, encoding="utf-8")


def cms_export(directory: Path) -> list[str]:
    """A CMS's CSV export (GBK, as Excel saves it) and its field mapping: the arguments that import it."""
    lines = [
        "原文链接,标题,正文,发布时间,栏目,文号,附件",
        "http://www.feixi.gov.cn/xxgk/1.html,肥西县人民政府关于印发2026年重点工作的通知,"
        '"<p>各乡镇人民政府，县政府各部门：</p><p>现将《2026年重点工作》印发给你们，请认真贯彻执行。</p>",'
        "2026年01月15日,政策文件,肥政〔2026〕3号,http://www.feixi.gov.cn/u/1.pdf",
    ]
    (directory / "export.csv").write_bytes("\r\n".join(lines).encode("gbk"))
    (directory / "mapping.json").write_text(json.dumps(MAPPING, ensure_ascii=False), encoding="utf-8")
    return [str(directory / "export.csv"), "--mapping-file", str(directory / "mapping.json")]


def wordpress_files() -> Starlette:
    """The WordPress site's uploads, still served by the old server (read by the operator's machine)."""

    async def upload(request) -> Response:  # noqa: ANN001
        if unquote(request.url.path) == PDF_PATH:
            return Response(b"%PDF-1.4 sanhe %%EOF", media_type="application/pdf")
        return Response(status_code=404)

    return Starlette(routes=[Route("/{path:path}", upload)])


def documents(http: httpx.Client) -> list[tuple[int, str, int]]:
    listed = http.get("/api/v1/content/sites/hefei/documents?size=100").json()
    return sorted((d["id"], d["title"], d["version"]) for d in listed["items"])


def test_a_mirror_and_a_wordpress_export_are_pushed_and_every_old_url_kept(tmp_path: Path) -> None:
    write_mirror(tmp_path / "mirror")
    wordpress_export(tmp_path / "wordpress.xml")
    with served_platform(tmp_path, 8767) as (base, token, settle), serve_on_port(wordpress_files()) as uploads:
        operator = {"authorization": f"Bearer {token}"}
        runner, auth = CliRunner(), ["--url", base, "--token", token]
        mirror = ["import-site", str(tmp_path / "mirror"), "--site", "hefei", "--map", "通知公告=zwdt/tzgg", *auth]
        imported = runner.invoke(app, mirror, env={"COLUMNS": "160"})
        assert imported.exit_code == 0, imported.output
        assert "迁移任务 1：done" in imported.output
        settle()
        with httpx.Client(base_url=base, headers=operator, timeout=30) as http:
            _mirror_answers(http)
            before = documents(http)
        assert len(before) == ARTICLES

        again = runner.invoke(app, mirror, env={"COLUMNS": "160"})
        assert again.exit_code == 0 and "迁移任务 1：done" in again.output, again.output
        settle()
        with httpx.Client(base_url=base, headers=operator, timeout=30) as http:
            assert documents(http) == before  # the same job ran again: nothing staged, no new revision
            job = http.get("/api/v1/transition/sites/hefei/jobs/1").json()
            assert job["run"] == 2 and job["progress"]["pages"] == ARTICLES + 2

        export = ["import-site", str(tmp_path / "wordpress.xml"), "--site", "hefei", "--map", "通知公告=zwdt/tzgg",
                  "--resolve", f"{WORDPRESS}={urlsplit(uploads).netloc}", *auth]  # fmt: skip
        pushed = runner.invoke(app, export, env={"COLUMNS": "160"})
        assert pushed.exit_code == 0, pushed.output
        assert "迁移任务 2：done" in pushed.output
        settle()
        with httpx.Client(base_url=base, headers=operator, timeout=30) as http:
            _wordpress_answers(http)

        exported = ["import-site", *cms_export(tmp_path), "--site", "hefei", "--default-channel", "zwdt/tzgg",
                    "--resolve", f"www.feixi.gov.cn={urlsplit(uploads).netloc}", *auth]  # fmt: skip
        pushed = runner.invoke(app, exported, env={"COLUMNS": "160"})
        assert pushed.exit_code == 0 and "迁移任务 3：done" in pushed.output, pushed.output
        assert "附件无法下载" in pushed.output and "http://www.feixi.gov.cn/u/1.pdf" in pushed.output  # said, left out
        settle()
        with httpx.Client(base_url=base, headers=operator, timeout=30) as http:
            moved = http.get("/xxgk/1.html", headers={"host": "www.feixi.gov.cn"})
            assert moved.status_code == 301 and "/zfxxgk/fdzdgknr/zcwj/202601/" in moved.headers["location"]  # by name
            page = http.get(urlsplit(moved.headers["location"]).path, headers={"host": "www.hefei.gov.cn"})
            assert page.status_code == 200 and "肥西县人民政府关于印发2026年重点工作的通知" in page.text
        wrong = [
            "import-site",
            str(tmp_path / "mirror"),
            "--site",
            "hefei",
            "--legacy-domain",
            "old2.hefei.gov.cn",
            *auth,
        ]
        refused = runner.invoke(app, wrong, env={"COLUMNS": "160"})  # the mirror's files are of another host
        assert refused.exit_code == 2 and "不在本任务的旧网站域名" in refused.output, refused.output
        with httpx.Client(base_url=base, headers=operator, timeout=30) as http:
            assert http.get("/api/v1/transition/sites/hefei/jobs/4").json()["state"] == "cancelled"  # not left running
        verified = runner.invoke(app, ["verify-site", "hefei", *auth], env={"COLUMNS": "160"})
    assert verified.exit_code == 0 and "0 个有问题" in verified.output, verified.output


def _mirror_answers(http: httpx.Client) -> None:
    old = {"host": LEGACY}
    for number in range(ARTICLES):
        moved = http.get(article_path(number), headers=old)
        assert moved.status_code == 301, (number, moved.text)
        target = urlsplit(moved.headers["location"])
        assert target.netloc == "www.hefei.gov.cn" and target.path.startswith(f"/zwdt/tzgg/{article_day(number):%Y%m}/")
        page = http.get(target.path, headers={"host": "www.hefei.gov.cn"})
        assert page.status_code == 200 and article_title(number) in page.text
    listing = http.get("/xwzx/tzgg/index.html", headers=old)
    assert listing.status_code == 301 and listing.headers["location"] == "http://www.hefei.gov.cn/zwdt/tzgg/"
    assert http.get("/index.html", headers=old).headers["location"] == "http://www.hefei.gov.cn/"
    pdf = http.get("/u/10.pdf", headers=old)
    assert pdf.status_code == 301 and "/files/" in pdf.headers["location"]
    copied = http.get(urlsplit(pdf.headers["location"]).path, headers={"host": "www.hefei.gov.cn"})
    assert copied.status_code == 200 and copied.content == b"%PDF-1.4 /u/10.pdf %%EOF"
    urls = http.get("/api/v1/transition/sites/hefei/urlmap", params={"limit": 1000}).json()["items"]
    home = next(u for u in urls if u["legacy_key"] == f"//{LEGACY}/index.html")
    assert home["title"] == "肥西县人民政府"  # the home page is GBK: read right


def _wordpress_answers(http: httpx.Client) -> None:
    old = {"host": WORDPRESS}
    moved = http.get("/?p=11", headers=old)
    assert moved.status_code == 301, moved.text
    target = urlsplit(moved.headers["location"])
    assert target.path.startswith("/zwdt/tzgg/202603/")
    page = http.get(target.path, headers={"host": "www.hefei.gov.cn"})
    assert page.status_code == 200 and NOTICE in page.text and "/files/" in page.text
    titles = {title for _, title, _ in documents(http)}
    assert {NOTICE, "机构职能"} <= titles and "草稿" not in titles  # a draft is not migrated
    pdf = http.get(PDF_PATH, headers=old)
    assert pdf.status_code == 301, pdf.text
    copied = http.get(urlsplit(pdf.headers["location"]).path, headers={"host": "www.hefei.gov.cn"})
    assert copied.status_code == 200 and copied.content == b"%PDF-1.4 sanhe %%EOF"
