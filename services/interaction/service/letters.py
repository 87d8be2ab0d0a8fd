"""Letters coming in: the public form or a script sends one (no account needed), it is checked, stored with its
attachments and 查询码, told as an event, and its writer and the office get mail."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import filetype
from sqlalchemy import Row

from services.interaction.lifecycle import DISCLOSURE, STATUS_LABELS, Status
from services.interaction.models import Letter, LetterAttachment, UsedCaptcha
from services.interaction.schemas import LetterCreate, LetterReceipt
from services.interaction.screening import fingerprint, sensitive_words
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork
from services.interaction.service.history import record_step
from services.interaction.service.mail import to_handlers, to_writer
from shared.auth import Principal
from shared.errors import InvalidInput, NotFound, PayloadTooLarge, TooManyRequests, UnsupportedMediaType
from shared.logs import get_logger
from shared.tenancy import site_blob_key

log = get_logger("interaction.letters")
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
CODE_LENGTH = 12
ALLOWED_FILES = {"pdf", "jpg", "png", "gif", "doc", "docx", "xls", "xlsx", "zip"}  # by content, not by name


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(code: str) -> str:
    """What people type: spaces, dashes and lower case forgiven."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def client_hash(deps: InteractionDeps, address: str) -> str:
    return hashlib.sha256(deps.settings.secret.get_secret_value().encode() + b"\0" + address.encode()).hexdigest()


async def submit_letter(
    deps: InteractionDeps,
    site_id: str,
    data: LetterCreate,
    *,
    address: str,
    writer: Principal | None = None,
    uploads: list[Upload] | None = None,
) -> LetterReceipt:
    """Check, store and announce one letter; its attachments are removed again if it is not stored."""
    _check_form(data)
    uploads = uploads or []
    _check_uploads(deps, uploads)
    stored = [await _store(deps, site_id, upload) for upload in uploads]  # before the transaction: no lock held
    try:
        async with deps.site_uow(site_id) as uow:
            intake = await _new_letter(uow, deps, site_id, data, address, writer)
            letter = intake.letter
            for upload, key in zip(uploads, stored, strict=True):
                uow.record(
                    LetterAttachment,
                    site_id=site_id,
                    letter_id=letter.id,
                    filename=upload.filename,
                    content_type=upload.content_type,
                    size=len(upload.data),
                    blob_key=key,
                )
            _announce(uow, deps, intake)
            await uow.commit()
    except BaseException:
        for key in stored:
            await deps.blobs.delete(key)
        raise
    status = Status(letter.status)
    return LetterReceipt(
        id=letter.id,
        tracking_code=letter.tracking_code,
        status=status,
        status_label=STATUS_LABELS[status],
        received_at=letter.received_at,
        site_id=site_id,
    )


async def _store(deps: InteractionDeps, site_id: str, upload: Upload) -> str:
    key = site_blob_key(site_id, "letters", uuid.uuid4().hex, _safe_name(upload.filename))
    await deps.blobs.put(key, upload.data, upload.content_type)
    return key


def _check_form(data: LetterCreate) -> None:
    if data.website:
        raise InvalidInput("website", "此项应留空")
    if not (data.phone or data.email or data.address):
        raise InvalidInput("phone", "请至少留下一种联系方式（电话、电子邮箱或通信地址）")
    if data.kind == "disclosure" and not (data.id_number or data.organisation):
        raise InvalidInput("id_number", "申请政府信息公开须提供身份证件号码，或法人、其他组织的名称")
    if (data.kind == "disclosure") != (data.category == DISCLOSURE):
        raise InvalidInput("category", f"依申请公开的申请类别为「{DISCLOSURE}」，来信不能用此类别")


def _check_uploads(deps: InteractionDeps, uploads: list[Upload]) -> None:
    settings = deps.settings
    if len(uploads) > settings.max_attachments:
        raise InvalidInput("attachments", f"最多上传 {settings.max_attachments} 个附件")
    for upload in uploads:
        if len(upload.data) > settings.max_attachment_bytes:
            raise PayloadTooLarge(f"attachments: {upload.filename} 超过 {settings.max_attachment_bytes // 2**20} MB")
        kind = filetype.guess_extension(upload.data) or ("txt" if _is_text(upload.data) else None)
        if kind not in ALLOWED_FILES | {"txt"}:
            raise UnsupportedMediaType(f"attachments: {upload.filename} 不是允许的文件类型（PDF、图片、Office 文档）")


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _safe_name(filename: str) -> str:
    name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename)[-80:]
    return name.lstrip(".") or "file"


