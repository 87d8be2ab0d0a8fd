"""The demo province: a provincial portal, city and county portals, department sites (fictional codes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoSite:
    id: str
    name: str
    abbreviation: str
    host_unit: str
    level: str
    parent_id: str | None
    site_code: str
    org_code: str
    main_domain: str
    documents: int
    phone: str

    @property
    def icp_number(self) -> str:
        return f"皖ICP备{self.site_code[2:10]}号"

    @property
    def police_number(self) -> str:
        return f"皖公网安备 {self.site_code}{self.org_code[-4:]}号"


PROVINCE = (
    DemoSite(
        "ah",
        "安徽省人民政府",
        "皖",
        "安徽省人民政府办公厅",
        "province",
        None,
        "3400000001",
        "003014349",
        "www.ah.gov.cn",
        120,
        "0551-62999000",
    ),
    DemoSite(
        "hefei",
        "合肥市人民政府",
        "合肥市",
        "合肥市人民政府办公室",
        "city",
        "ah",
        "3401000001",
        "003254560",
        "www.hefei.gov.cn",
        70,
        "0551-63538000",
    ),
    DemoSite(
        "mas",
        "马鞍山市人民政府",
        "马鞍山市",
        "马鞍山市人民政府办公室",
        "city",
        "ah",
        "3405000001",
        "003259214",
        "www.mas.gov.cn",
        70,
        "0555-8355000",
    ),
    DemoSite(
        "wuhu",
        "芜湖市人民政府",
        "芜湖市",
        "芜湖市人民政府办公室",
        "city",
        "ah",
        "3402000001",
        "003246893",
        "www.wuhu.gov.cn",
        70,
        "0553-3830000",
    ),
    DemoSite(
        "feixi",
        "肥西县人民政府",
        "肥西县",
        "肥西县人民政府办公室",
        "county",
        "hefei",
        "3401230001",
        "003275128",
        "www.feixi.gov.cn",
        60,
        "0551-68842000",
    ),
    DemoSite(
        "ah-sjzyj",
        "安徽省数据资源管理局",
        "安徽省数据资源管理局",
        "安徽省数据资源管理局",
        "department",
        "ah",
        "3400000012",
        "003014411",
        "sjzyj.ah.gov.cn",
        45,
        "0551-62998000",
    ),
    DemoSite(
        "ah-jyt",
        "安徽省教育厅",
        "安徽省教育厅",
        "安徽省教育厅",
        "department",
        "ah",
        "3400000015",
        "003014420",
        "jyt.ah.gov.cn",
        45,
        "0551-62831000",
    ),
    DemoSite(
        "hefei-sthjj",
        "合肥市生态环境局",
        "合肥市生态环境局",
        "合肥市生态环境局",
        "department",
        "hefei",
        "3401000023",
        "003254615",
        "sthjj.hefei.gov.cn",
        45,
        "0551-63537000",
    ),
    DemoSite(
        "mas-sjzyj",
        "马鞍山市数据资源局",
        "马鞍山市数据资源局",
        "马鞍山市数据资源局",
        "department",
        "mas",
        "3405000031",
        "003259271",
        "sjzyj.mas.gov.cn",
        45,
        "0555-8356000",
    ),
    DemoSite(
        "wuhu-wjw",
        "芜湖市卫生健康委员会",
        "芜湖市卫生健康委员会",
        "芜湖市卫生健康委员会",
        "department",
        "wuhu",
        "3402000027",
        "003246950",
        "wjw.wuhu.gov.cn",
        45,
        "0553-3831000",
    ),
)

# Where each kind of demo article goes on every site (paths of the basic channels).
CHANNEL_FOR_KIND = {
    "news": "zwdt/yw",
    "work": "zwdt/bmdt",
    "notice": "zwdt/tzgg",
    "policy": "zfxxgk/fdzdgknr/zcwj",
    "interpretation": "zcjd",
}
