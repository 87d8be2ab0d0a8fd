#!/usr/bin/env python3
"""Prove the real backends started by scripts/backends/up.sh, with the project's clients.

    scripts/backends/up.sh && .venv/bin/python scripts/backends/check.py

- PostgreSQL (asyncpg): create a database and a table, insert and select Chinese text.
- Kafka (aiokafka): idempotent acks=all producer, 1000 messages to a new topic, consumed
  by a consumer group that commits; then an outage: `kafka.sh stop`, a produce fails,
  `kafka.sh start`, and the messages and the group's committed offsets are still there.
- S3 (minio): make a bucket, put/get an object with a Chinese key, fetch it through a
  presigned URL with httpx, check that a wrong secret is refused, remove everything.
- Elasticsearch (httpx, its REST API): an index whose text field uses the `whitespace`
  analyzer (Chinese segmented before indexing, as the search service will do), 100 documents
  through _bulk, a match query with highlighting, a terms aggregation, an alias; then the
  index is deleted.

Reads SG_TEST_DATABASE_URL, SG_TEST_BUS_URL, SG_TEST_BLOB_URL, SG_TEST_KAFKA_CTL and
SG_TEST_SEARCH_URL (defaults: the values up.sh writes). Exits 1 when any check fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:  # the clients are imported where they are used, so one missing client fails only its check
    import httpx
    from aiokafka import AIOKafkaProducer
    from minio import Minio

HERE = Path(__file__).resolve().parent
VAR = HERE.parent.parent / "var" / "backends"

DATABASE_URL = os.environ.get("SG_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:55432/postgres")
BUS_URL = os.environ.get("SG_TEST_BUS_URL", "kafka://127.0.0.1:19092")
BLOB_URL = os.environ.get(
    "SG_TEST_BLOB_URL",
    "s3://minioadmin:minioadmin@127.0.0.1:18333/sitegroup-test?secure=false",
)
KAFKA_CTL = os.environ.get("SG_TEST_KAFKA_CTL", str(HERE / "kafka.sh"))
SEARCH_URL = os.environ.get("SG_TEST_SEARCH_URL", "http://127.0.0.1:19250")

N_MESSAGES = 1000
KAFKA_TOTAL = N_MESSAGES + 100  # what the produce step writes: the pipelined batch and 100 one by one
TEXT = "中文测试"

results: list[tuple[str, bool, str]] = []
timings: list[tuple[str, float]] = []


def record(name: str, ok: bool, detail: str) -> None:
    results.append((name, ok, detail))
    print(f"  {'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)


# --------------------------------------------------------------------------- PostgreSQL


class PostgresRead(NamedTuple):
    """What the check database gave back, read before it is dropped."""

    got: str
    count: int
    encoding: str
    max_conn: str


async def check_postgres() -> None:
    """Create a database, write and read Chinese text in it, and drop it again."""
    import asyncpg

    dsn = DATABASE_URL.replace("postgresql+asyncpg://", "postgresql://", 1)
    db = f"sg_check_{uuid.uuid4().hex[:8]}"
    t0 = time.perf_counter()
    admin = await asyncpg.connect(dsn)
    try:
        version = await admin.fetchval("show server_version")
        await admin.execute(f"create database \"{db}\" encoding 'UTF8' template template0")
        try:
            read = await postgres_round_trip(dsn.rsplit("/", 1)[0] + "/" + db)
        finally:
            await admin.execute(f'drop database "{db}"')
    finally:
        await admin.close()
    ok = read.got == f"{TEXT} 0" and read.count == 100 and read.encoding == "UTF8"
    record(
        "postgres",
        ok,
        f"PostgreSQL {version}, create database + table, 100 rows, "
        f"select {read.got!r}, encoding {read.encoding}, max_connections {read.max_conn} "
        f"({time.perf_counter() - t0:.2f}s)",
    )


async def postgres_round_trip(dsn: str) -> PostgresRead:
    """A table of 100 Chinese titles in the given database, and what reading them back gives."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("create table notice (id bigserial primary key, title text not null)")
        await conn.executemany("insert into notice (title) values ($1)", [(f"{TEXT} {i}",) for i in range(100)])
        return PostgresRead(
            got=await conn.fetchval(
                "select title from notice where title like $1 order by id limit 1",
                f"{TEXT}%",
            ),
            count=await conn.fetchval("select count(*) from notice"),
            encoding=await conn.fetchval("show server_encoding"),
            max_conn=await conn.fetchval("show max_connections"),
        )
    finally:
        await conn.close()


# --------------------------------------------------------------------------- Kafka


