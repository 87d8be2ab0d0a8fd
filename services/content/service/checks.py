"""Pre-publish checks: sensitive words and serious wording errors from editable dictionaries, and
internal links that lead nowhere. Any finding blocks publication (严重表述错误 fail the whole site)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import urlsplit

from sqlalchemy import Row

from services.content.models import PlatformCheckTerm, SiteCheckTerm
from services.content.sanitize import html_to_text
from services.content.schemas.documents import CheckFinding, CheckReport
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork
from services.content.service.lookups import document_or_404
from services.content.service.permissions import require_staff
from shared.errors import Unprocessable

_TEXT_FIELDS = ("title", "subtitle", "summary", "author", "source", "document_number", "issuing_body")
_API_ATTACHMENT = re.compile(r"^/api/v1/content/sites/([a-z][a-z0-9-]{1,39})/attachments/(\d+)(/content)?$")
_PUBLIC_FILE = re.compile(r"^/files/([A-Za-z0-9_-]{16,32})/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value.strip())


def _excerpt(text: str, start: int, length: int) -> str:
    return text[max(0, start - 12) : start + length + 12]


def _term_findings(doc: Row, terms: Iterable[PlatformCheckTerm | SiteCheckTerm]) -> list[CheckFinding]:
    texts = {f: getattr(doc, f) or "" for f in _TEXT_FIELDS}
    texts["body_html"] = html_to_text(doc.body_html)
    texts["keywords"] = " ".join(doc.keywords or [])
    findings = []
    for term in terms:
        for field, text in texts.items():
            if (at := text.find(term.term)) >= 0:
                findings.append(
                    CheckFinding(
                        kind=term.kind,
                        field=field,
                        term=term.term,
                        suggestion=term.suggestion,
                        excerpt=_excerpt(text, at, len(term.term)),
                    )
                )
    return findings


async def _link_findings(uow: ContentUnitOfWork, doc: Row) -> list[CheckFinding]:
    """Links to our own sites (relative, or to any platform host) must reach something live."""
    parser = _Links()
    parser.feed(doc.body_html)
    if not parser.urls:
        return []
    hosts = await uow.repo.all_hosts()
    own_domains = {d.host for d in await uow.repo.domains([doc.site_id])}
    findings = []
    for url in parser.urls:
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel") or url.startswith("#"):
            continue
        host = (parts.hostname or "").lower()
        if host and host not in hosts:
            continue  # an external link: the monitor checks those, not the editor
        site_id = doc.site_id if not host or host in own_domains else (await uow.repo.domain(host)).site_id
        if not await _resolves(uow, site_id, parts.path or "/"):
            findings.append(
                CheckFinding(
                    kind="broken_link",
                    field="body_html",
                    term=url,
                    excerpt=f"{url} 不指向平台上在用的页面或文件",
                )
            )
    return findings


async def _resolves(uow: ContentUnitOfWork, site_id: str, path: str) -> bool:
    if path in ("", "/"):
        return True
    if match := _API_ATTACHMENT.match(path):
        return bool(await uow.repo.attachments([int(match.group(2))], site_id=match.group(1)))
    if match := _PUBLIC_FILE.match(path):  # the site's own file: public once this document goes live
        return await uow.repo.attachment_by_public_id(match.group(1), site_id=site_id) is not None
    if path.endswith((".html", ".htm")):
        return bool(await uow.repo.live_url_paths(site_id, [path]))
    channel_path = path.strip("/").removesuffix("/index.html").strip("/")
    return await uow.repo.channel_by_path(site_id, channel_path) is not None


async def findings_for(uow: ContentUnitOfWork, doc: Row) -> list[CheckFinding]:
    terms = await uow.repo.check_terms(doc.site_id)
    return [*_term_findings(doc, terms), *await _link_findings(uow, doc)]


async def enforce_checks(uow: ContentUnitOfWork, doc: Row) -> None:
    """Refuse publication with the full list of findings; the caller's transaction is rolled back."""
    findings = await findings_for(uow, doc)
    if findings:
        raise Unprocessable(
            f"发布前检查发现 {len(findings)} 个问题，请修改后重新提交",
            code="checks_failed",
            details=[f.model_dump() for f in findings],
        )


async def check_document(deps: ContentDeps, actor: Actor, site_id: str, doc_id: int) -> CheckReport:
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id)
        require_staff(actor, site_id, doc.channel_id)
        findings = await findings_for(uow, doc)
        return CheckReport(passed=not findings, findings=findings)
