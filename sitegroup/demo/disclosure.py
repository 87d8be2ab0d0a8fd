"""The 政府信息公开 column's fixed parts for each demo site: its 政府信息公开指南 (the rules every 指南 states, with
the site's own unit, address and telephone), its 负责人信息 (the offices and their 分工; the demo names no
people), and its 政府信息公开工作年度报告 of last year, whose figures are counted from what the demo itself
published that year."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sitegroup.demo.province import DemoSite

GUIDE_CHANNEL = "zfxxgk/zn"
REPORT_CHANNEL = "zfxxgk/nb"
LEADERS_CHANNEL = "zfxxgk/fdzdgknr/ldxx"
KIND_NAMES = {
    "news": "政务动态",
    "notice": "通知公告",
    "policy": "政策文件",
    "interpretation": "政策解读",
    "work": "工作动态",
}


@dataclass(frozen=True, slots=True)
class FixedDocument:
    title: str
    paragraphs: tuple[str, ...]
    summary: str | None = None


_GOVERNMENT_OFFICES = {  # the head of a government, its executive deputy, its deputies; what it calls itself
    "province": ("省长", "常务副省长", "副省长", "省政府"),
    "city": ("市长", "常务副市长", "副市长", "市政府"),
    "county": ("县长", "常务副县长", "副县长", "县政府"),
}
_GOVERNMENT_DUTIES = (
    "主持{unit}全面工作。",
    "负责{unit}常务工作，分管发展改革、财政、审计、机构编制、政务公开等方面工作。",
    "负责教育、科技、卫生健康、民政、人力资源社会保障等方面工作。",
    "负责工业和信息化、数据资源、商务、市场监管等方面工作。",
)
_DEPARTMENT_DUTIES = (
    "主持{unit}全面工作。",
    "负责机关日常工作，分管办公室、人事、财务审计、政务公开等方面工作。",
    "分管政策法规、发展规划、信息化建设等方面工作。",
    "分管业务处室、直属单位和安全生产等方面工作。",
)


def _offices(site: DemoSite) -> tuple[str, str, str, str]:
    if site.level in _GOVERNMENT_OFFICES:
        return _GOVERNMENT_OFFICES[site.level]
    unit = site.host_unit
    head = "主任" if unit.endswith("委员会") else "厅长" if unit.endswith("厅") else "局长"
    return head, f"副{head}", f"副{head}", "本委" if head == "主任" else f"本{unit[-1]}"


def leaders(site: DemoSite) -> FixedDocument:
    """The 负责人信息 page: each office and its 分工 (a real site names its office holders here)."""
    head, executive, deputy, short = _offices(site)
    duties = _GOVERNMENT_DUTIES if site.level in _GOVERNMENT_OFFICES else _DEPARTMENT_DUTIES
    roles = (head, executive, deputy, deputy)
    lines = tuple(f"{role}：{duty.format(unit=short)}" for role, duty in zip(roles, duties, strict=True))
    unit = site.host_unit.removesuffix("办公厅").removesuffix("办公室")
    return FixedDocument(
        f"{unit}负责人信息",
        ("根据《中华人民共和国政府信息公开条例》第二十条，公开本机关负责人的职务和工作分工。", *lines),
        summary=f"本机关负责人的职务和工作分工：{head}主持全面工作，{executive}{duties[1].split('，')[0].format(unit=short)}。",
    )


def guide(site: DemoSite) -> FixedDocument:
    unit = site.host_unit
    return FixedDocument(
        f"{unit}政府信息公开指南",
        (
            f"为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。"
            f"需要获得{unit}政府信息公开服务的公民、法人或者其他组织，建议阅读本指南。",
            "一、主动公开。本机关主动公开的政府信息在本网站“政府信息公开”专栏发布，按机构职能、负责人信息、"
            "政策文件、规划信息、财政信息等分类编排，每条信息标明索引号、发布机构、成文日期、文号、主题分类和有效性。"
            "属于主动公开范围的政府信息，自形成或者变更之日起20个工作日内予以公开。",
            "二、依申请公开。公民、法人或者其他组织申请获取政府信息的，可以通过本网站在线提交、信函或者当面提交"
            "书面申请。本机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；"
            "需要延长答复期限的，经本机关政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过20个工作日。",
            "三、收费。行政机关依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，"
            "按照国家有关规定收取信息处理费。",
            f"四、受理机构。{unit}，联系电话：{site.phone}，网址：https://{site.main_domain}/。",
            "五、监督和救济。公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关"
            "或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。",
        ),
    )


def annual_report(site: DemoSite, year: int, published: Counter[str]) -> FixedDocument:
    """The report of `year`, its 主动公开 figures those of the documents published that year."""
    unit = site.host_unit
    total = sum(published.values())
    lines = "；".join(f"{KIND_NAMES[kind]}{count}条" for kind, count in sorted(published.items()) if kind in KIND_NAMES)
    return FixedDocument(
        f"{unit}{year}年政府信息公开工作年度报告",
        (
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制，内容包括总体情况、主动公开政府信息情况、"
            f"收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、存在的主要问题及改进情况。"
            f"报告中所列数据统计期限为{year}年1月1日至{year}年12月31日。",
            f"一、总体情况。{year}年，{unit}坚持以公开为常态、不公开为例外，依托集约化政府网站平台统一发布信息，"
            "严格落实先审后发和三审制度，政策文件与政策解读同步发布、双向关联。",
            f"二、主动公开政府信息情况。全年通过本网站主动公开政府信息{total}条，其中{lines or '无'}。",
            "三、收到和处理政府信息公开申请情况。全年未收到政府信息公开申请。",
            "四、政府信息公开行政复议、行政诉讼情况。全年未发生因政府信息公开引起的行政复议和行政诉讼。",
            "五、存在的主要问题及改进情况。政策解读的形式还不够丰富，部分栏目更新还不够及时。下一步将丰富图解、"
            "问答等解读形式，加强栏目日常维护和内容保障，确保信息发布及时、准确、权威。",
        ),
    )
