"""E-mail to writers and handlers: written into the mails table in the transaction of the step it tells about,
sent afterwards by the mailer through the SMTP relay, retried with backoff; a message names only its reader's
own letter (a department is told that a letter came, never who wrote it)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, quote, unquote, urlsplit

import aiosmtplib

from services.interaction.models import Letter, Mail, SiteEntry
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork
from shared.logs import get_logger

log = get_logger("interaction.mail")
BATCH = 50
MAX_ATTEMPTS = 10
STOP_SECONDS = 25.0  # a message being sent gets its SMTP timeout (20 s) to finish


def site_url(deps: InteractionDeps, site: SiteEntry | None, site_id: str) -> str:
    domain = site.snapshot.get("main_domain", "") if site else ""
    return deps.settings.site_url_template.format(domain=domain, site=site_id).rstrip("/")


def status_link(deps: InteractionDeps, site: SiteEntry | None, letter: Letter) -> str:
    """The letter's page on its site, opened by its 查询码 (for its writer only)."""
    return f"{site_url(deps, site, letter.site_id)}/hdjl/cx/?code={quote(letter.tracking_code)}"


def site_name(site: SiteEntry | None) -> str:
    return site.snapshot.get("name", "") if site else ""


def queue_mail(uow: InteractionUnitOfWork, deps: InteractionDeps, site_id: str, to: str, subject: str, body: str):
    uow.record(Mail, site_id=site_id, recipient=to, subject=subject, body=body, next_attempt_at=deps.now())
    uow.after_commit(deps.wake_mailer.set)


def to_writer(
    uow: InteractionUnitOfWork, deps: InteractionDeps, letter: Letter, site: SiteEntry | None, what: str, text: str
) -> None:
    """A message to the letter's writer about their own letter, with its 查询码 and where to follow it."""
    if not letter.contact_email:
        return
    link = status_link(deps, site, letter)
    body = (
        f"{letter.contact_name}：\n\n{text}\n\n信件标题：{letter.title}\n查询码：{letter.tracking_code}\n"
        f"查询办理进度：{link}\n\n{site_name(site)}\n（本邮件由系统自动发送，请勿直接回复。）\n"
    )
    queue_mail(uow, deps, letter.site_id, letter.contact_email, f"【{site_name(site)}】{what}", body)


def to_handlers(
    uow: InteractionUnitOfWork, deps: InteractionDeps, site_id: str, to: str | None, subject: str, lines: list[str]
) -> None:
    """A notice to a department or the letters office: letter numbers and titles, never the writer."""
    if to:
        body = "\n".join([*lines, "", "请登录工作台「信件办理」处理。", "（本邮件由系统自动发送，请勿直接回复。）"])
        queue_mail(uow, deps, site_id, to, subject, body + "\n")


class Mailer:
    """Sends what the mails table holds through the configured relay; without one, mail waits there."""

    def __init__(self, deps: InteractionDeps) -> None:
        self.deps = deps
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        if self.deps.settings.smtp_url:
            self._task = asyncio.create_task(self._run(), name="interaction:mailer")

    async def stop(self) -> None:
        """Finish the message in hand, then end (a cancellation alone may be eaten by the SMTP client, which
        turns it into a lost connection; the mailer would then go on)."""
        if self._task is None:
            return
        self._stopping = True
        self.deps.wake_mailer.set()
        done, _ = await asyncio.wait({self._task}, timeout=STOP_SECONDS)
        if not done:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                while not self._stopping and await self.send_due():
                    pass
            except Exception as exc:  # the relay is down or the database busy: the next round tries again
                log.error("mailer round failed", error=repr(exc))
            if self._stopping:
                break
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow the cancellation of stop() when the
            # event is set at the same moment, and the mailer then never ends
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.deps.settings.mail_poll_seconds):
                    await self.deps.wake_mailer.wait()
            self.deps.wake_mailer.clear()

    async def send_due(self) -> int:
        """One batch, sent outside any transaction; each sent one marked sent, each failure tried later."""
        async with self.deps.platform_uow() as uow:
            mails = list(await uow.repo.mails_due(self.deps.now(), BATCH))
        outcomes: dict[int, str | None] = {}
        for mail in mails:
            if self._stopping:
                break
            try:
                await self._send(mail)
                outcomes[mail.id] = None
            except (aiosmtplib.SMTPException, OSError) as exc:
                outcomes[mail.id] = repr(exc)[:300]
                log.warning("mail not sent", mail=mail.id, attempts=mail.attempts + 1, error=repr(exc))
        if outcomes:
            await self._record(outcomes)
        return len(mails)

    async def _record(self, outcomes: dict[int, str | None]) -> None:
        async with self.deps.platform_uow() as uow:
            for mail in await uow.repo.mails(outcomes):
                if (error := outcomes[mail.id]) is None:
                    mail.sent_at = self.deps.now()
                else:
                    mail.attempts += 1
                    mail.last_error = error
                    mail.next_attempt_at = self.deps.now() + timedelta(seconds=30 * 2**mail.attempts)
            await uow.commit()

    async def _send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.deps.settings.mail_from, mail.recipient, mail.subject
        message.set_content(mail.body, charset="utf-8")
        await aiosmtplib.send(message, **smtp_options(self.deps.settings.smtp_url or ""), timeout=20)


def smtp_options(url: str) -> dict[str, object]:
    """smtp://user:password@host:port?starttls=true or smtps://… as aiosmtplib's keyword arguments."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    options: dict[str, object] = {
        "hostname": parts.hostname or "127.0.0.1",
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "use_tls": parts.scheme == "smtps",
        "start_tls": query.get("starttls", ["false"])[0] == "true",
    }
    if parts.username:
        options |= {"username": unquote(parts.username), "password": unquote(parts.password or "")}
    return options
