"""Analysis beside the event loop: segmenting and spelling a batch of documents is pure CPU (most of what
indexing costs), so where the machine has a core to spare, worker processes do it while the service's own
process goes on taking events and answering queries."""

from __future__ import annotations

import asyncio

from services.search.analysis import Analyzer
from services.search.analysis.segment import default_terms
from services.search.engines.base import IndexDoc
from services.search.service.documents import IndexJob, index_docs_for
from shared.cpu import WorkerPool

_worker_analyzer: Analyzer | None = None  # in a worker process: its own analyzer, made at its first batch


class AnalysisPool:
    """Builds the index documents of a batch of entries, in `workers` processes (0: in this process)."""

    def __init__(self, analyzer: Analyzer, workers: int) -> None:
        self.analyzer = analyzer
        self.workers = workers
        self._defaults = frozenset(default_terms())
        self._pool = WorkerPool("search.analysis", workers)

    async def build(self, jobs: list[IndexJob], levels: dict[str, str], texts: dict[str, str]) -> list[list[IndexDoc]]:
        """Each job's index documents, in the jobs' order."""
        if self.workers == 0 or len(jobs) < 2:
            return [index_docs_for(job, levels=levels, texts=texts, analyzer=self.analyzer) for job in jobs]
        extra = tuple(sorted(self.analyzer.terms - self._defaults))  # words added at run time (synonyms)
        size = -(-len(jobs) // self.workers)
        chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
        built = await asyncio.gather(
            *(self._pool.run(_build_in_worker, extra, chunk, levels, texts) for chunk in chunks)
        )
        return [docs for chunk in built for docs in chunk]

    async def warm(self) -> None:
        """Start the workers and load their dictionaries now (~2 s of CPU each), at start-up, not beside the first
        batch of documents, when an import is under way and the machine has no core to spare."""
        if self.workers:
            await asyncio.gather(*(self._pool.run(_warm_worker) for _ in range(self.workers)))

    @property
    def pool(self) -> WorkerPool:
        """The worker processes, for other pure CPU work of the service (an attachment's text)."""
        return self._pool

    def pids(self) -> list[int]:
        return self._pool.pids()

    def close(self) -> None:
        self._pool.close()


def _warm_worker() -> None:
    _analyzer_here().index_tokens("肥西县人民政府关于开展安全生产专项检查的通知")


def _analyzer_here() -> Analyzer:
    global _worker_analyzer
    if _worker_analyzer is None:
        _worker_analyzer = Analyzer()
    return _worker_analyzer


def _build_in_worker(
    extra: tuple[str, ...], jobs: list[IndexJob], levels: dict[str, str], texts: dict[str, str]
) -> list[list[IndexDoc]]:
    analyzer = _analyzer_here()
    analyzer.add_terms(extra)
    return [index_docs_for(job, levels=levels, texts=texts, analyzer=analyzer) for job in jobs]
