"""Helpers for the content tests: open demo-like sites, walk documents through review, watch events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from shared.testing import Tokens

API = "/api/v1/content"
OPERATOR = ("*", "platform_operator")
STEPS = ("初审", "审核", "审发")


@dataclass
class Site:
    id: str
    channels: dict[str, int] = field(default_factory=dict)


SITE_DEFAULTS = {
    "ah": ("安徽省人民政府", "province", None, "3400000001", "003014349", "www.ah.gov.cn"),
    "hefei": ("合肥市人民政府", "city", "ah", "3401000001", "003254560", "www.hefei.gov.cn"),
    "wuhu": ("芜湖市人民政府", "city", "ah", "3402000001", "003246893", "www.wuhu.gov.cn"),
    "feixi": ("肥西县人民政府", "county", "hefei", "3401230001", "003275128", "www.feixi.gov.cn"),
}


class SiteFactory:
    def __init__(self, client: httpx.AsyncClient, tokens: Tokens) -> None:
        self.client = client
        self.tokens = tokens
        self.operator = tokens.bearer("operator", OPERATOR)
        self.opened: dict[str, Site] = {}

    async def open(self, site_id: str, **overrides: Any) -> Site:
        """Open one of the test sites (parents first), online, and learn its channel ids by path."""
        if site_id in self.opened:
            return self.opened[site_id]
        name, level, parent, code, org, domain = SITE_DEFAULTS[site_id]
        if parent is not None:
            await self.open(parent)
        body = {
            "id": site_id,
            "name": name,
            "host_unit": f"{name}办公室",
            "site_code": code,
            "org_code": org,
            "level": level,
            "parent_id": parent,
            "main_domain": domain,
            "status": "online",
            **overrides,
        }
        response = await self.client.post(f"{API}/sites", json=body, headers=self.operator)
        assert response.status_code == 201, response.text
        channels = (await self.client.get(f"{API}/sites/{site_id}/channels")).json()
        self.opened[site_id] = Site(site_id, {c["path"]: c["id"] for c in channels})
        return self.opened[site_id]

    async def chain(self, *site_ids: str) -> dict[str, Site]:
        return {site_id: await self.open(site_id) for site_id in site_ids}

    def editor(self, site_id: str, subject: str = "editor") -> dict[str, str]:
        return self.tokens.bearer(f"{subject}@{site_id}", (site_id, "editor"))

    def reviewer(self, site_id: str, step: str) -> dict[str, str]:
        return self.tokens.bearer(f"reviewer-{step}@{site_id}", (site_id, f"reviewer:{step}"))

    def admin(self, site_id: str) -> dict[str, str]:
        return self.tokens.bearer(f"admin@{site_id}", (site_id, "site_admin"))

    async def draft(self, site: Site, channel: str = "zwdt/yw", **fields: Any) -> dict:
        body = {
            "channel_id": site.channels[channel],
            "title": "关于推进政务公开标准化规范化工作的通知",
            "body_html": "<p>各县（市、区）人民政府，市政府各部门：</p><p>现将有关事项通知如下。</p>",
            **fields,
        }
        response = await self.client.post(f"{API}/sites/{site.id}/documents", json=body, headers=self.editor(site.id))
        assert response.status_code == 201, response.text
        return response.json()

    async def approve_all(self, site: Site, doc_id: int, steps: tuple[str, ...] = STEPS) -> dict:
        response = None
        for step in steps:
            response = await self.client.post(
                f"{API}/sites/{site.id}/documents/{doc_id}/approve",
                json={"comment": "同意"},
                headers=self.reviewer(site.id, step),
            )
            assert response.status_code == 200, response.text
        return response.json()

    async def publish(self, site: Site, channel: str = "zwdt/yw", **fields: Any) -> dict:
        """Create, submit and pass all three steps: a live document."""
        doc = await self.draft(site, channel, submit=True, **fields)
        published = await self.approve_all(site, doc["id"])
        assert published["public_state"] == "live", published
        return published
