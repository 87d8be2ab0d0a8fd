"""Settings, error envelopes, time, logs and metrics."""

from __future__ import annotations

import io
import json
import logging
import sys
from datetime import UTC, datetime, timedelta

import pytest
import structlog
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from shared.clock import CHINA, china_time, utcnow
from shared.config import ServiceSettings, sqlite_url
from shared.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    ServiceUnavailable,
    Unauthenticated,
    Unprocessable,
    UnsupportedMediaType,
    error_envelope,
)
from shared.logs import _add_ids, configure_logging, correlation_id_var, get_logger, request_id_var
from shared.metrics import render_metrics

# No database, broker or bucket involved: nothing to repeat on the real servers.
pytestmark = pytest.mark.embedded_only


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SG_DEMO_", extra="ignore", env_file=None)


def test_settings_read_the_service_prefix(monkeypatch) -> None:
    defaults = DemoSettings()
    assert defaults.bus_url == "memory://" and defaults.max_body_bytes == 2 * 1024 * 1024 and defaults.relay_enabled
    monkeypatch.setenv("SG_DEMO_BUS_URL", "kafka://127.0.0.1:19092")
    monkeypatch.setenv("SG_DEMO_RELAY_ENABLED", "false")
    monkeypatch.setenv("SG_DEMO_RELAY_POLL_SECONDS", "0.2")
    monkeypatch.setenv("BUS_URL", "memory://ignored")
    settings = DemoSettings()
    assert settings.bus_url == "kafka://127.0.0.1:19092" and not settings.relay_enabled
    assert settings.relay_poll_seconds == 0.2
    for field, bad in (("max_body_bytes", 100), ("relay_batch_size", 0), ("relay_poll_seconds", 0)):
        with pytest.raises(ValidationError):
            DemoSettings(**{field: bad})


def test_sqlite_url() -> None:
    from pathlib import Path

    assert sqlite_url(Path("/var/data/content.db")) == "sqlite+aiosqlite:////var/data/content.db"


def test_problem_errors_carry_status_code_and_envelope() -> None:
    expected = {
        ProblemError: (400, "bad_request"),
        Unauthenticated: (401, "unauthenticated"),
        Forbidden: (403, "forbidden"),
        NotFound: (404, "not_found"),
        Conflict: (409, "conflict"),
        Gone: (410, "gone"),
        PayloadTooLarge: (413, "payload_too_large"),
        UnsupportedMediaType: (415, "unsupported_media_type"),
        Unprocessable: (422, "unprocessable"),
        ServiceUnavailable: (503, "service_unavailable"),
    }
    for cls, (status, code) in expected.items():
        error = cls("出错了")
        assert (error.status, error.code, str(error)) == (status, code, "出错了")
        assert error.envelope() == {"error": {"code": code, "message": "出错了", "details": None}}
    assert NotFound("文档不存在", code="document_not_found").code == "document_not_found"
    assert NotFound.code == "not_found"  # a per-instance code does not change the class
    invalid = InvalidInput("title", "标题不能为空")
    assert invalid.status == 422 and invalid.message == "title: 标题不能为空"
    assert invalid.envelope()["error"]["details"] == [{"field": "title", "message": "标题不能为空"}]
    assert error_envelope("x", "y", [1]) == {"error": {"code": "x", "message": "y", "details": [1]}}


def test_clock_is_utc_and_china_time_is_plus_eight() -> None:
    now = utcnow()
    assert now.tzinfo is UTC and abs(datetime.now(UTC) - now) < timedelta(seconds=1)
    shown = china_time(datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    assert shown.tzinfo == CHINA and shown.utcoffset() == timedelta(hours=8)
    # dated in Beijing time
    assert (shown.year, shown.month, shown.day, shown.hour, shown.minute) == (2027, 1, 1, 0, 30)


def test_log_events_carry_request_and_correlation_ids() -> None:
    assert _add_ids(None, "info", {"event": "x"}) == {"event": "x"}
    rid, cid = request_id_var.set("req-1"), correlation_id_var.set("corr-1")
    try:
        expected = {"event": "x", "request_id": "req-1", "correlation_id": "corr-1"}
        assert _add_ids(None, "info", {"event": "x"}) == expected
        assert _add_ids(None, "info", {"event": "x", "request_id": "own"})["request_id"] == "own"
    finally:
        request_id_var.reset(rid)
        correlation_id_var.reset(cid)


def test_json_logs_keep_chinese_readable(monkeypatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # basicConfig must not keep our stream
    monkeypatch.setattr(root, "level", root.level)
    try:
        configure_logging("INFO", json=True)
        token = request_id_var.set("req-合肥")
        try:
            get_logger("shared.tests.logs").info("文档已发布", site="hefei")
            get_logger("shared.tests.logs").debug("不显示")
        finally:
            request_id_var.reset(token)
    finally:
        structlog.reset_defaults()
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["event"] == "文档已发布" and record["request_id"] == "req-合肥" and record["level"] == "info"
    assert record["site"] == "hefei" and record["timestamp"].endswith("Z")
    assert "文档已发布" in line  # not \u escapes


def test_metrics_render_in_the_prometheus_text_format() -> None:
    body, content_type = render_metrics()
    assert content_type.startswith("text/plain") and b"# TYPE sitegroup_outbox_published_total counter" in body
