"""The migration's job runner as a child process of the consolidated platform: a crawl reads, extracts and stages
pages on the second core while the platform's own loop imports, renders and indexes what it staged (the two meet
in the migration service's outbox and database). Started and stopped with the platform; restarted if it dies, and
the job it was running resumes from its frontier, as after any crash."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from asyncio.subprocess import PIPE

from shared.logs import get_logger
from sitegroup.migration_runner import CHILD
from sitegroup.settings import PlatformSettings, transition_settings

log = get_logger("sitegroup.runner_process")
STOP_GRACE_SECONDS = 30.0  # the crawl ends its round and stages what it read
RESTART_DELAYS = (1.0, 2.0, 5.0, 15.0, 30.0)
DERIVED = ("database_url", "blob_url", "log_level", "log_json")  # what the platform sets for the service
STEADY_SECONDS = 60.0  # a child that ran this long before it died starts the delays over


class RunnerProcess:
    """The migration runner (sitegroup/migration_runner.py) kept running beside the platform, on its data."""

    def __init__(self, platform: PlatformSettings) -> None:
        self.platform = platform
        self._child: asyncio.subprocess.Process | None = None
        self._task: asyncio.Task | None = None
        self._stopping = False

    def wake(self) -> None:
        """A job was created or resumed: the child looks for it now, not at its next poll (a byte on its stdin)."""
        child = self._child
        if child is not None and child.returncode is None and child.stdin is not None:
            with contextlib.suppress(ConnectionError, RuntimeError):  # it just died: its successor looks anyway
                child.stdin.write(b"w")

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._keep_running(), name="migration-runner-process")

    async def stop(self) -> None:
        self._stopping = True
        child = self._child
        if child is not None and child.returncode is None:
            child.terminate()
            try:
                await asyncio.wait_for(child.wait(), STOP_GRACE_SECONDS)
            except TimeoutError:
                log.warning("migration runner did not stop in time; killed", pid=child.pid)
                child.kill()
                await child.wait()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _keep_running(self) -> None:
        failures = 0
        while not self._stopping:
            began = time.monotonic()
            self._child = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "sitegroup.migration_runner", env=self._environment(), stdin=PIPE
            )
            code = await self._child.wait()
            if self._stopping:
                return
            if time.monotonic() - began > STEADY_SECONDS:
                failures = 0
            delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS) - 1)]
            log.error("migration runner exited; restarting", code=code, restart_in_s=delay)
            failures += 1
            await asyncio.sleep(delay)

    def _environment(self) -> dict[str, str]:
        """The migration service's settings as the platform made them (from its environment, or in code by a
        test): the child reads them as a service alone does, without loading the other services."""
        made = transition_settings(self.platform)
        given = {name: getattr(made, name) for name in DERIVED}
        derived = {
            f"TRANSITION_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v) for k, v in given.items()
        }
        return {**os.environ, **derived, CHILD: "1"}


def _env_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
