"""The public side of the desk (no account needed): sending a letter, following it by its 查询码, rating the
answer, the published letters, statistics and CAPTCHAs."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from services.interaction.api.deps import CodePath, Deps, IdPath, PageNo, PageSize, SitePath, Writer, client_address
from services.interaction.schemas import (
    Captcha,
    LetterClaim,
    LetterCreate,
    LetterForm,
    LetterReceipt,
    LetterStatusView,
    MyLetter,
    Page,
    PublicLetter,
    RatingCreate,
    Statistics,
    SupplementCreate,
)
from services.interaction.service import letters, public, writers
from services.interaction.service.context import BEIJING
from services.interaction.service.letters import Upload
from shared.errors import InvalidInput, NotFound, Unauthenticated, UnsupportedMediaType
from shared.web import CurrentPrincipal

PREFIX = "/api/v1/interaction"
router = APIRouter(prefix=PREFIX)
LETTER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/LetterCreate"}},
            "multipart/form-data": {
                "schema": {
                    "allOf": [{"$ref": "#/components/schemas/LetterCreate"}],
                    "properties": {"attachments": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                }
            },
        },
    }
}
NOT_FOUND = {404: {"description": "no such site, letter or 查询码"}}


@router.post(
    "/sites/{site_id}/letters",
    status_code=201,
    response_model=LetterReceipt,
    summary="Send a letter or a 依申请公开 request (JSON, or a form with attachments)",
    tags=["interaction/letters"],
    openapi_extra=LETTER_BODY,
    responses={**NOT_FOUND, 413: {"description": "an attachment too large"}, 429: {"description": "too many"}},
)
async def submit(deps: Deps, site_id: SitePath, request: Request, writer: Writer) -> LetterReceipt:
    data, uploads = await _letter_of(request)
    return await letters.submit_letter(
        deps, site_id, data, address=client_address(request, deps), writer=writer, uploads=uploads
    )


async def _letter_of(request: Request) -> tuple[LetterCreate, list[Upload]]:
    """The letter from a JSON body or a form; a bad field answers 422 naming it."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    uploads: list[Upload] = []
    if kind == "application/json":
        try:
            raw: Any = json.loads(await request.body())
        except ValueError:
            raise InvalidInput("body", "不是有效的 JSON") from None
    elif kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.form(max_files=20, max_fields=50)
        raw = {k: v for k, v in form.multi_items() if not isinstance(v, UploadFile) and v != ""}
        raw["public"] = raw.get("public", "false") in ("true", "on", "1", "yes")
        for item in form.getlist("attachments"):
            if isinstance(item, UploadFile) and item.filename:
                uploads.append(
                    Upload(item.filename, item.content_type or "application/octet-stream", await item.read())
                )
    else:
        raise UnsupportedMediaType("body: 请以 application/json 或 multipart/form-data 提交")
    if not isinstance(raw, dict):
        raise InvalidInput("body", "应是一个对象")
    try:
        return LetterCreate.model_validate(raw), uploads
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


@router.get("/sites/{site_id}/letters/form", response_model=LetterForm, tags=["interaction/letters"],
            summary="What the letter form offers on a site: mailboxes, categories, whether it asks a CAPTCHA",
            responses=NOT_FOUND)  # fmt: skip
async def letter_form(deps: Deps, site_id: SitePath) -> LetterForm:
    return await public.letter_form(deps, site_id)


@router.get("/letters/by-code/{tracking_code}", response_model=LetterStatusView, tags=["interaction/letters"],
            summary="A letter's status and history by its 查询码 (nothing private)", responses=NOT_FOUND)  # fmt: skip
async def by_code(deps: Deps, tracking_code: CodePath) -> LetterStatusView:
    return await writers.letter_by_code(deps, tracking_code)


@router.post("/letters/by-code/{tracking_code}/rating", response_model=LetterStatusView, tags=["interaction/letters"],
             summary="The writer rates the answer (满意, 基本满意, 不满意)", responses=NOT_FOUND)  # fmt: skip
async def rate(deps: Deps, tracking_code: CodePath, body: RatingCreate) -> LetterStatusView:
    return await writers.rate_letter(deps, tracking_code, body)


@router.post("/letters/by-code/{tracking_code}/supplement", response_model=LetterStatusView,
             tags=["interaction/letters"], summary="The writer adds what was asked", responses=NOT_FOUND)  # fmt: skip
async def supplement(deps: Deps, tracking_code: CodePath, body: SupplementCreate) -> LetterStatusView:
    return await writers.supplement_letter(deps, tracking_code, body)


@router.get("/my/letters", response_model=list[MyLetter], tags=["interaction/letters"],
            summary="The signed-in citizen's or legal person's own letters")  # fmt: skip
async def mine(deps: Deps, principal: CurrentPrincipal) -> list[MyLetter]:
    if principal.subject.startswith("system:"):
        raise Unauthenticated("需要以来信人的账号登录")
    return await writers.my_letters(deps, principal)


@router.post("/my/letters", response_model=MyLetter, tags=["interaction/letters"],
             summary="Add a letter sent without an account to one's own, by its 查询码",
             responses={**NOT_FOUND, 409: {"description": "the letter is already in another account"}})  # fmt: skip
async def claim(deps: Deps, principal: CurrentPrincipal, body: LetterClaim) -> MyLetter:
    if principal.subject.startswith("system:"):
        raise Unauthenticated("需要以来信人的账号登录")
    return await writers.claim_letter(deps, principal, body.tracking_code)


@router.get("/sites/{site_id}/letters/public", response_model=Page[PublicLetter], tags=["interaction/letters"],
            summary="A site's answered letters that are published (personal data masked)")  # fmt: skip
async def published(deps: Deps, site_id: SitePath, page: PageNo = 1, size: PageSize = 20) -> Page[PublicLetter]:
    return await public.published_letters(deps, site_id, page, size)


@router.get("/sites/{site_id}/letters/public/{letter_id}", response_model=PublicLetter, tags=["interaction/letters"],
            summary="One published letter with its answer", responses=NOT_FOUND)  # fmt: skip
async def published_one(deps: Deps, site_id: SitePath, letter_id: IdPath) -> PublicLetter:
    return await public.published_letter(deps, site_id, letter_id)


@router.get("/sites/{site_id}/letters/statistics", response_model=Statistics, tags=["interaction/letters"],
            summary="Received, answered, on time and satisfaction, by department, month and category")  # fmt: skip
async def stats(
    deps: Deps, site_id: SitePath, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Statistics:
    return await public.statistics(deps, site_id, year or deps.now().astimezone(BEIJING).year)


@router.post("/captchas", response_model=Captcha, status_code=201, tags=["interaction/letters"],
             summary="A CAPTCHA challenge for the letter form of a site that asks for one")  # fmt: skip
async def new_captcha(deps: Deps) -> Captcha:
    token = deps.captchas.issue(deps.now())
    return Captcha(token=token, image=f"{PREFIX}/captchas/{token}.png")


@router.get("/captchas/{token}.png", tags=["interaction/letters"], summary="The challenge's image",
            response_class=Response, responses={200: {"content": {"image/png": {}}}, **NOT_FOUND})  # fmt: skip
async def captcha_image(deps: Deps, token: Annotated[str, Path(max_length=100)]) -> Response:
    image = deps.captchas.image(token)
    if image is None:
        raise NotFound("没有这个验证码")
    return Response(image, media_type="image/png", headers={"cache-control": "no-store"})
