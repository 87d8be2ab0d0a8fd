"""Synonyms, best bets (置顶) and Q&A pairs of a site — or of the whole platform — listed, added and deleted
through the search API, which decides who may; a refused form comes back with each refusal beside its field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.search.desk import ScopeId, api_path, desk_of
from services.console.sections.search.forms import Checked, best_bet_body, qa_body, refusals, synonym_body
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff

router = APIRouter(include_in_schema=False)  # included by the search desk's routes, under /console/search
RowId = Annotated[int, Path(ge=1, le=2**53)]
PREFILLED = 200  # characters of a prefill link's value kept (an analytics row's query)


@dataclass(frozen=True, slots=True)
class Kind:
    segment: str  # in the console's and the API's addresses
    labels: dict[str, str]  # form field → its name, as the refusals above the form say it
    body: Callable[[dict[str, str]], Checked]
    added: Callable[[dict], str]  # the line shown once a row is added
    list_field: str | None = None


KINDS = (
    Kind("synonyms", {"words": "同义词"}, synonym_body, lambda b: "已添加同义词：" + "、".join(b["words"]), "words"),
    Kind(
        "best-bets",
        {"query": "查询词", "title": "标题", "url": "网址", "position": "排序"},
        best_bet_body,
        lambda b: f"已将“{b['title']}”置顶于“{b['query']}”",
    ),
    Kind(
        "qa", {"question": "问题", "answer": "答案", "url": "链接"}, qa_body, lambda b: f"已添加问答“{b['question']}”"
    ),
)


def _routes(kind: Kind) -> None:
    """The list (with the add form, prefilled from the address), the add and the delete of one kind of row."""

    @router.get(f"/{{scope}}/{kind.segment}", name=f"search_{kind.segment}")
    async def rows(request: Request, staff: StaffDep, scope: ScopeId) -> Response:
        prefill = {k: v[:PREFILLED] for k, v in request.query_params.items() if k in kind.labels}
        return await _page(request, staff, scope, kind, values=prefill, errors={})

    @router.post(f"/{{scope}}/{kind.segment}", name=f"add_search_{kind.segment}")
    async def add(request: Request, staff: StaffDep, scope: ScopeId) -> Response:
        form = await form_of(request, staff)
        body, errors = kind.body(form)
        if errors:
            return await _page(request, staff, scope, kind, values=form, errors=errors, status=422)
        try:
            await deps_of(request).api.call(staff.token, "POST", api_path(scope, kind.segment), json=body)
        except ApiError as exc:
            if exc.status not in (409, 422):
                raise
            errors = refusals(exc, kind.list_field)
            return await _page(request, staff, scope, kind, values=form, errors=errors, status=exc.status)
        return done_at(f"/console/search/{scope}/{kind.segment}", kind.added(body))

    @router.post(f"/{{scope}}/{kind.segment}/{{row_id}}/delete", name=f"delete_search_{kind.segment}")
    async def delete(request: Request, staff: StaffDep, scope: ScopeId, row_id: RowId) -> Response:
        await form_of(request, staff)
        path = f"{api_path(scope, kind.segment)}/{row_id}"
        await deps_of(request).api.call(staff.token, "DELETE", path)
        return done_at(f"/console/search/{scope}/{kind.segment}", "已删除")


for _kind in KINDS:
    _routes(_kind)


async def _page(
    request: Request,
    staff: Staff,
    scope: str,
    kind: Kind,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    deps = deps_of(request)
    desk = await desk_of(deps, staff, scope)
    listed = await deps.api.call(staff.token, "GET", api_path(scope, kind.segment))
    return pages_of(request).render(
        request,
        f"search/{kind.segment}.html",
        staff,
        status=status,
        desk=desk,
        site=desk.site,
        page=kind.segment,
        rows=listed,
        labels=kind.labels,
        values=values,
        errors=errors,
    )
