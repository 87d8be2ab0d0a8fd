"""The desk's pages that more than one form answers with: a dataset (after an upload, a publication refused) and
the dataset form (new or edit, with the API's refusals beside the fields)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from services.console.api.deps import deps_of
from services.console.api.rendering import china_time, pages_of
from services.console.sections.opendata.desk import (
    ACCESS,
    COLUMN_TYPES,
    FIELD_LABELS,
    FREQUENCIES,
    LICENSES,
    OPENDATA,
    STATES,
    THEMES,
    dataset_of,
    dataset_values,
    published_site,
    size_label,
)
from services.console.service.sessions import Staff

MOMENTS = ("created_at", "modified_at", "published_at")


async def dataset_page(
    request: Request, staff: Staff, site_id: str, name: str, *, status: int = 200, **context: Any
) -> Response:
    """The dataset with its files and the forms that change them; `context`: an upload's report, a refusal."""
    deps = deps_of(request)
    site = await published_site(deps, staff, site_id)
    found = await dataset_of(deps, staff, site_id, name)
    shown = found | {key: china_time(found[key]) for key in MOMENTS}
    resources = [
        r | {"modified": china_time(r["modified_at"]), "size_label": size_label(r["size"])} for r in found["resources"]
    ]
    defaults = {"problem": "", "report": None, "errors": {}, "values": {}, "target": ""}
    return pages_of(request).render(
        request, "opendata/dataset.html", staff, status=status, site=site, dataset=shown, resources=resources,
        states=STATES, access=ACCESS, column_types=COLUMN_TYPES, api_url=f"{deps.settings.public_url}{OPENDATA}",
        **(defaults | context),
    )  # fmt: skip


async def form_page(
    request: Request,
    staff: Staff,
    site_id: str,
    name: str | None,
    values: dict[str, str] | None,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    """The dataset form: new (no `name`) or the dataset's own; as typed (`values`) or as saved (None)."""
    deps = deps_of(request)
    site = await published_site(deps, staff, site_id)
    found = await dataset_of(deps, staff, site_id, name) if name else None
    shown = dataset_values(found) if values is None and found else values or {}
    return pages_of(request).render(
        request, "opendata/form.html", staff, status=status, site=site, dataset=found, values=shown, errors=errors,
        access=ACCESS, frequencies=FREQUENCIES, licenses=LICENSES, themes=THEMES, labels=FIELD_LABELS,
    )  # fmt: skip
