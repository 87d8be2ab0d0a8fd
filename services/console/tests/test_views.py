"""Saved views on the console's database: a person's own, replaced by name, limited, deleted only by them."""

from __future__ import annotations

import pytest

from services.console.service.platform_api import ApiError
from services.console.service.views import MAX_VIEWS, delete_view, save_view, views_of


async def test_views_are_kept_per_person_and_replaced_by_name(runtime) -> None:
    deps = runtime.deps
    await save_view(deps, "u-wangfang", "content:hefei", "待提交的通知", {"workflow_state": "draft"})
    await save_view(deps, "u-wangfang", "content:hefei", "待提交的通知", {"workflow_state": "draft", "q": "春节"})
    mine = await views_of(deps, "u-wangfang", "content:hefei")
    assert [(v.name, v.query) for v in mine] == [("待提交的通知", {"workflow_state": "draft", "q": "春节"})]
    assert await views_of(deps, "u-liuyang", "content:hefei") == []
    await delete_view(deps, "u-liuyang", mine[0].id)  # someone else's id: nothing happens
    assert len(await views_of(deps, "u-wangfang", "content:hefei")) == 1


async def test_a_view_needs_a_name_and_there_is_a_limit(runtime) -> None:
    deps = runtime.deps
    with pytest.raises(ApiError, match="1–40"):
        await save_view(deps, "u-wangfang", "content:hefei", "  ", {})
    for n in range(MAX_VIEWS):
        await save_view(deps, "u-wangfang", "content:hefei", f"视图{n}", {})
    with pytest.raises(ApiError, match="最多保存"):
        await save_view(deps, "u-wangfang", "content:hefei", "再多一个", {})
    assert len(await views_of(deps, "u-wangfang", "content:hefei")) == MAX_VIEWS
