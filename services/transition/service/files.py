"""An article's files for a run: each legacy file downloaded once however many pages link it (the run remembers
the last few thousand it copied), only from the legacy hosts, as LegacyFiles the content library adopts."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from services.transition.extract import ExtractedPage
from services.transition.sources.files import CopiedFile, FileCopier, FileProblem
from shared.events.transition import LegacyFile

REMEMBERED = 5000  # files a run keeps in mind: a site's logos and shared forms, not its whole archive


@dataclass
class Copied:
    files: list[LegacyFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


class Files:
    def __init__(self, copier: FileCopier) -> None:
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
