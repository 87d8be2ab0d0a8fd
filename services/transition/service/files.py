"""An article's files for a run: each legacy file downloaded once however many pages link it (the run remembers
the last few thousand it copied), only from the legacy hosts, as LegacyFiles the content library adopts."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import select

from services.transition.extract import ExtractedPage
from services.transition.models import PushedFile
from services.transition.service.context import TransitionDeps
from services.transition.sources.files import CopiedFile, FileCopier, FileProblem
from shared.events.transition import LegacyFile
from shared.legacy_urls import hosted_key

REMEMBERED = 5000  # files a run keeps in mind: a site's logos and shared forms, not its whole archive


@dataclass
class Copied:
    files: list[LegacyFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


class Files:
    def __init__(self, copier: FileCopier | PushedCopier) -> None:
        self.copier = copier
        self._copied: OrderedDict[str, CopiedFile | FileProblem] = OrderedDict()

    async def copy_all(self, page: ExtractedPage, hosts: frozenset[str]) -> Copied:
        result = Copied()
        for link in page.links:
            if link.kind not in ("attachment", "image") or (urlsplit(link.url).hostname or "") not in hosts:
                continue
            got = await self._copy(link.url)
            if isinstance(got, FileProblem):
                result.problems.append(got)
            else:
                result.files.append(
                    LegacyFile(legacy_url=link.url, blob_key=got.blob_key, filename=got.filename,
                               media_type=got.media_type, size=got.size, sha256=got.sha256)
                )  # fmt: skip
        return result

    async def _copy(self, url: str) -> CopiedFile | FileProblem:
        if url in self._copied:
            self._copied.move_to_end(url)
            return self._copied[url]
        got = await self.copier.copy(url)
        self._copied[url] = got
        if len(self._copied) > REMEMBERED:
            self._copied.popitem(last=False)
        return got


class PushedCopier:
    """A pushed job's files (PUT …/files): looked up among what its client pushed instead of downloaded, so a
    mirror's PDF is adopted as a crawled one is; a file the client did not push is refused with the reason."""

    def __init__(self, deps: TransitionDeps, site_id: str, job_id: int) -> None:
        self.deps, self.site_id, self.job_id = deps, site_id, job_id

    async def copy(self, url: str) -> CopiedFile | FileProblem:
        stmt = select(PushedFile).where(PushedFile.job_id == self.job_id, PushedFile.legacy_key == hosted_key(url))
        async with self.deps.site_uow(self.site_id) as uow:
            row = await uow.session.scalar(stmt)
        if row is None:
            return FileProblem(url, "未上传该文件（镜像或导出中没有）")
        return CopiedFile(url, row.blob_key, row.filename, row.media_type, row.size, row.sha256)
