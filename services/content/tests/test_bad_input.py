"""Bad input gets a clear 4xx naming the problem, and nothing is written."""

from __future__ import annotations

import pytest

from services.content.tests.support import API


@pytest.fixture
async def hefei(sites):
    return await sites.open("hefei")


async def count_documents(client, sites) -> int:
    return (await client.get(f"{API}/sites/hefei/documents", headers=sites.editor("hefei"))).json()["total"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "缺少栏目的稿件", "body_html": "<p>x</p>"}, "body.channel_id"),
        ({"channel_id": "要闻", "title": "栏目不是数字", "body_html": "<p>x</p>"}, "body.channel_id"),
        ({"channel_id": 1, "title": "", "body_html": "<p>x</p>"}, "body.title"),
        ({"channel_id": 1, "title": "标" * 201, "body_html": "<p>x</p>"}, "body.title"),
        ({"channel_id": 1, "title": "控制字符\x07标题", "body_html": "<p>x</p>"}, "body.title"),
        ({"channel_id": 1, "title": "多余字段", "body_html": "<p>x</p>", "owner": "me"}, "body.owner"),
        ({"channel_id": 1, "title": "关键词太长", "body_html": "<p>x</p>", "keywords": ["词" * 21]}, "body.keywords.0"),
        (
            {"channel_id": 1, "title": "日期不对", "body_html": "<p>x</p>", "written_on": "2026-13-45"},
            "body.written_on",
        ),
        ({"channel_id": 1, "title": "提交不是布尔", "body_html": "<p>x</p>", "submit": "maybe"}, "body.submit"),
        ({"channel_id": 0, "title": "栏目编号为零", "body_html": "<p>x</p>"}, "body.channel_id"),
    ],
)
async def test_wrong_fields_are_named_and_nothing_is_written(client, sites, hefei, body, field) -> None:
    response = await client.post(f"{API}/sites/hefei/documents", json=body, headers=sites.editor("hefei"))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and field in error["message"]
    assert any(d["field"] == field for d in error["details"])
    assert await count_documents(client, sites) == 0


async def test_malformed_json_is_named(client, sites, hefei) -> None:
    response = await client.post(
        f"{API}/sites/hefei/documents",
        content='{"title": "未闭合'.encode(),
        headers={**sites.editor("hefei"), "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "body"
    assert "JSON 格式有误" in response.json()["error"]["details"][0]["message"]


async def test_oversized_bodies_are_refused_before_reading(client, sites, hefei, settings) -> None:
    body = b'{"title": "' + "长".encode() * (settings.max_body_bytes // 3 + 10) + b'"}'
    response = await client.post(
        f"{API}/sites/hefei/documents",
        content=body,
        headers={**sites.editor("hefei"), "content-type": "application/json"},
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"

    async def chunks():
        yield b'{"channel_id": 1, "title": "'
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"a" * 65536
        yield b'"}'

    streamed = await client.post(
        f"{API}/sites/hefei/documents",
        content=chunks(),
        headers={**sites.editor("hefei"), "content-type": "application/json"},
    )
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "payload_too_large"
    assert await count_documents(client, sites) == 0


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/sites/hefei/documents/abc", "path.document_id"),
        ("/sites/hefei/documents/0", "path.document_id"),
        ("/sites/HEFEI/documents", "path.site_id"),
        ("/sites/hefei/documents?page=0", "query.page"),
        ("/sites/hefei/documents?size=1000", "query.size"),
        ("/sites/hefei/documents?workflow_state=deleted", "query.workflow_state"),
    ],
)
async def test_bad_paths_and_queries_are_named(client, sites, hefei, path, field) -> None:
    response = await client.get(API + path, headers=sites.editor("hefei"))
    assert response.status_code == 422 and field in response.json()["error"]["message"]


async def test_unknown_routes_and_methods_use_the_envelope(client, sites) -> None:
    missing = await client.get(f"{API}/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong_method = await client.put(f"{API}/sites")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"]["code"] == "method_not_allowed"
