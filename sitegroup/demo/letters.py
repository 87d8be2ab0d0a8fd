"""The demo province's 互动交流: each site's mailboxes and departments, reply templates, and letters in every
state — answered and published, rated, still with a department, waiting to be accepted — written from the
themes of the seed texts (留言办理, 政务公开, 网站集约化, 民生诉求). Sent and handled through the desk's own use
cases, with the clock set to when each step happened."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.interaction import (
    Desk,
    DeskSettingsWrite,
    InteractionDeps,
    LetterCreate,
    RatingCreate,
    StepRequest,
    TemplateWrite,
    UnitWrite,
    letters_on,
    put_unit,
    rate_letter,
    save_desk_settings,
    save_template,
    submit_letter,
    take_step,
)
from shared.auth import Grant, Principal
from sitegroup.demo.province import PROVINCE, DemoSite

SEEDER = Principal(subject="system:demo", name="演示数据", grants=(Grant(site="*", role="platform_operator"),))
LEADER = {"province": "省长信箱", "city": "市长信箱", "county": "县长信箱", "department": "主要负责人信箱"}
DEPARTMENTS = {  # code → name, by the level of the site (a department site has its offices)
    "government": [("jyj", "教育局"), ("zjj", "住房和城乡建设局"), ("jtj", "交通运输局"), ("wjw", "卫生健康委员会"),
                   ("rsj", "人力资源和社会保障局"), ("sjj", "数据资源管理局")],
    "department": [("bgs", "办公室"), ("zcfg", "政策法规处"), ("fwc", "业务服务处")],
}  # fmt: skip
TEMPLATES = [
    (
        "已办结（问题已解决）",
        "您好！您反映的问题已收悉。经核查，{情况}。目前问题已解决，感谢您对我们工作的关心和支持。",
    ),
    ("政策咨询答复", "您好！关于您咨询的问题，根据{文件名称}规定，{答复要点}。如有疑问，可拨打咨询电话{电话}。"),
    ("不属于本机关职责", "您好！您反映的事项不属于本机关职责范围，建议您向{部门}反映，联系电话{电话}。"),
]


@dataclass(frozen=True, slots=True)
class DemoLetter:
    unit: str  # a department code (the letter goes to the leader's mailbox, then to this department)
    category: str
    title: str
    body: str
    writer: str
    reply: str
    ends: str  # rated | replied | processing | submitted
    rating: str = "满意"


LETTERS = [
    DemoLetter("jtj", "建议", "建议在新建小区门口增设公交站点",
               "我们小区入住已近两年，居民三千多户，最近的公交站步行要二十分钟，老人和学生出行很不方便。"
               "建议在小区南门增设公交站点，或调整附近线路走向。", "王建国",
               "您好！经实地踏勘并征求公交企业意见，拟将 12 路公交线路延伸至小区南门，并新设“幸福里南门”站，"
               "预计下月起运营。感谢您的建议。", "rated"),
    DemoLetter("jyj", "咨询", "随迁子女入学需要准备哪些材料",
               "孩子今年九月上小学，我们是外地户籍，在本地缴纳社保满两年，请问随迁子女入学需要准备哪些材料，"
               "什么时间在网上报名？", "李秀英",
               "您好！随迁子女入学需提供居住证、监护人社保缴纳证明、户口簿和房屋租赁备案证明等材料。"
               "网上报名时间为每年 6 月中旬，具体以教育局发布的招生公告为准。", "rated", "基本满意"),
    DemoLetter("zjj", "投诉", "老旧小区改造施工噪音扰民",
               "小区改造工程每天晚上十点后仍在施工，噪音很大，影响居民休息，请相关部门督促施工单位文明施工。",
               "陈志强",
               "您好！接到反映后，我局已约谈施工单位，要求严格执行夜间施工审批制度，22 时后不得进行产生噪音的作业，"
               "并安排专人巡查。如再发现违规施工，可拨打 12345 热线反映。", "rated"),
    DemoLetter("sjj", "建议", "政府网站办事指南希望增加办理流程图",
               "在政府网站查办事指南时，文字说明较长，不容易看懂，建议增加办理流程图，并标注所需材料的样表下载。",
               "赵敏",
               "您好！感谢您对政府网站建设的关注。我们已在网站集约化平台统一增加办事指南流程图功能，"
               "首批 50 个高频事项的流程图和样表已上线，其余事项将陆续完善。", "rated"),
    DemoLetter("wjw", "求助", "异地就医备案如何办理",
               "我母亲长期在外地子女家居住，需要在当地看病，请问异地就医备案怎么办理，能否在网上办？", "刘洋",
               "您好！异地长期居住人员可通过国家医保服务平台 APP 或省政务服务网办理异地就医备案，"
               "备案后在就医地定点医疗机构可直接结算。", "replied"),
    DemoLetter("rsj", "咨询", "灵活就业人员社保补贴申领条件",
               "本人今年 45 岁，以灵活就业身份缴纳社保，请问是否可以申请社会保险补贴，需要满足什么条件？", "孙丽",
               "您好！符合条件的就业困难人员灵活就业后缴纳社会保险费的，可按规定申请社会保险补贴，"
               "补贴期限一般不超过 3 年，具体可携带身份证到户籍所在地人社服务窗口申请。", "rated"),
    DemoLetter("jtj", "投诉", "乡村道路破损严重影响通行",
               "村里通往镇上的水泥路有多处塌陷，雨天积水严重，电动车经常摔倒，希望尽快维修。", "周海",
               "", "processing"),
    DemoLetter("jyj", "建议", "建议延长学校课后服务时间",
               "双职工家庭下班较晚，建议学校课后服务延长到下午六点，并增加兴趣类课程。", "吴芳",
               "", "processing"),
    DemoLetter("zjj", "咨询", "公积金贷款额度如何计算",
               "准备首次购房，想了解住房公积金贷款的最高额度是怎么计算的，夫妻双方都缴存是否可以提高额度？",
               "郑伟", "", "submitted"),
]  # fmt: skip


async def seed_letters(deps: InteractionDeps) -> int:
    """Every demo site's desk and its letters; nothing if the sites have letters already."""
    sent = 0
    for number, site in enumerate(PROVINCE):
        if await letters_on(deps, site.id):
            continue
        await _open_desk(deps, site)
        for index, letter in enumerate(LETTERS[number % 3 :] + LETTERS[: number % 3]):
            if site.level == "department" and index >= 4:
                break
            await _send_and_handle(deps, site, letter, index)
            sent += 1
    return sent


