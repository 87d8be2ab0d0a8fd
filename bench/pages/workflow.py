"""The review workflow over HTTP, in-process or against `serve`: the sites opened, a document created,
submitted and approved at each step by staff holding the tokens the platform issues; the pages it makes."""

from __future__ import annotations

from typing import Any

import httpx

from bench.pages import API, HOST, SITE, SITE_CODE, STEPS

SITES = (
    {
        "id": "zj",
        "name": "浙江省人民政府",
        "host_unit": "浙江省人民政府办公厅",
        "site_code": "3300000000",
        "org_code": "002482410",
        "level": "province",
        "main_domain": "www.zj.gov.cn",
        "status": "online",
    },
    {
        "id": SITE,
        "name": "某某市人民政府",
        "abbreviation": "某某市",
        "host_unit": "某某市人民政府办公室",
        "site_code": SITE_CODE,
        "org_code": "002500000",
        "level": "city",
        "parent_id": "zj",
        "main_domain": HOST,
        "status": "online",
        "icp_number": "浙ICP备00000000号-1",
        "police_number": "浙公网安备 33000002000001号",
        "contact_phone": "0571-00000000",
    },
)


class Staff:
    """Bearer headers of the platform operator, the site's editor and its three reviewers."""

    def __init__(self, signer) -> None:
        self.operator = _bearer(signer, "operator", "*", "platform_operator")
        self.editor = _bearer(signer, "editor", SITE, "editor")
        self.reviewers = {step: _bearer(signer, f"reviewer-{step}", SITE, f"reviewer:{step}") for step in STEPS}


def _bearer(signer, subject: str, site: str, role: str) -> dict[str, str]:
    from shared.auth import Grant

    token = signer.mint(subject, [Grant(site=site, role=role)], name=subject, lifetime=4 * 3600)
    return {"authorization": f"Bearer {token}"}


def expect(response: httpx.Response, status: int) -> dict[str, Any]:
    """The JSON of a response that must have `status`: any other answer stops the bench with what it said."""
    if response.status_code != status:
        request = response.request
        raise RuntimeError(f"{request.method} {request.url.path}: {response.status_code} {response.text}")
    return response.json()


async def open_sites(http: httpx.AsyncClient, staff: Staff) -> dict[str, int]:
    """Open the province and www.example.gov.cn; the site's channel ids by path."""
    for body in SITES:
        expect(await http.post(f"{API}/sites", json=body, headers=staff.operator), 201)
    channels = expect(await http.get(f"{API}/sites/{SITE}/channels"), 200)
    return {c["path"]: c["id"] for c in channels}


async def submit(http: httpx.AsyncClient, staff: Staff, body: dict[str, Any]) -> int:
    """Create and submit a document; its id."""
    return expect(await http.post(f"{API}/sites/{SITE}/documents", json=body, headers=staff.editor), 201)["id"]


async def approve(http: httpx.AsyncClient, staff: Staff, doc_id: int, step: str) -> dict[str, Any]:
    """One reviewer's approval at `step`; the document as it then is."""
    url = f"{API}/sites/{SITE}/documents/{doc_id}/approve"
    return expect(await http.post(url, headers=staff.reviewers[step]), 200)


async def publish(http: httpx.AsyncClient, staff: Staff, body: dict[str, Any]) -> dict[str, Any]:
    """Create + submit, then approve at every step; the final approve's document (with url_path)."""
    doc_id = await submit(http, staff, body)
    for step in STEPS:
        doc = await approve(http, staff, doc_id, step)
    return doc


async def page_bytes(http: httpx.AsyncClient, path: str) -> int:
    """The size of a public page of www.example.gov.cn, which must answer 200."""
    response = await http.get(path, headers={"host": HOST})
    if response.status_code != 200:
        raise RuntimeError(f"{path} answers {response.status_code}")
    return len(response.content)
