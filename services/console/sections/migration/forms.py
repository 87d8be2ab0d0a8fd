"""The plan form as the migration API's body: sections to channels one per line (通知公告=zwdt/tzgg), domains and
old servers separated as Chinese writers do; what the API would refuse is said beside its field, in Chinese."""

from __future__ import annotations

import re
from typing import Any

SEPARATORS = re.compile(r"[\s,，、;；]+")
Checked = tuple[dict[str, Any], dict[str, str]]


def job_body(form: dict[str, str], channels: dict[str, int]) -> Checked:
    errors: dict[str, str] = {}
    mapping = {}
    for number, line in enumerate(form.get("mapping", "").splitlines(), 1):
        if not line.strip():
            continue
        section, _, path = (part.strip() for part in line.replace("＝", "=").partition("="))
        if not section or path.strip("/") not in channels:
            errors["mapping"] = f"第 {number} 行应为“原栏目=栏目路径”，且栏目路径是本站点的栏目（如 zwdt/tzgg）"
            break
        mapping[section] = channels[path.strip("/")]
    per_second = form.get("per_second", "").strip() or "4"
    try:
        rate = float(per_second)
    except ValueError:
        rate = 0.0
    if not 0 < rate <= 10_000:
        errors["per_second"] = "请填写 0 到 10000 之间的数（每秒请求数）"
    resolve = {}
    for pair in SEPARATORS.split(form.get("resolve", "").strip()):
        if pair:
            host, _, address = pair.partition("=")
            resolve[host] = address
    body = {
        "source": form.get("source", "").strip(), "legacy_domains": _words(form.get("legacy_domains", "")),
        "mapping": mapping, "per_second": rate, "resolve": resolve, "publish": form.get("publish") != "draft",
    }  # fmt: skip
    return body, errors


def _words(text: str) -> list[str]:
    return [word for word in SEPARATORS.split(text.strip()) if word]


RULE_FIELDS = ("title", "body", "date", "source")


def rules_body(form: dict[str, str]) -> Checked:
    """The rules form as the preview's body: a selector per field, what to remove and sample URLs one per line."""
    errors: dict[str, str] = {}
    rules: dict[str, Any] = {name: form.get(name, "").strip() or None for name in RULE_FIELDS}
    rules["remove"] = _lines(form.get("remove", ""))
    urls = _lines(form.get("urls", ""))
    for name in RULE_FIELDS:
        if len(rules[name] or "") > 200:
            errors[name] = "选择器不超过 200 个字符"
    if len(rules["remove"]) > 20 or any(len(line) > 200 for line in rules["remove"]):
        errors["remove"] = "最多 20 条，每条不超过 200 个字符"
    if len(urls) > 10:
        errors["urls"] = "最多 10 个样例网址"
    return {"rules": rules, "urls": urls}, errors


def rules_form(rules: dict[str, Any]) -> dict[str, str]:
    """A job's saved rules as the form shows them."""
    values = {name: rules.get(name) or "" for name in RULE_FIELDS}
    return values | {"remove": "\n".join(rules.get("remove") or [])}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