@dataclass(frozen=True, slots=True)
class Intake:
    """A letter being taken in, with what was read for it once: its site, the desk's settings, its mailbox."""

    letter: Letter
    site: Row
    settings: Row | None
    addressee: Row


async def _new_letter(
    uow: InteractionUnitOfWork,
    deps: InteractionDeps,
    site_id: str,
    data: LetterCreate,
    address: str,
    writer: Principal | None,
) -> Intake:
    repo = uow.repo
    site = await repo.intake_site(site_id)
    if site is None or site.snapshot.get("status") == "closed":
        raise NotFound(f"没有站点 {site_id}，或它已关停")
    settings = await repo.intake_settings(site_id)
    if settings is not None and settings.captcha:
        await _check_captcha(uow, deps, data)
    hashed = client_hash(deps, address)
    await _check_rate(uow, deps, site_id, hashed)
    addressee = await _addressee(uow, site_id, data.addressee)
    now = deps.now()
    window = now - timedelta(days=deps.settings.duplicate_window_days)
    print_ = fingerprint(site_id, data.title, data.body)
    values = dict(
        site_id=site_id, kind=data.kind, category=data.category, addressee_id=addressee.id,
        title=data.title, body=data.body, contact_name=data.name, contact_phone=data.phone,
        contact_email=data.email, contact_address=data.address or None, id_number=data.id_number,
        organisation=data.organisation or None, submitter=writer.subject if writer else None,
        wants_public=data.public and data.kind == "letter", tracking_code=new_tracking_code(),
        status=Status.SUBMITTED, received_at=now, fingerprint=print_, client_hash=hashed,
        duplicate_of=await repo.intake_duplicate(site_id, print_, window),
        flagged_words=sensitive_words((data.title, data.body), settings.sensitive_words if settings else ()),
        limit_days=0, extended=False, paused_workdays=0, supervised=False, version=1, updated_at=now,
    )  # fmt: skip
    # A Core INSERT, not the session's flush (a third of a submission's cost); the letter the steps and mails
    # below read is a transient copy of the row, never added to the session.
    letter = Letter(id=await repo.insert_letter(values), **values)
    return Intake(letter, site, settings, addressee)


async def _check_captcha(uow: InteractionUnitOfWork, deps: InteractionDeps, data: LetterCreate) -> None:
    nonce = deps.captchas.check(data.captcha_token or "", data.captcha_answer or "", deps.now())
    if nonce is None or await uow.repo.captcha_used(nonce):
        raise InvalidInput("captcha_answer", "验证码不正确或已过期，请换一张重新输入")
    uow.record(UsedCaptcha, nonce=nonce, used_at=deps.now())


async def _check_rate(uow: InteractionUnitOfWork, deps: InteractionDeps, site_id: str, hashed: str) -> None:
    limit = deps.settings.letters_per_hour_per_address
    if limit and await uow.repo.intake_count(site_id, hashed, deps.now() - timedelta(hours=1)) >= limit:
        raise TooManyRequests(f"同一地址一小时内最多提交 {limit} 件，请稍后再试", details={"retry_after": 3600})


async def _addressee(uow: InteractionUnitOfWork, site_id: str, code: str | None) -> Row:
    unit = await uow.repo.intake_unit(site_id, code)
    if unit is None and code is None:
        raise InvalidInput("addressee", "本站尚未开设信箱")
    if unit is None or not unit.active:
        raise InvalidInput("addressee", f"本站没有信箱或部门 {code!r}")
    return unit


def _announce(uow: InteractionUnitOfWork, deps: InteractionDeps, intake: Intake) -> None:
    letter, addressee = intake.letter, intake.addressee
    record_step(
        uow, deps, letter, {addressee.id: addressee}, "receive", actor=f"writer:{letter.id}", actor_name="来信人"
    )
    what = "依申请公开申请" if letter.kind == "disclosure" else "来信"
    received = f"您写给「{addressee.name}」的{what}已收到，我们将尽快受理。"
    to_writer(uow, deps, letter, intake.site, f"您的{what}已收到", received)
    office = intake.settings.office_email if intake.settings else None
    line = f"「{addressee.name}」收到新{what}：第 {letter.id} 号《{letter.title}》，请及时受理。"
    to_handlers(uow, deps, letter.site_id, office, f"新{what}待受理：第 {letter.id} 号", [line])
