"""The interaction tests' kit: sample sites and departments, a loopback SMTP server, letters sent and handled."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from shared.events.samples import site
from shared.testing import Tokens

FEIXI = site("feixi", "肥西县人民政府", "3401230001", level="county", parent_id="hefei")
HEFEI = site("hefei", "合肥市人民政府", "3401000001")
API = "/api/v1/interaction"
UNITS = {  # code → (name, kind)
    "xzxx": ("县长信箱", "leader"),
    "jyj": ("县教育局", "department"),
    "zjj": ("县住房和城乡建设局", "department"),
}
LETTER = {
    "category": "建议",
    "addressee": "xzxx",
    "title": "关于上派镇金寨路路灯长期损坏的建议",
    "body": "金寨路与繁华大道交口往南约三百米的路灯已损坏两个多月，夜间行人和电动车通行存在安全隐患，"
    "建议尽快维修。我是张三丰，住上派镇金寨路12号3栋，电话13912345678。",
    "name": "张三丰",
    "phone": "13912345678",
    "email": "zhangsanfeng@example.cn",
    "address": "肥西县上派镇金寨路12号3栋201室",
    "public": True,
}


@dataclass
class Inbox:
    """What the loopback SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        async with asyncio.timeout(timeout):
            while len(found := self.to(address)) < count:  # noqa: ASYNC110 - filled by the SMTP server's thread
                await asyncio.sleep(0.02)
        return found


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd checks its own port once started, so it needs a real one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return part.get_content()


def office(tokens: Tokens, site_id: str = "feixi") -> dict[str, str]:
    return tokens.bearer(f"{site_id}-letters", (site_id, "letter_handler"))


def unit_handler(tokens: Tokens, unit: str, site_id: str = "feixi") -> dict[str, str]:
    return tokens.bearer(f"{site_id}-{unit}", (site_id, f"letter_handler:{unit}"))


def admin(tokens: Tokens, site_id: str = "feixi") -> dict[str, str]:
    return tokens.bearer(f"{site_id}-admin", (site_id, "site_admin"))


async def open_units(api, tokens: Tokens, site_id: str = "feixi", emails: dict[str, str] | None = None) -> None:
    for position, (code, (name, kind)) in enumerate(UNITS.items()):
        body = {"name": name, "kind": kind, "position": position, "email": (emails or {}).get(code)}
        response = await api.put(f"{API}/sites/{site_id}/units/{code}", json=body, headers=admin(tokens, site_id))
        assert response.status_code == 200, response.text


async def send_letter(api, site_id: str = "feixi", **changes) -> dict:
    response = await api.post(f"{API}/sites/{site_id}/letters", json={**LETTER, **changes})
    assert response.status_code == 201, response.text
    return response.json()


async def step(api, tokens_or_headers, letter_id: int, action: str, site_id: str = "feixi", **body) -> dict:
    url = f"{API}/sites/{site_id}/desk/letters/{letter_id}/{action}"
    response = await api.post(url, json=body, headers=tokens_or_headers)
    assert response.status_code == 200, response.text
    return response.json()