async def _open_desk(deps: InteractionDeps, site: DemoSite) -> None:
    await put_unit(deps, SEEDER, site.id, "leader", UnitWrite(name=LEADER[site.level], kind="leader", position=0))
    kind = "department" if site.level == "department" else "government"
    prefix = {"province": "省", "city": "市", "county": "县"}.get(site.level, "")
    for position, (code, name) in enumerate(DEPARTMENTS[kind], start=1):
        await put_unit(deps, SEEDER, site.id, code, UnitWrite(name=prefix + name, position=position))
    desk = Desk.of(SEEDER, site.id)
    for title, body in TEMPLATES:
        await save_template(deps, desk, TemplateWrite(title=title, body=body))
    await save_desk_settings(deps, SEEDER, site.id, DeskSettingsWrite(office_email=f"xinxiang@{site.main_domain}"))


async def _send_and_handle(deps: InteractionDeps, site: DemoSite, letter: DemoLetter, index: int) -> None:
    # Letters still open are recent (near due, or not yet), so the demo does not fail its own inspection.
    days = {"submitted": 1, "processing": 4 + 4 * (index % 3)}.get(letter.ends, 9 + index * 11)
    age = timedelta(days=days, hours=index * 3)
    start = datetime.now(UTC) - age
    unit = letter.unit if site.level != "department" else ("bgs", "zcfg", "fwc")[index % 3]
    desk = Desk.of(SEEDER, site.id)
    data = LetterCreate(
        category=letter.category, addressee="leader", title=letter.title, body=letter.body, name=letter.writer,
        phone=f"139{index:04d}{abs(hash(site.id)) % 10000:04d}"[:11], public=True,
    )  # fmt: skip
    receipt = await at(deps, start, lambda: submit_letter(deps, site.id, data, address=f"demo-{site.id}-{index}"))
    if letter.ends == "submitted":
        return
    step = _stepper(deps, desk, receipt.id)
    await at(deps, start + timedelta(hours=20), lambda: step("accept", StepRequest(unit=unit)))
    if letter.ends == "processing":
        return
    await at(deps, start + timedelta(days=3), lambda: step("draft", StepRequest(reply=letter.reply)))
    await at(deps, start + timedelta(days=4), lambda: step("approve", StepRequest()))
    await at(deps, start + timedelta(days=4, hours=1), lambda: step("publish", StepRequest()))
    if letter.ends == "rated":
        rating = RatingCreate(rating=letter.rating)
        await at(deps, start + timedelta(days=6), lambda: rate_letter(deps, receipt.tracking_code, rating))


def _stepper(deps: InteractionDeps, desk: Desk, letter_id: int) -> Callable[[str, StepRequest], Awaitable[object]]:
    return lambda action, request: take_step(deps, desk, letter_id, action, request)


async def at(deps: InteractionDeps, moment: datetime, work: Callable[[], Awaitable[object]]):  # noqa: ANN202
    """Run one step as if at `moment` (the seed writes history; nothing else runs meanwhile)."""
    clock = deps.clock
    deps.clock = lambda: moment
    try:
        return await work()
    finally:
        deps.clock = clock
