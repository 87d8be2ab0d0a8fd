"""What the benchmarks share: the backends to run on, throwaway databases and Kafka namespaces, demo
content (Chinese titles and bodies from the demo corpus), percentiles, and rich/JSON output."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shlex
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db.migrate import Schema
from shared.testing import Backends

ROOT = Path(__file__).resolve().parent.parent
BACKENDS_ENV_FILE = ROOT / "var" / "backends" / "env"
CODE_DIRS = ("shared", "services", "gateway", "sitegroup")  # what a measured commit's "+dirty" refers to
console = Console(width=None if sys.stdout.isatty() else 150)


# backends ------------------------------------------------------------------------------------------
def real_backends(*, read_env_file: bool) -> Backends | None:
    """PostgreSQL + Kafka from SG_TEST_* (or, when asked, from the file scripts/backends/up.sh writes)."""
    found = Backends.from_env()
    if found.database_url and found.bus_url:
        return found
    if read_env_file and BACKENDS_ENV_FILE.exists():
        values: dict[str, str] = {}
        for line in BACKENDS_ENV_FILE.read_text().splitlines():
            parts = shlex.split(line)
            if len(parts) == 2 and parts[0] == "export" and "=" in parts[1]:
                key, _, value = parts[1].partition("=")
                values[key] = value
        if values.get("SG_TEST_DATABASE_URL") and values.get("SG_TEST_BUS_URL"):
            console.print(f"[dim]using the backends named in {BACKENDS_ENV_FILE.relative_to(ROOT)}[/]")
            return Backends(
                values["SG_TEST_DATABASE_URL"],
                values["SG_TEST_BUS_URL"],
                values.get("SG_TEST_BLOB_URL"),
                values.get("SG_TEST_KAFKA_CTL"),
            )
    return None


def kafka_bootstrap(bus_url: str) -> str:
    return bus_url.removeprefix("kafka://").split("?", 1)[0]


def new_namespace(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


async def require_kafka(bus_url: str, wait_seconds: float = 15.0) -> None:
    """Fail fast (instead of the bus's endless reconnect warnings) when the broker does not answer."""
    import asyncio

    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap(bus_url), client_id="sitegroup-bench")
    try:
        await asyncio.wait_for(admin.start(), wait_seconds)
    except Exception as exc:
        raise SystemExit(
            f"Kafka at {kafka_bootstrap(bus_url)} does not answer ({exc!r}); scripts/backends/kafka.sh status"
        ) from None
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


async def delete_kafka_namespace(bus_url: str, namespace: str) -> None:
    """Best effort: drop the topics and consumer groups a run left under its namespace."""
    from shared.testing import Backends

    try:
        await Backends(None, bus_url, None, None).drop_namespace(namespace)
    except Exception as exc:  # cleanup only
        console.print(f"[yellow]could not clean Kafka namespace {namespace}: {exc!r}[/]")


