"""A running job's progress is counted at most every so often; a job whose state changed is counted afresh."""

from __future__ import annotations

from types import SimpleNamespace

from services.transition.service import progress as progress_module
from services.transition.service.progress import ProgressCounts


class CountingRepo:
    def __init__(self) -> None:
        self.calls = 0
        self.imported = 0

    async def counts(self, job_id: int) -> dict[tuple[str, str], int]:
        self.calls += 1
        return {("document", "imported"): self.imported, ("document", "staged"): 3, ("list", "done"): 2}


async def test_a_running_jobs_counts_are_reused_and_a_finished_jobs_are_not(monkeypatch) -> None:
    repo = CountingRepo()
    job = SimpleNamespace(id=7, run=1, state="running", pages=12)
    counts = ProgressCounts()
    monkeypatch.setattr(progress_module, "REUSE_FACTOR", 1e9)  # however fast the count, reuse it (capped)
    first = await counts.progress(repo, job)
    repo.imported = 40
    again = await counts.progress(repo, job)
    assert repo.calls == 1 and again == first and first.staged == 3 and first.lists == 2

    job.state = "done"  # a state changed: counted at once, and a finished job every time
    done = await counts.progress(repo, job)
    assert repo.calls == 2 and done.imported == 40
    await counts.progress(repo, job)
    assert repo.calls == 3

    monkeypatch.setattr(progress_module, "REUSE_SECONDS", 0.0)  # the moment is over: counted again
    job.state, job.run = "running", 2
    await counts.progress(repo, job)
    await counts.progress(repo, job)
    assert repo.calls == 5
