"""The consolidated platform crawls in a child process (sitegroup/runner_process.py): a job runs there, and when
the child is killed in the middle of a crawl the platform starts another, which resumes the job from its frontier
— every legacy article imported once, none lost, none doubled."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from services.transition.tests.legacy_site import article_title, legacy_site
from shared.testing import serve_on_port
from tests.test_import_site_cli import served_platform

ARTICLES = 150
API = "/api/v1/transition/sites/hefei"


def test_a_killed_runner_process_is_replaced_and_its_job_resumes(tmp_path) -> None:
    legacy, _ = legacy_site(ARTICLES, delay=0.01)
    with serve_on_port(legacy) as old, served_platform(tmp_path, 8767) as (base, token, settle):
        headers = {"authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            first = _runner_child()
            channels = {c["path"]: c["id"] for c in http.get("/api/v1/content/sites/hefei/channels").json()}
            body = {"source": "http://old.hefei.gov.cn/", "resolve": {"old.hefei.gov.cn": urlsplit(old).netloc},
                    "per_second": 60, "mapping": {"通知公告": channels["zwdt/tzgg"]}}  # fmt: skip
            created = http.post(f"{API}/jobs", json=body)
            assert created.status_code == 201, created.text
            job = f"{API}/jobs/{created.json()['id']}"
            _until(lambda: http.get(job).json()["progress"]["pages"] >= 20)
            os.kill(first, signal.SIGKILL)  # no chance to stage what it read: the crash the frontier is for

            _until(lambda: _runner_child() not in (None, first))
            _until(lambda: http.get(job).json()["state"] in ("done", "failed"), timeout=90)
            settle()
            done = http.get(job).json()
            assert done["state"] == "done" and done["progress"]["imported"] == ARTICLES, done
            titles = _titles(http)
    assert len(titles) == ARTICLES and set(titles) == {article_title(n) for n in range(ARTICLES)}


def _runner_child() -> int | None:
    """The migration runner this test process's platform started (its child)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and b"sitegroup.migration_runner" in command and stat[0] != "Z":
            return int(entry.name)
    return None


def _until(condition, timeout: float = 30) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _titles(http: httpx.Client) -> list[str]:
    found, page = [], 1
    while True:
        listed = http.get(f"/api/v1/content/sites/hefei/documents?size=100&page={page}").json()
        found += [d["title"] for d in listed["items"]]
        if len(found) >= listed["total"]:
            return found
        page += 1
