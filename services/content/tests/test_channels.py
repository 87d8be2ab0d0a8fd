"""Channel trees, the basic-channel template, workflows and subscriptions."""

from __future__ import annotations

from services.content.tests.support import API


async def test_site_admins_build_their_own_channels(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    topic = await client.post(
        f"{API}/sites/hefei/channels",
        headers=sites.admin("hefei"),
        json={"slug": "yhyshj", "name": "优化营商环境", "kind": "topic", "keywords": ["营商环境"]},
    )
    assert topic.status_code == 201 and topic.json()["path"] == "yhyshj"
    child = await client.post(
        f"{API}/sites/hefei/channels",
        headers=sites.admin("hefei"),
        json={"parent_id": topic.json()["id"], "slug": "zcfb", "name": "政策发布"},
    )
    assert child.json()["path"] == "yhyshj/zcfb"
    link = await client.post(
        f"{API}/sites/hefei/channels",
        headers=sites.admin("hefei"),
        json={"parent_id": hefei.channels["bsfw"], "slug": "zwfw", "name": "政务服务网", "kind": "link"},
    )
    assert link.status_code == 422 and "link_url" in link.text
    await events.wait_for("content.channel.created.v1", subject=f"channels/{child.json()['id']}")


async def test_paths_are_unique_and_reserved_words_refused(client, sites) -> None:
    await sites.open("hefei")
    taken = await client.post(
        f"{API}/sites/hefei/channels", headers=sites.admin("hefei"), json={"slug": "zwdt", "name": "重复"}
    )
    assert taken.status_code == 409 and "/zwdt/" in taken.text
    reserved = await client.post(
        f"{API}/sites/hefei/channels", headers=sites.admin("hefei"), json={"slug": "api", "name": "接口"}
    )
    assert reserved.status_code == 422 and reserved.json()["error"]["details"][0]["field"] == "slug"
    bad_slug = await client.post(
        f"{API}/sites/hefei/channels", headers=sites.admin("hefei"), json={"slug": "政务", "name": "中文路径"}
    )
    assert bad_slug.status_code == 422 and "body.slug" in bad_slug.text


async def test_moving_a_channel_renames_its_subtree(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    parent = (
        await client.post(
            f"{API}/sites/hefei/channels",
            headers=sites.admin("hefei"),
            json={"slug": "zt", "name": "专题专栏", "kind": "topic"},
        )
    ).json()
    moved = await client.patch(
        f"{API}/sites/hefei/channels/{hefei.channels['zcjd']}",
        headers=sites.admin("hefei"),
        json={"parent_id": parent["id"], "slug": "jd"},
    )
    assert moved.status_code == 200 and moved.json()["path"] == "zt/jd"
    loop = await client.patch(
        f"{API}/sites/hefei/channels/{parent['id']}",
        headers=sites.admin("hefei"),
        json={"parent_id": moved.json()["id"]},
    )
    assert loop.status_code == 422 and "不能移到自身或其下级栏目之下" in loop.text
    channels = {c["path"] for c in (await client.get(f"{API}/sites/hefei/channels")).json()}
    assert "zt/jd" in channels and "zcjd" not in channels
    updated = await events.wait_for("content.channel.updated.v1")
    assert updated[0].data["channel"]["path"] == "zt/jd"


async def test_basic_and_busy_channels_cannot_be_deleted(client, sites) -> None:
    hefei = await sites.open("hefei")
    basic = await client.delete(f"{API}/sites/hefei/channels/{hefei.channels['zcjd']}", headers=sites.admin("hefei"))
    assert basic.status_code == 409 and "基本栏目" in basic.text
    own = (
        await client.post(
            f"{API}/sites/hefei/channels", headers=sites.admin("hefei"), json={"slug": "ztzl", "name": "专题专栏"}
        )
    ).json()
    hefei.channels["ztzl"] = own["id"]
    await sites.draft(hefei, "ztzl")
    busy = await client.delete(f"{API}/sites/hefei/channels/{own['id']}", headers=sites.admin("hefei"))
    assert busy.status_code == 409
    empty = (
        await client.post(
            f"{API}/sites/hefei/channels", headers=sites.admin("hefei"), json={"slug": "kong", "name": "空栏目"}
        )
    ).json()
    assert (
        await client.delete(f"{API}/sites/hefei/channels/{empty['id']}", headers=sites.admin("hefei"))
    ).status_code == 204


async def test_the_basic_template_shapes_new_sites_only(client, sites) -> None:
    await sites.open("ah")
    template = (await client.get(f"{API}/basic-channels")).json()
    template.append(
        {
            "key": "zwgk.rsxx",
            "parent_key": "zfxxgk",
            "slug": "rsxx",
            "name": "人事信息",
            "kind": "list",
            "description": "",
            "position": 99,
        }
    )
    denied = await client.put(f"{API}/basic-channels", json={"items": template}, headers=sites.admin("ah"))
    assert denied.status_code == 403
    broken = await client.put(
        f"{API}/basic-channels",
        headers=sites.operator,
        json={"items": [{"key": "a", "parent_key": "missing", "slug": "a", "name": "甲"}]},
    )
    assert broken.status_code == 422 and "parent_key ['missing'] 不存在" in broken.text
    assert (
        await client.put(f"{API}/basic-channels", json={"items": template}, headers=sites.operator)
    ).status_code == 200
    hefei = await sites.open("hefei")
    assert "zfxxgk/rsxx" in hefei.channels
    ah_paths = {c["path"] for c in (await client.get(f"{API}/sites/ah/channels")).json()}
    assert "zfxxgk/rsxx" not in ah_paths


async def test_workflow_inheritance(client, sites) -> None:
    hefei = await sites.open("hefei")
    site_default = (await client.get(f"{API}/sites/hefei/workflow", headers=sites.editor("hefei"))).json()
    assert [s["name"] for s in site_default["steps"]] == ["初审", "审核", "审发"] and not site_default["inherited"]
    channel = hefei.channels["zwdt/yw"]
    inherited = (
        await client.get(f"{API}/sites/hefei/workflow", params={"channel_id": channel}, headers=sites.editor("hefei"))
    ).json()
    assert inherited["inherited"] is True
    duplicate = await client.put(
        f"{API}/sites/hefei/workflow",
        headers=sites.admin("hefei"),
        json={"steps": [{"name": "初审"}, {"name": "初审"}]},
    )
    assert duplicate.status_code == 422
    empty = await client.put(f"{API}/sites/hefei/workflow", headers=sites.admin("hefei"), json={"steps": []})
    assert empty.status_code == 422 and "body.steps" in empty.text
    by_editor = await client.put(
        f"{API}/sites/hefei/workflow", headers=sites.editor("hefei"), json={"steps": [{"name": "审发"}]}
    )
    assert by_editor.status_code == 403
