"""The demo province's 数据开放: datasets of the departments' sites and the cities, written as each department
would publish them (station monitoring, registers, statistics), generated deterministically (a seeded random),
thousands of rows where the real ones have thousands, some 有条件开放 and one 不予开放 — made through the portal's
own use cases: described, uploaded as CSV (checked, typed, loaded into the datastore), published."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from services.opendata import (
    DatasetWrite,
    OpendataDeps,
    Publisher,
    Upload,
    add_resource,
    create_dataset,
    known_sites,
    publish_dataset,
)
from shared.auth import Grant, Principal
from shared.errors import Conflict
from sitegroup.demo.opendata_rows import (
    air_quality,
    bicycle_stations,
    enterprises,
    hospitals,
    population,
    service_volume,
    universities,
    water_quality,
)

SEEDER = Principal(subject="system:demo", name="演示数据", grants=(Grant(site="*", role="platform_operator"),))


@dataclass(frozen=True)
class DemoDataset:
    site: str
    meta: dict
    rows: Callable[[random.Random], list[str]]  # the CSV's lines, header first
    publish: bool = True


def _meta(name: str, title: str, notes: str, publisher: str, theme: str, **more) -> dict:
    return {
        "name": name,
        "title": title,
        "notes": notes,
        "publisher": publisher,
        "theme": theme,
        "access": "open",
        "frequency": "每月",
        "license_id": "gov-open",
        "tags": [theme],
        **more,
    }


DATASETS = [
    DemoDataset(
        "ah-sjzyj",
        _meta(
            "ah-service-volume",
            "安徽省政务服务事项办件量统计",
            "全省16个地市政务服务事项月度受理、办结数量及按时办结率、好评率。",
            "安徽省数据资源管理局",
            "政务服务",
            tags=["政务服务", "办件量", "好差评"],
        ),
        service_volume,
    ),
    DemoDataset(
        "ah-jyt",
        _meta(
            "ah-universities",
            "安徽省普通高等学校名单",
            "全省普通高等学校名称、标识码、主管部门、所在地与办学层次。",
            "安徽省教育厅",
            "教育",
            frequency="每年",
            tags=["高校", "教育"],
        ),
        universities,
    ),
    DemoDataset(
        "hefei-sthjj",
        _meta(
            "hefei-air-quality",
            "合肥市环境空气质量日报",
            "合肥市国控空气质量监测站点每日AQI、PM2.5、PM10浓度、首要污染物及空气质量等级。",
            "合肥市生态环境局",
            "生态环境",
            frequency="每日",
            tags=["空气质量", "AQI", "PM2.5"],
            license_id="cc-by-4.0",
        ),
        air_quality,
    ),
    DemoDataset(
        "hefei-sthjj",
        _meta(
            "hefei-water-quality",
            "合肥市主要河流断面水质监测",
            "巢湖流域主要入湖河流断面月度水质类别及溶解氧、氨氮、总磷浓度。",
            "合肥市生态环境局",
            "生态环境",
            tags=["水质", "巢湖"],
        ),
        water_quality,
    ),
    DemoDataset(
        "hefei-sthjj",
        _meta(
            "hefei-pollution-sources",
            "合肥市污染源自动监控原始数据",
            "重点排污单位自动监控设备上传的原始数据，涉及企业生产经营信息，不予开放，仅公开目录。",
            "合肥市生态环境局",
            "生态环境",
            access="closed",
            frequency="实时",
            tags=["污染源"],
        ),
        water_quality,
    ),
    DemoDataset(
        "mas-sjzyj",
        _meta(
            "mas-bicycle-stations",
            "马鞍山市公共自行车站点信息",
            "马鞍山市公共自行车租赁站点编号、名称、位置坐标、桩位数与启用日期。",
            "马鞍山市数据资源局",
            "交通",
            frequency="每季度",
            tags=["公共自行车", "交通出行"],
        ),
        bicycle_stations,
    ),
    DemoDataset(
        "mas-sjzyj",
        _meta(
            "mas-enterprises",
            "马鞍山市企业登记信息",
            "马鞍山市登记企业的统一社会信用代码、名称、类型、成立日期、注册资本与登记状态。有条件开放：经提供部门审核同意后可调用。",
            "马鞍山市数据资源局",
            "市场监管",
            access="conditional",
            tags=["企业登记", "市场主体"],
        ),
        enterprises,
    ),
    DemoDataset(
        "wuhu-wjw",
        _meta(
            "wuhu-medical-institutions",
            "芜湖市医疗卫生机构名录",
            "芜湖市各级各类医疗卫生机构名称、类别、等级、床位数、地址与联系电话。",
            "芜湖市卫生健康委员会",
            "卫生健康",
            frequency="每半年",
            tags=["医疗机构", "卫生健康"],
        ),
        hospitals,
    ),
    DemoDataset(
        "hefei",
        _meta(
            "hefei-population",
            "合肥市各区县年末常住人口",
            "合肥市各县（市）区历年年末常住人口及城镇化率，来源于合肥统计年鉴。",
            "合肥市统计局",
            "人口",
            frequency="每年",
            tags=["人口", "统计年鉴"],
            license_id="cc-by-4.0",
        ),
        population,
    ),
]


async def seed_opendata(deps: OpendataDeps) -> int:
    """Every demo dataset described, uploaded, loaded and published; those already there are left alone."""
    if await known_sites(deps) == 0:
        return 0
    made = 0
    with tempfile.TemporaryDirectory(prefix="demo-opendata-") as tmp:
        for number, item in enumerate(DATASETS):
            publisher = Publisher.of(SEEDER, item.site)
            try:
                await create_dataset(deps, publisher, DatasetWrite(**item.meta))
            except Conflict:
                continue
            path = Path(tmp) / f"{number}.csv"
            path.write_text("\n".join(item.rows(random.Random(number))) + "\n", encoding="utf-8")
            upload = Upload(f"{item.meta['title']}.csv", path, path.stat().st_size)
            await add_resource(deps, publisher, item.meta["name"], upload, title=f"{item.meta['title']}（CSV）")
            if item.publish:
                await publish_dataset(deps, publisher, item.meta["name"])
            made += 1
    return made
