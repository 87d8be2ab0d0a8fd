"""What the open-data desk's pages share: the sites a person publishes data on, the dataset form's choices, and
the API's refusals put beside the fields they name."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Path

from services.console.service.context import ConsoleDeps
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import SiteRef, site_in_reach

OPENDATA = "/api/v1/opendata"
PUBLISHERS = ("data_publisher", "site_admin", "platform_operator")
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
DatasetName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{1,99}$")]
ResourceId = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
RequestId = Annotated[int, Path(ge=1, le=2**53)]

ACCESS = {"open": "无条件开放", "conditional": "有条件开放", "closed": "不予开放"}
FREQUENCIES = ("实时", "每日", "每周", "每月", "每季度", "每半年", "每年", "不定期")
LICENSES = {"gov-open": "政府数据开放许可协议", "cc-by-4.0": "知识共享署名 4.0", "odc-by": "开放数据共享署名许可"}
THEMES = ("经济建设", "财税金融", "人口", "教育科技", "医疗卫生", "社会保障", "道路交通", "城建住房", "资源环境",
          "农业农村", "文化休闲", "公共安全", "信用服务", "机构团体")  # fmt: skip
STATES = {"draft": "草稿", "published": "已发布", "withdrawn": "已撤回"}
COLUMN_TYPES = {"text": "文本", "integer": "整数", "numeric": "数值", "boolean": "是/否", "date": "日期",
                "timestamp": "日期时间"}  # fmt: skip
FIELDS = ("name", "title", "notes", "publisher", "theme", "access", "frequency", "license_id", "tags",
          "contact_name", "contact_email")  # fmt: skip
FIELD_LABELS = {"name": "地址", "title": "名称", "notes": "摘要", "publisher": "提供部门", "theme": "主题分类",
                "access": "开放属性", "frequency": "更新周期", "license_id": "许可协议", "tags": "标签",
                "contact_name": "联系人", "contact_email": "联系邮箱"}  # fmt: skip
PATTERN_HINTS = {
    "name": "只能用小写字母、数字、- 和 _，以字母或数字开头，2 至 100 个字符",
    "contact_email": "请填写有效的电子邮箱，如 tjj@hefei.gov.cn",
}
CONFLICT_FIELDS = {"name_taken": "name", "name_fixed": "name"}
TAG_SPLIT = re.compile(r"[,，、;；]")


async def published_site(deps: ConsoleDeps, staff: Staff, site_id: str) -> SiteRef:
    """The site, if the person may publish data there (a plain 403 before any call for it)."""
    return await site_in_reach(deps, staff, site_id, PUBLISHERS, what="数据发布角色")


async def datasets_of(deps: ConsoleDeps, staff: Staff, site_id: str) -> list[dict[str, Any]]:
    return await deps.api.call(staff.token, "GET", f"{OPENDATA}/sites/{site_id}/desk/datasets")


async def dataset_of(deps: ConsoleDeps, staff: Staff, site_id: str, name: str) -> dict[str, Any]:
    """One of the site's own datasets (the desk has no single read: the list, which never shows another's)."""
    found = next((d for d in await datasets_of(deps, staff, site_id) if d["name"] == name), None)
    if found is None:
        raise ApiError(404, "not_found", f"本站点没有数据集 {name}")
    return found


def dataset_body(form: dict[str, str], name: str | None = None) -> dict[str, Any]:
    """The form as DatasetWrite reads it: tags split on any comma, empty contacts left out."""
    body: dict[str, Any] = {key: form.get(key, "").strip() for key in FIELDS if key != "tags"}
    body["name"] = name or body["name"]
    body["tags"] = [t.strip() for t in TAG_SPLIT.split(form.get("tags", "")) if t.strip()]
    for key in ("contact_name", "contact_email"):
        body[key] = body[key] or None
    return body


def dataset_values(dataset: dict[str, Any]) -> dict[str, str]:
    """A dataset as its form shows it."""
    values = {key: str(dataset.get(key) or "") for key in FIELDS if key != "tags"}
    return values | {"tags": "，".join(dataset.get("tags", []))}


def field_errors(exc: ApiError) -> dict[str, str]:
    """Each refusal beside its field ('body.tags.0' → tags); one that names none above the form ('')."""
    errors: dict[str, str] = {}
    for place, message in exc.fields.items():
        parts = [p for p in place.split(".") if p not in ("body", "query", "path") and not p.isdigit()]
        field = parts[0] if parts else ""
        hint = PATTERN_HINTS.get(field) if message.startswith("格式不正确") else None
        errors[field] = hint or ("请从列表中选择" if message.startswith("须为以下值之一") else message)
    if not errors and exc.code in CONFLICT_FIELDS:
        errors[CONFLICT_FIELDS[exc.code]] = exc.message
    return errors or {"": exc.message}


def size_label(size: int) -> str:
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} 字节"
