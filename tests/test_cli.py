"""The `sitegroup` command line: development tokens the platform accepts, the generated .env.example."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from shared.auth import JwksSource, TokenVerifier
from sitegroup.cli import RELAYED, app, relay_runtime
from sitegroup.settings import PlatformSettings

runner = CliRunner()


def test_dev_tokens_are_the_providers_and_the_platform_accepts_them(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SITEGROUP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PORT", "8123")
    result = runner.invoke(
        app,
        [
            "dev-token",
            "--site",
            "hefei",
            "--role",
            "editor",
            "--role",
            "reviewer:初审",
            "--channel",
            "12",
            "--subject",
            "张晓燕",
        ],
    )
    assert result.exit_code == 0, result.output
    platform = PlatformSettings()
    assert platform.identity_issuer == "http://127.0.0.1:8123/api/v1/identity"
    verifier = TokenVerifier(  # as the content and render services of the platform verify them
        JwksSource(f"file://{tmp_path / 'keys' / 'jwks.json'}"), issuer=platform.identity_issuer, audience="sitegroup"
    )
    token = result.stdout.strip()
    assert re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", token), result.stdout  # the token alone: scripts capture it
    principal = asyncio.run(verifier.verify(token))
    assert principal.subject == "张晓燕"
    assert principal.has_role("hefei", "reviewer:初审", 12) and not principal.has_role("hefei", "editor", 13)


def test_dev_tokens_name_the_issuer_of_the_platform_served_from_the_same_data_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SITEGROUP_DATA_DIR", str(tmp_path))
    PlatformSettings(port=8765).record_served()  # as `PORT=8765 make run` does when it starts
    monkeypatch.delenv("PORT", raising=False)
    result = runner.invoke(app, ["dev-token", "--site", "hefei", "--role", "editor"])
    assert result.exit_code == 0, result.output
    verifier = TokenVerifier(
        JwksSource(f"file://{tmp_path / 'keys' / 'jwks.json'}"),
        issuer="http://127.0.0.1:8765/api/v1/identity",
        audience="sitegroup",
    )
    assert asyncio.run(verifier.verify(result.stdout.strip())).has_role("hefei", "editor")  # the token alone


def test_env_example_lists_every_setting(tmp_path: Path) -> None:
    target = tmp_path / ".env.example"
    result = runner.invoke(app, ["config-example", "--output", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    for variable in (
        "SITEGROUP_DATA_DIR",
        "CONTENT_DATABASE_URL",
        "CONTENT_BUS_URL",
        "CONTENT_BLOB_URL",
        "CONTENT_MAX_UPLOAD_BYTES",
        "GATEWAY_RATE_PER_IP",
        "RENDER_PREVIEW_SUFFIX",
        "RENDER_TEMPLATES_DIR",
    ):
        assert f"# {variable}=" in text


def test_the_committed_env_example_is_current(tmp_path: Path) -> None:
    target = tmp_path / ".env.example"
    runner.invoke(app, ["config-example", "--output", str(target)])
    committed = Path(__file__).parents[1] / ".env.example"
    assert committed.read_text(encoding="utf-8") == target.read_text(encoding="utf-8"), "run make env-example"


def test_unknown_services_are_named() -> None:
    result = runner.invoke(app, ["migrate-db", "mailer"])
    assert result.exit_code != 0 and "unknown service 'mailer'" in result.output


def test_the_relay_command_relays_the_outbox_it_names(tmp_path: Path, monkeypatch) -> None:
    """`sitegroup relay transition` moves the migration service's outbox, not the content library's."""
    for service in RELAYED:
        monkeypatch.setenv(f"{service.upper()}_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / service}.db")
        monkeypatch.setenv(f"{service.upper()}_BLOB_URL", f"file://{tmp_path / 'blobs' / service}")
        runtime = relay_runtime(service)
        assert runtime.name == service and runtime.relay.service == service
        assert runtime.relay.table.name == "outbox" and str(runtime.database.engine.url).endswith(f"{service}.db")
    refused = runner.invoke(app, ["relay", "render"])
    assert refused.exit_code == 2 and "'render' keeps no outbox" in refused.output


def test_operators_register_clients_and_rotate_keys_from_the_shell(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SITEGROUP_DATA_DIR", str(tmp_path))
    register = [
        "identity",
        "register-client",
        "hefei-portal",
        "--name",
        "合肥市人民政府门户网站",
        "--redirect-uri",
        "https://www.hefei.gov.cn/oidc/callback",
    ]
    first = runner.invoke(app, register)
    assert first.exit_code == 0, first.output
    secret = first.stdout.strip().splitlines()[-1]
    assert len(secret) >= 43  # 256 random bits, shown this once
    again = runner.invoke(app, register)
    assert again.exit_code == 2 and "已存在" in again.output
    bad = runner.invoke(
        app,
        [
            "identity",
            "register-client",
            "hefei-portal-2",
            "--name",
            "x",
            "--redirect-uri",
            "http://www.hefei.gov.cn/cb",
        ],
    )
    assert bad.exit_code == 2 and "https" in bad.output
    before = json.loads((tmp_path / "keys" / "jwks.json").read_text())["keys"]
    assert runner.invoke(app, ["identity", "rotate-keys"]).exit_code == 0
    after = json.loads((tmp_path / "keys" / "jwks.json").read_text())["keys"]
    assert {k["kid"] for k in before} < {k["kid"] for k in after}


def test_the_gateway_alone_needs_every_service_named(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SITEGROUP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GATEWAY_SERVICE_URLS", '{"content": "http://127.0.0.1:8001"}')
    result = runner.invoke(app, ["serve", "gateway", "--port", "0"])
    assert result.exit_code == 2 and "GATEWAY_SERVICE_URLS names no render, identity" in result.output


def test_the_consolidated_platform_refuses_service_urls_it_would_ignore(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SITEGROUP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GATEWAY_SERVICE_URLS", '{"content": "http://127.0.0.1:8001"}')
    result = runner.invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 2 and "sitegroup serve gateway" in result.output


def test_commands_on_the_running_platform_say_plainly_when_it_does_not_answer(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SITEGROUP_DATA_DIR", str(tmp_path))
    for command in (["replay"], ["search", "reindex"]):
        result = runner.invoke(app, [*command, "--url", "http://127.0.0.1:9", "--token", "x"])
        assert result.exit_code == 1 and "does not answer at http://127.0.0.1:9" in result.output, result.output