@contextlib.asynccontextmanager
async def fresh_database(
    kind: str,
    workdir: Path,
    label: str,
    *,
    admin_url: str | None = None,
    schema: Schema | None = None,
) -> AsyncIterator[str]:
    """A new database for one run (an SQLite file, or a PostgreSQL database dropped afterwards), migrated to
    a service's schema if given."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / f'{label}-{uuid.uuid4().hex[:6]}.db'}"
        if schema is not None:
            await schema.upgrade(url)
        yield url
        return
    assert admin_url is not None, "PostgreSQL needs an admin URL (SG_TEST_DATABASE_URL)"
    name = f"sgbench_{label}_{uuid.uuid4().hex[:8]}"
    await _pg_admin(admin_url, f'CREATE DATABASE "{name}"')
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        if schema is not None:
            await schema.upgrade(url)
        yield url
    finally:
        await _pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _pg_admin(admin_url: str, statement: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


# demo content --------------------------------------------------------------------------------------
def demo_sites(count: int):
    """The first `count` sites of the demo province (parents come first in PROVINCE)."""
    from sitegroup.demo.province import PROVINCE

    chosen = list(PROVINCE[: max(1, min(count, len(PROVINCE)))])
    ids = {s.id for s in chosen}
    for site in chosen:
        if site.parent_id is not None and site.parent_id not in ids:
            raise ValueError(f"site {site.id} needs its parent {site.parent_id} among the first {count}")
    return chosen


def site_body(site) -> dict[str, Any]:
    """The POST /sites body of a demo site (what sitegroup.demo.seed creates)."""
    return {
        "id": site.id,
        "name": site.name,
        "abbreviation": site.abbreviation[:20],
        "host_unit": site.host_unit,
        "site_code": site.site_code,
        "org_code": site.org_code,
        "icp_number": site.icp_number,
        "police_number": site.police_number,
        "level": site.level,
        "parent_id": site.parent_id,
        "main_domain": site.main_domain,
        "status": "online",
        "contact_phone": site.phone,
    }


def site_articles(site) -> list:
    """The demo articles of one site (Chinese titles and bodies cut from sitegroup/demo/seedtexts)."""
    from sitegroup.demo.corpus import articles_for_site

    return articles_for_site(site.site_code, site.abbreviation, site.documents)


def document_body(article, channels: dict[str, int], *, submit: bool = True) -> dict[str, Any]:
    """The POST /documents body of a demo article (the same fields sitegroup.demo.seed fills)."""
    from sitegroup.demo.province import CHANNEL_FOR_KIND

    policy = article.kind == "policy"
    body: dict[str, Any] = {
        "channel_id": channels[CHANNEL_FOR_KIND[article.kind]],
        "title": article.title,
        "subtitle": article.subtitle or None,
        "body_html": "".join(f"<p>{p}</p>" for p in article.paragraphs),
        "summary": article.summary,
        "author": article.author or None,
        "source": article.source,
        "keywords": list(article.keywords),
        "document_number": article.doc_number or None,
        "issuing_body": article.source if policy else None,
        "topic_category": article.topic_category or None,
        "subject_words": list(article.subject_words) or None,
        "submit": submit,
    }
    return {k: v for k, v in body.items() if v is not None}


# statistics ----------------------------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(seconds: Iterable[float]) -> dict[str, float]:
    """n, mean, p50, p95, p99 and max of durations given in seconds, in milliseconds."""
    values = [s * 1000 for s in seconds]
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "mean": sum(values) / len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values),
    }


# output --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Target:
    value: float
    higher_is_better: bool
    unit: str

    def met(self, measured: float) -> bool:
        return measured >= self.value if self.higher_is_better else measured <= self.value

    def label(self) -> str:
        return f"{'≥' if self.higher_is_better else '≤'} {self.value:g} {self.unit}"

    def verdict(self, measured: float) -> Text:
        ok = self.met(measured)
        return Text(f"{self.label()}  {'✓ met' if ok else '✗ missed'}", style="green" if ok else "bold red")


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:  # NaN
        return "–"
    return f"{value:,.{digits}f}"


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = ""
    with contextlib.suppress(Exception):
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(  # the measured code only: bench/ and docs do not make a run "dirty"
            ["git", "status", "--porcelain", "--", *CODE_DIRS], cwd=ROOT, capture_output=True, text=True
        ).stdout
        if dirty.strip():
            diff = subprocess.run(
                ["git", "diff", "HEAD", "--", *CODE_DIRS],
                cwd=ROOT,
                capture_output=True,
            ).stdout
            commit += f"+dirty(diff sha1 {hashlib.sha1(diff).hexdigest()[:10]})"
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "commit": commit,
        "loadavg_1m_5m_15m": list(os.getloadavg()),
        **BUSY_AT_START,
    }


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all cores busy over the next `seconds` (from /proc/stat), before a benchmark starts."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    with contextlib.suppress(OSError, ValueError, IndexError):
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
        return 1 - (idle1 - idle0) / max(1, total1 - total0)
    return float("nan")


def cpu_probe(rounds: int = 3) -> float:
    """ms for a fixed pure-Python workload (dicts, json, str), best of `rounds`: how fast a core is right now.

    An idle guest can still be slowed down by its host; a probe ~8 % slower than usual went with publish
    runs 20-25 % slower on the 2-core VM these figures come from, while /proc/stat showed nothing busy."""
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        d = {str(i): json.dumps({"a": i, "b": [i, i + 1]}) for i in range(300_000)}
        hashlib.sha1("".join(d.values()).encode()).hexdigest()
        best = min(best, time.perf_counter() - began)
    return 1000 * best


BUSY_AT_START: dict[str, float] = {}


def warn_if_busy() -> None:
    """The figures are only meaningful on an otherwise idle machine (these have 2 cores)."""
    busy = cpu_busy()
    BUSY_AT_START["cpu_busy_before_start"] = busy
    if busy > 0.15:
        console.print(f"[yellow]{busy:.0%} of the CPU is busy with other processes: figures will be low and noisy[/]")
    probe = cpu_probe()
    BUSY_AT_START["cpu_probe_ms"] = probe
    console.print(f"[dim]CPU probe (fixed pure-Python workload, best of 3): {probe:.0f} ms[/]")


def portable(text: str) -> str:
    """This machine's paths as the repository names them: relative to it, or to ../shared beside it."""
    return text.replace(f"{ROOT.parent}/shared/", "../shared/").replace(f"{ROOT}/", "")


def write_json(path: Path | None, payload: dict[str, Any]) -> None:
    """The results, with no absolute path of this machine in them (they are committed)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
    path.write_text(portable(text), encoding="utf-8")
    console.print(f"[dim]wrote {portable(str(path.resolve()))}[/]")


def quiet_logs() -> None:
    """Warnings and errors only: the benchmarks print tables, not access logs."""
    from shared.logs import configure_logging

    configure_logging("WARNING", json=False)
