"""Personal data masked out of what is published (个人信息保护): the writer's name and address wherever they
appear, and anyone's phone numbers, ID and bank card numbers, e-mail addresses and house numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable

_ID_NUMBER = re.compile(r"(?<![0-9])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9])")
_CARD = re.compile(r"(?<![0-9])(\d{4})\d{8,11}(\d{4})(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(0\d{2,3})[- ]?\d{3,4}(\d{4})(?![0-9])")
_EMAIL = re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_HOUSE = re.compile(r"\d+(?=\s*(?:号楼|号院|号|栋|幢|单元|室|弄))")
_REGION = re.compile(r"^.*?(?:省|自治区|市|区|县|镇|乡|街道)")


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳明华 → 欧***: the family name stays, as the published letter's 来信人 shows."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else name


def mask_address(address: str) -> str:
    """安徽省合肥市肥西县上派镇某某路12号 → 安徽省合肥市肥西县上派镇***"""
    region = _REGION.match(address.strip())
    return (region.group(0) if region else "") + "***"


def mask_text(text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = ()) -> str:
    """The text with the writer's own name and address and every number that identifies a person hidden."""
    for address in sorted({a.strip() for a in addresses if len(a.strip()) >= 4}, key=len, reverse=True):
        text = text.replace(address, mask_address(address))
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    text = _ID_NUMBER.sub(lambda m: f"{m[1]}********{m[2][-4:]}", text)
    text = _CARD.sub(lambda m: f"{m[1]}********{m[2]}", text)
    text = _MOBILE.sub(lambda m: f"{m[1]}****{m[2]}", text)
    text = _LANDLINE.sub(lambda m: f"{m[1]}-****{m[2]}", text)
    text = _EMAIL.sub(lambda m: f"{m[1]}***@{m[2]}", text)
    return _HOUSE.sub(lambda m: "*" * len(m[0]), text)
