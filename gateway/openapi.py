"""One OpenAPI document for the whole platform, merged from each service's own, and a page to read it."""

from __future__ import annotations

from typing import Any

from gateway.services import ServiceClients
from shared.apidocs import docs_html

OPENAPI_PATH = "/api/v1/openapi.json"
DOCS_PATH = "/api/v1/docs"
DOCS_ASSETS = "/api/v1/docs/assets/"


_PROBLEM = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_GATEWAY_ANSWERS = {  # what the gateway itself may answer for any operation
    "429": {"description": "超过调用频率（每 IP、每 API Key 各有上限）；见 Retry-After", "content": _PROBLEM},
    "503": {"description": "该服务暂时无法访问；见 Retry-After", "content": _PROBLEM},
}


async def merged_openapi(clients: ServiceClients) -> dict[str, Any]:
    """Paths are already unique (/api/v1/<service>/…); a schema name two services define differently
    is kept once per service as <service>.<name>."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "集约化政府网站平台 API",
            "version": "1.0.0",
            "description": "Every service of the platform behind one gateway.",
        },
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
        "tags": [],
    }
    for name in sorted(clients.names()):
        response = await clients.client(name).get(f"/api/v1/{name}/openapi.json")
        if response.status_code != 200:
            continue
        _merge(merged, name, response.json())
    return merged


def _merge(merged: dict[str, Any], service: str, spec: dict[str, Any]) -> None:
    schemas = merged["components"]["schemas"]
    renames: dict[str, str] = {}
    for key, schema in spec.get("components", {}).get("schemas", {}).items():
        if key in schemas and schemas[key] != schema:
            renames[f"#/components/schemas/{key}"] = f"#/components/schemas/{service}.{key}"
            schemas[f"{service}.{key}"] = schema
        else:
            schemas[key] = schema
    merged["components"]["securitySchemes"].update(spec.get("components", {}).get("securitySchemes", {}))
    paths = _rename_refs(spec.get("paths", {}), renames) if renames else spec.get("paths", {})
    for operations in paths.values():
        for operation in operations.values():
            operation.setdefault("responses", {}).update(_GATEWAY_ANSWERS)
    merged["paths"].update(paths)
    known = {t["name"] for t in merged["tags"]}
    merged["tags"] += [t for t in spec.get("tags", []) if t["name"] not in known]


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: (renames.get(v, v) if k == "$ref" else _rename_refs(v, renames)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename_refs(v, renames) for v in node]
    return node


def docs_page() -> bytes:
    return docs_html(OPENAPI_PATH, "集约化政府网站平台 API", DOCS_ASSETS.rstrip("/"))