def kafka_ctl(cmd: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([KAFKA_CTL, cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout.splitlines():
        print(f"    | {line}", flush=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{KAFKA_CTL} {cmd} exited {proc.returncode}")
    return time.perf_counter() - t0


async def consume_all(bootstrap: str, topic: str, group: str, expect: int, commit: bool):
    """Consume until `expect` messages arrived (or 30 s); commit when asked."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        deadline = time.monotonic() + 30
        while (len(values) < expect or not consumer.assignment()) and (time.monotonic() < deadline):
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                values.extend(r.value for r in records)
        # Give an unexpected extra message a moment to show up.
        extra = await consumer.getmany(timeout_ms=500)
        values.extend(r.value for recs in extra.values() for r in recs)
        if commit:
            await consumer.commit()
        parts = consumer.assignment()
        committed = {tp.partition: await consumer.committed(tp) for tp in parts}
        ends = await consumer.end_offsets(list(parts))
        end_offsets = {tp.partition: off for tp, off in ends.items()}
    finally:
        await consumer.stop()
    return values, committed, end_offsets


@dataclass
class KafkaTrial:
    """What the Kafka steps share: the broker, the check's topic and group, and what was read before the outage."""

    bootstrap: str
    topic: str
    group: str
    cluster_id: str = ""
    values: list[bytes] = field(default_factory=list)
    committed: dict[int, int | None] = field(default_factory=dict)
    ends: dict[int, int] = field(default_factory=dict)


class KafkaReread(NamedTuple):
    """What the broker gives back after it was restarted."""

    cluster_id: str
    left: list[bytes]  # what the old group still had to read: nothing
    committed: dict[int, int | None]  # the old group's committed offsets
    ends: dict[int, int]
    again: list[bytes]  # every message, read by a fresh group
    resumed: list[bytes]  # what the old group read after new messages arrived


async def check_kafka() -> None:
    """Produce and consume with a committing group, then stop the broker and show that nothing was lost."""
    trial = KafkaTrial(
        bootstrap=urlsplit(BUS_URL).netloc,
        topic=f"sg-check-{uuid.uuid4().hex[:8]}",
        group=f"sg-check-group-{uuid.uuid4().hex[:8]}",
    )
    trial.cluster_id = await kafka_cluster_id(trial.bootstrap)
    await kafka_produce(trial)
    await kafka_consume(trial)
    await kafka_outage(trial)
    await kafka_after_restart(trial)


async def kafka_cluster_id(bootstrap: str) -> str:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return (await admin.describe_cluster())["cluster_id"]
    finally:
        await admin.close()


@asynccontextmanager
async def kafka_producer(bootstrap: str, **options: Any) -> AsyncIterator[AIOKafkaProducer]:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **options)
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def kafka_produce(trial: KafkaTrial) -> None:
    """N_MESSAGES pipelined, then 100 awaited one by one, through an idempotent acks=all producer."""
    async with kafka_producer(trial.bootstrap, acks="all", enable_idempotence=True) as producer:
        # The first send auto-creates the topic (num.partitions=3); time the steady state.
        await producer.send_and_wait(trial.topic, b"warm-up", key=b"k")
        t0 = time.perf_counter()
        futures = [
            await producer.send(trial.topic, f"{TEXT} {i}".encode(), key=str(i).encode()) for i in range(N_MESSAGES - 1)
        ]
        metas = await asyncio.gather(*futures)
        dt = time.perf_counter() - t0
        t1 = time.perf_counter()
        for i in range(100):
            await producer.send_and_wait(trial.topic, f"sync {i}".encode())
        sync_dt = time.perf_counter() - t1
    rate = (N_MESSAGES - 1) / dt
    record(
        "kafka produce",
        len(metas) == N_MESSAGES - 1,
        f"idempotent acks=all, {N_MESSAGES} messages to {trial.topic} (+100 awaited one by one): "
        f"{rate:,.0f} events/s pipelined, {100 / sync_dt:,.0f} events/s one-at-a-time "
        f"(mean latency {sync_dt / 100 * 1000:.1f} ms), cluster {trial.cluster_id}",
    )


async def kafka_consume(trial: KafkaTrial) -> None:
    """The group reads everything and commits; what it saw is kept to compare after the outage."""
    t0 = time.perf_counter()
    values, committed, ends = await consume_all(trial.bootstrap, trial.topic, trial.group, KAFKA_TOTAL, commit=True)
    trial.values, trial.committed, trial.ends = values, committed, ends
    record(
        "kafka consume",
        len(values) == KAFKA_TOTAL and committed == ends and sum(ends.values()) == KAFKA_TOTAL,
        f"group {trial.group} read {len(values)}/{KAFKA_TOTAL} in {time.perf_counter() - t0:.2f}s, "
        f"committed {committed} == end offsets",
    )


async def kafka_outage(trial: KafkaTrial) -> None:
    """Stop the broker: a produce must now fail."""
    stop_s = kafka_ctl("stop")
    timings.append(("kafka stop (outage)", stop_s))
    refused_by = await produce_refused_by(trial.bootstrap, trial.topic)
    record(
        "kafka outage",
        refused_by is not None,
        f"kafka.sh stop took {stop_s:.1f}s; produce during the outage refused"
        + (f" ({refused_by})" if refused_by is not None else " -- NOT refused"),
    )


async def produce_refused_by(bootstrap: str, topic: str) -> str | None:
    """The error a produce meets while the broker is down, or None when it went through."""
    from aiokafka import AIOKafkaProducer

    failing = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=2000, enable_idempotence=True)
    try:
        await asyncio.wait_for(failing.start(), 10)
        await asyncio.wait_for(failing.send_and_wait(topic, b"during outage"), 5)
    except Exception as exc:  # KafkaConnectionError / timeout: the broker is down
        return type(exc).__name__
    finally:
        with contextlib.suppress(Exception):  # a producer that never connected may not stop cleanly
            await failing.stop()
    return None


async def kafka_after_restart(trial: KafkaTrial) -> None:
    """Start the broker again: same cluster, every message and the group's offsets still there."""
    start_s = kafka_ctl("start")
    timings.append(("kafka start (after outage)", start_s))
    after = await kafka_reread(trial)
    same_cluster = after.cluster_id == trial.cluster_id
    offsets_kept = after.committed == trial.committed
    ok = (
        same_cluster
        and not after.left
        and offsets_kept
        and after.ends == trial.ends
        and sorted(after.again) == sorted(trial.values)
        and len(after.resumed) == 10
        and all(v.startswith(b"after restart") for v in after.resumed)
    )
    record(
        "kafka after restart",
        ok,
        f"kafka.sh start took {start_s:.1f}s; same cluster id {same_cluster}, "
        f"{len(after.again)}/{KAFKA_TOTAL} messages still there, committed offsets kept "
        f"{offsets_kept}, group resumed with exactly the {len(after.resumed)} new "
        f"messages",
    )


async def kafka_reread(trial: KafkaTrial) -> KafkaReread:
    """Read the topic again, with the old group and a fresh one, and the old group once more after 10 new messages."""
    cluster_id = await kafka_cluster_id(trial.bootstrap)
    # Same group: nothing new to read, committed offsets unchanged.
    left, committed, ends = await consume_all(trial.bootstrap, trial.topic, trial.group, 0, commit=False)
    # A fresh group from the earliest offset: every message survived.
    again, _, _ = await consume_all(trial.bootstrap, trial.topic, f"{trial.group}-fresh", KAFKA_TOTAL, commit=False)
    # New messages after the restart: the old group resumes at its committed offsets.
    async with kafka_producer(trial.bootstrap, acks="all", enable_idempotence=True) as producer:
        for i in range(10):
            await producer.send_and_wait(trial.topic, f"after restart {i}".encode())
    resumed, _, _ = await consume_all(trial.bootstrap, trial.topic, trial.group, 10, commit=True)
    return KafkaReread(cluster_id, left, committed, ends, again, resumed)


# --------------------------------------------------------------------------- S3


@dataclass(frozen=True)
class S3Target:
    """The S3 server and credentials of BLOB_URL."""

    endpoint: str
    access: str
    secret: str
    secure: bool
    default_bucket: str

    @classmethod
    def from_url(cls, url: str) -> S3Target:
        u = urlsplit(url)
        secure = parse_qs(u.query).get("secure", ["true"])[0].lower() in ("1", "true", "yes")
        return cls(
            f"{u.hostname}:{u.port}", unquote(u.username or ""), unquote(u.password or ""), secure, u.path.strip("/")
        )

    def client(self, secret: str | None = None) -> Minio:
        from minio import Minio

        secret_key = self.secret if secret is None else secret
        return Minio(self.endpoint, access_key=self.access, secret_key=secret_key, secure=self.secure)


class S3Seen(NamedTuple):
    """What the object round trip saw, before the bucket is removed."""

    got: bytes
    listed: list[str]
    presigned_status: int
    presigned_ok: bool
    tampered_status: int
    wrong_secret_refused: bool
    after: list[str]  # objects left after removing the one put


def check_s3() -> None:
    """Make a bucket, put/get/presign an object with a Chinese key, refuse a wrong secret, remove it all."""
    target = S3Target.from_url(BLOB_URL)
    client = target.client()
    t0 = time.perf_counter()
    default_exists = client.bucket_exists(target.default_bucket)
    bucket = f"sg-check-{uuid.uuid4().hex[:8]}"
    key = "附件/通知.pdf"
    body = ("%PDF-1.4 " + TEXT * 1000).encode()
    client.make_bucket(bucket)
    try:
        seen = s3_round_trip(target, client, bucket, key, body)
    finally:
        client.remove_bucket(bucket)
    ok = (
        seen.got == body
        and seen.listed == [key]
        and seen.presigned_ok
        and seen.tampered_status == 403
        and seen.wrong_secret_refused
        and not seen.after
        and not client.bucket_exists(bucket)
    )
    record(
        "s3",
        ok,
        f"bucket {target.default_bucket} exists {default_exists}; make bucket, put/get {key!r} "
        f"({len(body)} B) {seen.got == body}, presigned GET via httpx {seen.presigned_status}, tampered "
        f"signature {seen.tampered_status}, wrong secret refused {seen.wrong_secret_refused}, "
        f"removed ({time.perf_counter() - t0:.2f}s)",
    )


def s3_round_trip(target: S3Target, client: Minio, bucket: str, key: str, body: bytes) -> S3Seen:
    """Put the object, read it back every way, check a wrong secret, and remove the object again."""
    client.put_object(bucket, key, io.BytesIO(body), len(body), content_type="application/pdf")
    got = s3_read(client, bucket, key)
    listed = [o.object_name for o in client.list_objects(bucket, prefix="附件/")]
    presigned_status, presigned_ok, tampered_status = s3_presigned_gets(client, bucket, key, body)
    refused = s3_wrong_secret_refused(target, bucket)
    client.remove_object(bucket, key)
    after = [o.object_name for o in client.list_objects(bucket, recursive=True)]
    return S3Seen(got, listed, presigned_status, presigned_ok, tampered_status, refused, after)


def s3_read(client: Minio, bucket: str, key: str) -> bytes:
    resp = client.get_object(bucket, key)
    try:
        return resp.read()
    finally:
        resp.close()
        resp.release_conn()


def s3_presigned_gets(client: Minio, bucket: str, key: str, body: bytes) -> tuple[int, bool, int]:
    """A presigned URL works with a plain HTTP client, and stops working when its signature is changed."""
    import httpx

    url = client.presigned_get_object(bucket, key)
    r = httpx.get(url, timeout=10)
    presigned_ok = r.status_code == 200 and r.content == body
    tampered = httpx.get(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), timeout=10)
    return r.status_code, presigned_ok, tampered.status_code


def s3_wrong_secret_refused(target: S3Target, bucket: str) -> bool:
    from minio.error import S3Error

    bad = target.client(secret=target.secret + "x")
    try:
        list(bad.list_objects(bucket))
    except S3Error as exc:
        return exc.code in ("SignatureDoesNotMatch", "AccessDenied")
    return False


# --------------------------------------------------------------------------- Elasticsearch


class SearchSeen(NamedTuple):
    """What the check index gave back, read before it is deleted."""

    tokens: list[str]  # the whitespace analyzer on one segmented title
    indexed: int
    hits: list[str]  # ids matching 营商, best first
    highlight: str
    sites: dict[str, int]  # terms aggregation on the keyword field
    via_alias: int


def check_search() -> None:
    """Create an index with a whitespace-analyzed field, index, search, aggregate, alias, delete."""
    import httpx

    t0 = time.perf_counter()
    with httpx.Client(base_url=SEARCH_URL, timeout=30) as es:
        health = es.get("/_cluster/health").raise_for_status().json()
        nodes = es.get("/_nodes/_local", params={"filter_path": "nodes.*.version"}).raise_for_status().json()
        version = next(iter(nodes["nodes"].values()))["version"]
        index = f"sg-check-{uuid.uuid4().hex[:8]}"
        es.put(
            f"/{index}",
            json={
                "settings": {"number_of_shards": 1, "number_of_replicas": 0},
                "mappings": {
                    "properties": {"title": {"type": "text", "analyzer": "whitespace"}, "site": {"type": "keyword"}}
                },
            },
        ).raise_for_status()
        try:
            seen = search_round_trip(es, index)
        finally:
            es.delete(f"/{index}").raise_for_status()
        gone = es.head(f"/{index}").status_code == 404
    ok = (
        seen.tokens == ["关于", "优化", "营商", "环境", "的", "通知"]
        and seen.indexed == 100
        and len(seen.hits) == 50
        and "<em>营商</em>" in seen.highlight
        and seen.sites == {"site-a": 50, "site-b": 50}
        and seen.via_alias == 100
        and gone
    )
    record(
        "elasticsearch",
        ok,
        f"Elasticsearch {version}, cluster {health['cluster_name']} {health['status']}; whitespace analyzer "
        f"{' '.join(seen.tokens)!r}, _bulk {seen.indexed} docs, match 营商 {len(seen.hits)} hits, highlight "
        f"{seen.highlight!r}, terms agg {seen.sites}, alias {seen.via_alias}, index deleted {gone} "
        f"({time.perf_counter() - t0:.2f}s)",
    )


def search_round_trip(es: httpx.Client, index: str) -> SearchSeen:
    """Analyze, bulk-index 100 segmented Chinese titles, then query them every way the check needs."""
    analyzed = es.post(f"/{index}/_analyze", json={"field": "title", "text": "关于 优化 营商 环境 的 通知"})
    tokens = [t["token"] for t in analyzed.raise_for_status().json()["tokens"]]
    titles = ["关于 优化 营商 环境 的 通知", "一网通办 政务 服务 指南"]
    lines = []
    for i in range(100):
        lines.append(json.dumps({"index": {"_index": index, "_id": str(i)}}))
        lines.append(json.dumps({"title": titles[i % 2], "site": "site-a" if i < 50 else "site-b"}, ensure_ascii=False))
    bulk = (
        es.post(
            "/_bulk",
            params={"refresh": "wait_for"},
            content=("\n".join(lines) + "\n").encode(),
            headers={"Content-Type": "application/x-ndjson"},
        )
        .raise_for_status()
        .json()
    )
    indexed = sum(1 for item in bulk["items"] if item["index"]["status"] in (200, 201))
    found = (
        es.post(
            f"/{index}/_search",
            json={
                "query": {"match": {"title": "营商"}},
                "highlight": {"fields": {"title": {}}},
                "size": 100,
                "aggs": {"sites": {"terms": {"field": "site"}}},
            },
        )
        .raise_for_status()
        .json()
    )
    hits = [h["_id"] for h in found["hits"]["hits"]]
    highlight = found["hits"]["hits"][0]["highlight"]["title"][0] if hits else ""
    # The aggregation runs over the query's hits (25 per site); the totals come from match_all.
    totals = (
        es.post(
            f"/{index}/_search",
            json={"size": 0, "aggs": {"sites": {"terms": {"field": "site"}}}},
        )
        .raise_for_status()
        .json()
    )
    sites = {b["key"]: b["doc_count"] for b in totals["aggregations"]["sites"]["buckets"]}
    es.post("/_aliases", json={"actions": [{"add": {"index": index, "alias": f"{index}-alias"}}]}).raise_for_status()
    via_alias = es.get(f"/{index}-alias/_count").raise_for_status().json()["count"]
    return SearchSeen(tokens, indexed, hits, highlight, sites, via_alias)


# --------------------------------------------------------------------------- main


def run(name: str, fn: Callable[[], Any]) -> None:
    print(f"[check] {name} ...", flush=True)
    try:
        if asyncio.iscoroutinefunction(fn):
            asyncio.run(fn())
        else:
            fn()
    except Exception as exc:
        traceback.print_exc()
        record(name, False, f"{type(exc).__name__}: {exc}")


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    # aiokafka logs expected transient errors at ERROR level here (topic being
    # auto-created, group coordinator not yet elected, the broker down during the
    # outage); the checks below judge the outcome.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    run("postgres", check_postgres)
    run("s3", check_s3)
    run("elasticsearch", check_search)
    run("kafka", check_kafka)
    print_times()
    return print_results()


def print_times() -> None:
    print("\nstart times (s), from var/backends/start-times (written by up.sh):")
    st = VAR / "start-times"
    if st.exists():
        for line in st.read_text().split("\n"):
            if line.strip():
                name, rc, secs = line.split()
                print(f"  {name:<28} {float(secs):6.1f}  {'ok' if rc == '0' else 'exit ' + rc}")
    for name, secs in timings:
        print(f"  {name:<28} {secs:6.1f}")


def print_results() -> int:
    """The summary table; 1 (the exit status) when any check failed."""
    print("\nresults:")
    for name, ok, _ in results:
        print(f"  {name:<28} {'ok' if ok else 'FAILED'}")
    failed = sum(not ok for _, ok, _ in results)
    print(f"\n{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
