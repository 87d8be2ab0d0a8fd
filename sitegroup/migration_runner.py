"""The migration's job runner alone, as a process: `sitegroup migration-runner` (distributed mode: beside the
migration service run with TRANSITION_RUNNER_ENABLED=false), or the consolidated platform's child
(sitegroup/runner_process.py), started as `python -m sitegroup.migration_runner` so it loads the migration service
and nothing else. Its settings are the service's own (environment prefix TRANSITION_)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable

from services.transition import TransitionSettings, runner_alone
from shared.logs import configure_logging, get_logger
from shared.memory import collect_less_often

log = get_logger("transition.runner_alone")
CHILD = "SITEGROUP_RUNNER_CHILD"  # set by the platform that started this process
# A crawl is bulk work: where it shares a core with the platform, the platform's loop (the sites' pages, and the
# import of what the crawl staged, which is the slower half) goes first.
CHILD_NICENESS = 10


def migration_runner() -> None:
    """Run only the migration's job runner, on the migration service's settings (environment prefix TRANSITION_)."""
    settings = TransitionSettings()
    configure_logging(settings.log_level, json=settings.log_json)
    collect_less_often()
    asyncio.run(run_alone(settings))


async def run_alone(settings: TransitionSettings) -> None:
    """Until SIGTERM or SIGINT: the crawl ends its round and stages what it read. As the platform's child it also
    stops when its parent is gone (its stdin closes), and looks for a job at once when the parent writes a byte."""
    if os.environ.get(CHILD):
        os.nice(CHILD_NICENESS)
    loop, stopping = asyncio.get_running_loop(), asyncio.Event()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stopping.set)
    async with runner_alone(settings) as runner:
        waiting = [asyncio.create_task(stopping.wait())]
        if os.environ.get(CHILD):
            waiting.append(asyncio.create_task(_hear_parent(runner.wake)))
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waiting:
                task.cancel()


async def _hear_parent(wake: Callable[[], None]) -> None:
    """The platform's wake-ups, one byte each, on stdin; its end (the platform stopped or died) ends the runner."""
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.read(64):
        wake()
    log.info("the platform is gone; the migration runner stops")


if __name__ == "__main__":
    migration_runner()
