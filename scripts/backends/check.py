#!/usr/bin/env python3
"""Prove the real backends started by scripts/backends/up.sh, with the project's clients.

    scripts/backends/up.sh && .venv/bin/python scripts/backends/check.py

- PostgreSQL (asyncpg): create a database and a table, insert and select Chinese text.
- Kafka (aiokafka): idempotent acks=all producer, 1000 messages to a new topic, consumed
  by a consumer group that commits; then an outage: `kafka.sh stop`, a produce fails,
  `kafka.sh start`, and the messages and the group's committed offsets are still there.
- S3 (minio): make a bucket, put/get an object with a Chinese key, fetch it through a
  presigned URL with httpx, check that a wrong secret is refused, remove everything.

Reads SG_TEST_DATABASE_URL, SG_TEST_BUS_URL, SG_TEST_BLOB_URL and SG_TEST_KAFKA_CTL
(defaults: the values up.sh writes). Exits 1 when any check fails.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
import time
import traceback
import uuid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

HERE = Path(__file__).resolve().parent
VAR = HERE.parent.parent / "var" / "backends"

DATABASE_URL = os.environ.get(
    "SG_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:55432/postgres"
)
BUS_URL = os.environ.get("SG_TEST_BUS_URL", "kafka://127.0.0.1:19092")
BLOB_URL = os.environ.get(
    "SG_TEST_BLOB_URL",
    "s3://minioadmin:minioadmin@127.0.0.1:18333/sitegroup-test?secure=false",
)
KAFKA_CTL = os.environ.get("SG_TEST_KAFKA_CTL", str(HERE / "kafka.sh"))

N_MESSAGES = 1000
TEXT = "中文测试"

results: list[tuple[str, bool, str]] = []
timings: list[tuple[str, float]] = []


def record(name: str, ok: bool, detail: str) -> None:
    results.append((name, ok, detail))
    print(f"  {'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)


# --------------------------------------------------------------------------- PostgreSQL


async def check_postgres() -> None:
    import asyncpg

    dsn = DATABASE_URL.replace("postgresql+asyncpg://", "postgresql://", 1)
    db = f"sg_check_{uuid.uuid4().hex[:8]}"
    t0 = time.perf_counter()
    admin = await asyncpg.connect(dsn)
    try:
        version = await admin.fetchval("show server_version")
        await admin.execute(f'create database "{db}" encoding \'UTF8\' template template0')
        try:
            conn = await asyncpg.connect(dsn.rsplit("/", 1)[0] + "/" + db)
            try:
                await conn.execute(
                    "create table notice (id bigserial primary key, title text not null)"
                )
                await conn.executemany(
                    "insert into notice (title) values ($1)",
                    [(f"{TEXT} {i}",) for i in range(100)],
                )
                got = await conn.fetchval(
                    "select title from notice where title like $1 order by id limit 1",
                    f"{TEXT}%",
                )
                count = await conn.fetchval("select count(*) from notice")
                encoding = await conn.fetchval("show server_encoding")
                max_conn = await conn.fetchval("show max_connections")
            finally:
                await conn.close()
        finally:
            await admin.execute(f'drop database "{db}"')
    finally:
        await admin.close()
    ok = got == f"{TEXT} 0" and count == 100 and encoding == "UTF8"
    record(
        "postgres",
        ok,
        f"PostgreSQL {version}, create database + table, 100 rows, "
        f"select {got!r}, encoding {encoding}, max_connections {max_conn} "
        f"({time.perf_counter() - t0:.2f}s)",
    )


# --------------------------------------------------------------------------- Kafka


def kafka_ctl(cmd: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [KAFKA_CTL, cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
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
        while (len(values) < expect or not consumer.assignment()) and (
            time.monotonic() < deadline
        ):
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


async def check_kafka() -> None:
    from aiokafka import AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient

    bootstrap = urlsplit(BUS_URL).netloc
    topic = f"sg-check-{uuid.uuid4().hex[:8]}"
    group = f"sg-check-group-{uuid.uuid4().hex[:8]}"

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        meta = await admin.describe_cluster()
        cluster_id = meta["cluster_id"]
    finally:
        await admin.close()

    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        # The first send auto-creates the topic (num.partitions=3); time the steady state.
        await producer.send_and_wait(topic, b"warm-up", key=b"k")
        t0 = time.perf_counter()
        futures = [
            await producer.send(topic, f"{TEXT} {i}".encode(), key=str(i).encode())
            for i in range(N_MESSAGES - 1)
        ]
        metas = await asyncio.gather(*futures)
        dt = time.perf_counter() - t0
        t1 = time.perf_counter()
        for i in range(100):
            await producer.send_and_wait(topic, f"sync {i}".encode())
        sync_dt = time.perf_counter() - t1
    finally:
        await producer.stop()
    total = N_MESSAGES + 100
    rate = (N_MESSAGES - 1) / dt
    record(
        "kafka produce",
        len(metas) == N_MESSAGES - 1,
        f"idempotent acks=all, {N_MESSAGES} messages to {topic} (+100 awaited one by one): "
        f"{rate:,.0f} events/s pipelined, {100 / sync_dt:,.0f} events/s one-at-a-time "
        f"(mean latency {sync_dt / 100 * 1000:.1f} ms), cluster {cluster_id}",
    )

    t0 = time.perf_counter()
    values, committed, ends = await consume_all(bootstrap, topic, group, total, commit=True)
    record(
        "kafka consume",
        len(values) == total and committed == ends and sum(ends.values()) == total,
        f"group {group} read {len(values)}/{total} in {time.perf_counter() - t0:.2f}s, "
        f"committed {committed} == end offsets",
    )

    # ---- outage: stop the broker, a produce fails, start it, everything is still there
    stop_s = kafka_ctl("stop")
    timings.append(("kafka stop (outage)", stop_s))
    failing = AIOKafkaProducer(
        bootstrap_servers=bootstrap, request_timeout_ms=2000, enable_idempotence=True
    )
    refused = False
    try:
        await asyncio.wait_for(failing.start(), 10)
        await asyncio.wait_for(failing.send_and_wait(topic, b"during outage"), 5)
    except Exception as exc:  # KafkaConnectionError / timeout: the broker is down
        refused = True
        refused_by = type(exc).__name__
    finally:
        try:
            await failing.stop()
        except Exception:
            pass
    record(
        "kafka outage",
        refused,
        f"kafka.sh stop took {stop_s:.1f}s; produce during the outage refused"
        + (f" ({refused_by})" if refused else " -- NOT refused"),
    )
    start_s = kafka_ctl("start")
    timings.append(("kafka start (after outage)", start_s))

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        cluster_after = (await admin.describe_cluster())["cluster_id"]
    finally:
        await admin.close()

    # Same group: nothing new to read, committed offsets unchanged.
    left, committed_after, ends_after = await consume_all(
        bootstrap, topic, group, 0, commit=False
    )
    # A fresh group from the earliest offset: every message survived.
    again, _, _ = await consume_all(
        bootstrap, topic, f"{group}-fresh", total, commit=False
    )
    # New messages after the restart: the old group resumes at its committed offsets.
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for i in range(10):
            await producer.send_and_wait(topic, f"after restart {i}".encode())
    finally:
        await producer.stop()
    resumed, _, _ = await consume_all(bootstrap, topic, group, 10, commit=True)
    ok = (
        cluster_after == cluster_id
        and not left
        and committed_after == committed
        and ends_after == ends
        and sorted(again) == sorted(values)
        and len(resumed) == 10
        and all(v.startswith(b"after restart") for v in resumed)
    )
    record(
        "kafka after restart",
        ok,
        f"kafka.sh start took {start_s:.1f}s; same cluster id {cluster_after == cluster_id}, "
        f"{len(again)}/{total} messages still there, committed offsets kept "
        f"{committed_after == committed}, group resumed with exactly the {len(resumed)} new "
        f"messages",
    )


# --------------------------------------------------------------------------- S3


def check_s3() -> None:
    import httpx
    from minio import Minio
    from minio.error import S3Error

    u = urlsplit(BLOB_URL)
    secure = parse_qs(u.query).get("secure", ["true"])[0].lower() in ("1", "true", "yes")
    endpoint = f"{u.hostname}:{u.port}"
    access, secret = unquote(u.username or ""), unquote(u.password or "")
    default_bucket = u.path.strip("/")
    client = Minio(endpoint, access_key=access, secret_key=secret, secure=secure)

    t0 = time.perf_counter()
    default_exists = client.bucket_exists(default_bucket)
    bucket = f"sg-check-{uuid.uuid4().hex[:8]}"
    key = "附件/通知.pdf"
    body = ("%PDF-1.4 " + TEXT * 1000).encode()
    client.make_bucket(bucket)
    try:
        client.put_object(bucket, key, io.BytesIO(body), len(body), content_type="application/pdf")
        resp = client.get_object(bucket, key)
        try:
            got = resp.read()
        finally:
            resp.close()
            resp.release_conn()
        listed = [o.object_name for o in client.list_objects(bucket, prefix="附件/")]
        url = client.presigned_get_object(bucket, key)
        r = httpx.get(url, timeout=10)
        presigned_ok = r.status_code == 200 and r.content == body
        tampered = httpx.get(url.replace("X-Amz-Signature=", "X-Amz-Signature=0"), timeout=10)
        bad = Minio(endpoint, access_key=access, secret_key=secret + "x", secure=secure)
        try:
            list(bad.list_objects(bucket))
            wrong_secret_refused = False
        except S3Error as exc:
            wrong_secret_refused = exc.code in ("SignatureDoesNotMatch", "AccessDenied")
        client.remove_object(bucket, key)
        after = [o.object_name for o in client.list_objects(bucket, recursive=True)]
    finally:
        client.remove_bucket(bucket)
    ok = (
        got == body
        and listed == [key]
        and presigned_ok
        and tampered.status_code == 403
        and wrong_secret_refused
        and not after
        and not client.bucket_exists(bucket)
    )
    record(
        "s3",
        ok,
        f"bucket {default_bucket} exists {default_exists}; make bucket, put/get {key!r} "
        f"({len(body)} B) {got == body}, presigned GET via httpx {r.status_code}, tampered "
        f"signature {tampered.status_code}, wrong secret refused {wrong_secret_refused}, "
        f"removed ({time.perf_counter() - t0:.2f}s)",
    )


# --------------------------------------------------------------------------- main


def run(name: str, fn) -> None:
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
    run("kafka", check_kafka)

    print("\nstart times (s), from var/backends/start-times (written by up.sh):")
    st = VAR / "start-times"
    if st.exists():
        for line in st.read_text().split("\n"):
            if line.strip():
                name, rc, secs = line.split()
                print(f"  {name:<28} {float(secs):6.1f}  {'ok' if rc == '0' else 'exit ' + rc}")
    for name, secs in timings:
        print(f"  {name:<28} {secs:6.1f}")

    print("\nresults:")
    for name, ok, _ in results:
        print(f"  {name:<28} {'ok' if ok else 'FAILED'}")
    failed = sum(not ok for _, ok, _ in results)
    print(f"\n{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
