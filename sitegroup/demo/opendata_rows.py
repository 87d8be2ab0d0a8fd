"""The rows of the demo province's datasets: what each department's monitoring, registers and statistics would
hold, generated from a seeded random so that every demo start makes the same data."""

from __future__ import annotations

import random
from datetime import date, timedelta

CITIES = [
    "合肥市",
    "芜湖市",
    "蚌埠市",
    "淮南市",
    "马鞍山市",
    "淮北市",
    "铜陵市",
    "安庆市",
    "黄山市",
    "滁州市",
    "阜阳市",
    "宿州市",
    "六安市",
    "亳州市",
    "池州市",
    "宣城市",
]
HEFEI_DISTRICTS = ["瑶海区", "庐阳区", "蜀山区", "包河区", "长丰县", "肥东县", "肥西县", "庐江县", "巢湖市"]
STATIONS = [
    "琥珀山庄",
    "董铺水库",
    "长江中路",
    "庐阳区",
    "瑶海区",
    "包河区",
    "滨湖新区",
    "高新区",
    "明珠广场",
    "三里街",
]


def _months(start: date, count: int) -> list[str]:
    return [f"{start.year + (start.month - 1 + i) // 12}-{(start.month - 1 + i) % 12 + 1:02d}" for i in range(count)]


def service_volume(rng: random.Random) -> list[str]:
    lines = ["地市,月份,受理件数,办结件数,按时办结率（%）,好评率（%）"]
    for city in CITIES:
        base = rng.randint(40_000, 260_000)
        for month in _months(date(2023, 1, 1), 36):
            accepted = int(base * rng.uniform(0.85, 1.2))
            done = int(accepted * rng.uniform(0.96, 0.995))
            lines.append(f"{city},{month},{accepted},{done},{rng.uniform(97, 99.9):.2f},{rng.uniform(98, 99.95):.2f}")
    return lines


def air_quality(rng: random.Random) -> list[str]:
    lines = ["监测站点,日期,AQI,PM2.5（微克/立方米）,PM10（微克/立方米）,首要污染物,空气质量等级"]
    levels = [(50, "优"), (100, "良"), (150, "轻度污染"), (200, "中度污染"), (300, "重度污染")]
    for station in STATIONS:
        for day in range(365):
            when = date(2025, 1, 1) + timedelta(days=day)
            winter = 1.6 if when.month in (12, 1, 2) else 1.0
            pm25 = int(rng.gauss(35, 14) * winter) if rng.random() > 0.01 else None
            aqi = max(15, int((pm25 or 30) * 1.35 + rng.gauss(10, 6)))
            level = next((name for bound, name in levels if aqi <= bound), "严重污染")
            first = "—" if aqi <= 50 else rng.choice(["PM2.5", "PM10", "O3"])
            lines.append(
                f"{station},{when},{aqi},{'' if pm25 is None else pm25},{int((pm25 or 30) * 1.6)},{first},{level}"
            )
    return lines


def water_quality(rng: random.Random) -> list[str]:
    lines = ["断面名称,所在水体,月份,水质类别,溶解氧（毫克/升）,氨氮（毫克/升）,总磷（毫克/升）"]
    sections = [
        ("南淝河施口", "南淝河"),
        ("十五里河入湖口", "十五里河"),
        ("派河入湖口", "派河"),
        ("湖滨", "巢湖"),
        ("兆河入湖区", "兆河"),
        ("杭埠河三河镇", "杭埠河"),
    ]
    for name, water in sections:
        for month in _months(date(2022, 1, 1), 48):
            grade = rng.choice(["Ⅱ类", "Ⅲ类", "Ⅲ类", "Ⅳ类"])
            lines.append(
                f"{name},{water},{month},{grade},{rng.uniform(5, 9):.2f},{rng.uniform(0.1, 1.2):.3f},"
                f"{rng.uniform(0.02, 0.2):.3f}"
            )
    return lines


