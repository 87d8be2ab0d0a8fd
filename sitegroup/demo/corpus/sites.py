"""Who a site is, read off its short name (简称): its area, its level, its issuing office and 文号 prefix.

These forms of ``abbreviation`` are understood:

* one character — a province, e.g. ``"皖"`` (area 安徽省, 文号 ``皖政办〔2025〕12号``);
  an unknown character ``"X"`` becomes the area ``"X省"``;
* an area name — ``"青山市"``, ``"临湖县"``, ``"湖南省"``, ``"青山市东城区"`` (文号
  ``东政办〔…〕``); without a suffix
  (``"青山"``) the level is taken from the 10-digit site code (``3400000000`` is a
  province, ``3405000000`` a city, anything else a county), defaulting to a city;
* a department site — ``"青山市数据资源局"`` (area 青山市, department 数据资源局,
  文号 ``青数〔2025〕3号``; a district's ``"青山市东城区教育局"`` gives ``东教``);
* a full name ending in 人民政府 / 政府 — the suffix is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_PROVINCES = {
    "京": "北京市", "津": "天津市", "沪": "上海市", "渝": "重庆市", "冀": "河北省", "晋": "山西省",
    "辽": "辽宁省", "吉": "吉林省", "黑": "黑龙江省", "苏": "江苏省", "浙": "浙江省", "皖": "安徽省",
    "闽": "福建省", "赣": "江西省", "鲁": "山东省", "豫": "河南省", "鄂": "湖北省", "湘": "湖南省",
    "粤": "广东省", "琼": "海南省", "川": "四川省", "蜀": "四川省", "贵": "贵州省", "黔": "贵州省",
    "云": "云南省", "滇": "云南省", "陕": "陕西省", "秦": "陕西省", "甘": "甘肃省", "陇": "甘肃省",
    "青": "青海省", "蒙": "内蒙古自治区", "桂": "广西壮族自治区", "藏": "西藏自治区",
    "宁": "宁夏回族自治区", "新": "新疆维吾尔自治区",
}  # fmt: skip
_PROVINCE_NAMES = {name.removesuffix("省").removesuffix("市"): name for name in _PROVINCES.values()}
_PROVINCE_NAMES.update({"内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区",
                        "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区"})  # fmt: skip
_RE_DEPT = re.compile(
    r"^(.+?(?:自治区|自治州|省|市|县|区|州|盟|旗))"
    r"(.+(?:局|委|厅|办|院|中心|委员会|办公室|室|处|部|会|馆|站))$"
)
_DEPT_SUFFIX = re.compile(r"(管理局|委员会|办公室|中心|局|委|厅|办|院|室|处|部|会|馆|站)$")

# The abbreviation a province's documents carry (the first of its two, where it has two).
_PROVINCE_ABBREVIATIONS = {v: k for k, v in _PROVINCES.items() if k not in "蜀黔滇秦陇"}


@dataclass(frozen=True, slots=True)
class Site:
    area: str  # what titles start with: 青山市 / 青山市数据资源局
    level: str  # province | city | county | dept
    office: str  # issuing office: 青山市人民政府办公室 / 青山市数据资源局
    government: str  # 青山市人民政府 (the department itself for a department site)
    short_office: str  # 青山市政府办
    doc_prefix: str  # 青政办
    scope: str  # 省 | 市 | 县 | 区 — for "全市" in titles
    actors: tuple[str, ...]  # who does the "work" items


@dataclass(frozen=True, slots=True)
class _Name:
    """What the abbreviation says: the area, the level, the department, and a 文号 character if it gives one."""

    area: str
    level: str
    dept: str = ""
    abbr: str = ""


@lru_cache(maxsize=256)
def site_of(site_code: str, abbreviation: str) -> Site:
    """The site behind a demo site's code and short name; cached, as every article of the site asks."""
    name = _read_name(site_code, _bare_name(abbreviation))
    abbr = name.abbr or _area_abbreviation(name.area)
    scope = "省" if name.level == "province" else name.area[-1] if name.area[-1] in "市县区" else "市"
    if name.level == "dept":
        return _department_site(name, abbr, scope)
    return _government_site(name, abbr, scope)


def _bare_name(abbreviation: str) -> str:
    """The abbreviation without spaces and without a trailing 人民政府 / 政府(门户)网站."""
    name = re.sub(r"\s+", "", abbreviation)
    name = re.sub(r"(人民政府|政府)(门户网站|网站)?$", "", name) or name
    if not name:
        raise ValueError("abbreviation must name the site")
    return name


def _read_name(site_code: str, name: str) -> _Name:
    if len(name) == 1:
        return _Name(_PROVINCES.get(name, name + "省"), "province", abbr=name)
    if m := _RE_DEPT.match(name):
        return _department_name(m.group(1), m.group(2))
    if name in _PROVINCE_NAMES:
        return _Name(_PROVINCE_NAMES[name], "province")
    if name.endswith(("省", "自治区")):
        return _Name(name, "province")
    if name.endswith(("市", "州", "盟")):
        return _Name(name, "city")
    if name.endswith(("县", "区", "旗")):
        return _Name(name, "county")
    level = _level_from_code(site_code)
    return _Name(name + {"province": "省", "city": "市", "county": "县"}[level], level)


def _department_name(area: str, dept: str) -> _Name:
    """A department of an area; 青山市|东城区教育局 is a district's department, not the city's."""
    sub = re.match(r"^(.{1,4}[区县旗])(.+)$", dept)
    if sub and _DEPT_SUFFIX.search(sub.group(2)):
        area, dept = area + sub.group(1), sub.group(2)
    return _Name(area, "dept", dept=dept)


def _area_abbreviation(area: str) -> str:
    """The 文号 character of an area: a province's own, else the area's first character."""
    # a district or county of a city is abbreviated by its own first character:
    # 青山市东城区 → 东政办
    local = re.match(r"^.+?[市州盟](.+[区县旗])$", area)
    return _PROVINCE_ABBREVIATIONS.get(area) or (local.group(1)[0] if local else area[0])


def _level_from_code(site_code: str) -> str:
    digits = re.sub(r"\D", "", site_code)
    if len(digits) >= 6:
        if digits[2:6] == "0000":
            return "province"
        if digits[4:6] == "00":
            return "city"
        return "county"
    return "city"


def _department_site(name: _Name, abbr: str, scope: str) -> Site:
    core = _DEPT_SUFFIX.sub("", name.dept) or name.dept
    office = government = name.area + name.dept
    return Site(
        area=name.area + name.dept,
        level=name.level,
        office=office,
        government=government,
        short_office=office,
        doc_prefix=abbr + core[0],
        scope=scope,
        actors=("办公室", "政务公开科", "信息技术科", "综合科"),  # its own divisions
    )


def _government_site(name: _Name, abbr: str, scope: str) -> Site:
    office_word = "办公厅" if name.level == "province" else "办公室"
    return Site(
        area=name.area,
        level=name.level,
        office=f"{name.area}人民政府{office_word}",
        government=f"{name.area}人民政府",
        short_office=f"{name.area}政府办",
        doc_prefix=f"{abbr}政办",
        scope=scope,
        # offices inside the government office, so that no department site (whose own
        # titles start with "青山市…局") can have the same title
        actors=(f"人民政府{office_word}", "政务公开办公室", "电子政务办公室"),
    )