def universities(rng: random.Random) -> list[str]:
    lines = ["学校标识码,学校名称,主管部门,所在地,办学层次,备注"]
    names = [
        "中国科学技术大学",
        "合肥工业大学",
        "安徽大学",
        "安徽医科大学",
        "安徽农业大学",
        "安徽师范大学",
        "安徽理工大学",
        "安徽工业大学",
        "安徽建筑大学",
        "安徽财经大学",
        "淮北师范大学",
        "阜阳师范大学",
        "安庆师范大学",
        "黄山学院",
        "合肥学院",
        "滁州学院",
        "皖西学院",
        "巢湖学院",
        "宿州学院",
        "池州学院",
        "铜陵学院",
        "蚌埠学院",
    ]
    for i, name in enumerate(names):
        lines.append(f"41{34010000 + i * 37:08d},{name},安徽省,{rng.choice(CITIES)},本科,{'' if i % 5 else '民办'}")
    return lines


def bicycle_stations(rng: random.Random) -> list[str]:
    lines = ["站点编号,站点名称,所在区,经度,纬度,桩位数,启用日期"]
    districts = ["花山区", "雨山区", "博望区", "当涂县", "含山县", "和县"]
    roads = ["湖南路", "湖北路", "雨山路", "红旗路", "佳山路", "九华路", "天门大道", "太白大道", "采石路", "湖东路"]
    for i in range(1, 421):
        road, district = rng.choice(roads), rng.choice(districts)
        started = date(2016, 1, 1) + timedelta(days=rng.randint(0, 3000))
        lines.append(
            f"{i:04d},{road}{rng.choice(['东口', '西口', '公交站', '小区门口', '地铁站'])},{district},"
            f"{118.45 + rng.uniform(0, 0.2):.6f},{31.62 + rng.uniform(0, 0.2):.6f},"
            f"{rng.choice([12, 16, 20, 24, 30])},{started}"
        )
    return lines


def enterprises(rng: random.Random) -> list[str]:
    lines = ["统一社会信用代码,企业名称,企业类型,成立日期,注册资本（万元）,所属行业,登记状态"]
    words = ["钢铁", "新材料", "智能装备", "电子科技", "物流", "食品", "建设工程", "环保科技", "汽车零部件", "医药"]
    for i in range(2400):
        code = f"91340500{rng.choice('MAHJKL')}{rng.randint(0, 10**8):08d}X"[:18]
        kind = rng.choice(["有限责任公司", "股份有限公司", "个人独资企业"])
        started = date(2000, 1, 1) + timedelta(days=rng.randint(0, 9300))
        lines.append(
            f"{code},马鞍山市{rng.choice(words)}{rng.choice(['有限公司', '股份有限公司'])}{i:04d},{kind},{started},"
            f"{rng.choice([50, 100, 200, 500, 1000, 3000, 5000])},{rng.choice(words)},"
            f"{rng.choice(['存续', '存续', '在业', '注销'])}"
        )
    return lines


def hospitals(rng: random.Random) -> list[str]:
    lines = ["机构名称,机构类别,所在区县,等级,床位数,地址,联系电话"]
    areas = ["镜湖区", "弋江区", "鸠江区", "湾沚区", "繁昌区", "南陵县", "无为市"]
    kinds = [
        ("医院", ["三级甲等", "二级甲等", "二级乙等", "一级"]),
        ("社区卫生服务中心", ["未定级"]),
        ("乡镇卫生院", ["一级", "未定级"]),
        ("专科医院", ["二级", "三级"]),
    ]
    for i in range(480):
        kind, grades = rng.choice(kinds)
        area = rng.choice(areas)
        lines.append(
            f"芜湖市{area}第{i + 1}{kind},{kind},{area},{rng.choice(grades)},{rng.randint(0, 1500)},"
            f"芜湖市{area}{rng.choice(['中山路', '北京路', '赭山路', '银湖路'])}{rng.randint(1, 300)}号,"
            f"0553-{rng.randint(2000000, 8999999)}"
        )
    return lines


def population(rng: random.Random) -> list[str]:
    lines = ["地区,年份,常住人口（万人）,城镇化率（%）"]
    for i, district in enumerate(HEFEI_DISTRICTS):
        for year in range(2011, 2026):
            lines.append(
                f"{district},{year},{60 + i * 11 + (year - 2011) * 1.7 + rng.uniform(-1, 1):.1f},"
                f"{50 + i * 2 + (year - 2011) * 1.1:.1f}"
            )
    return lines
