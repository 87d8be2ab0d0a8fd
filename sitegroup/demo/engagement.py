"""The demo province's 意见征集, 网上调查 and 在线访谈 on each government portal (departments have none): a draft
open for comment with comments in, an earlier one closed with its feedback report, a survey with answers and
live results, an archived interview with its transcript and one coming up — written from the seed texts' themes
(网站集约化, 政务公开, 互动交流) and made through the desk's own use cases, the clock set to when each happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.interaction import (
    AdoptionWrite,
    CommentCreate,
    ConsultationWrite,
    Desk,
    FeedbackReport,
    InteractionDeps,
    InterviewWrite,
    LineWrite,
    ModerationAction,
    QuestionCreate,
    ResponseCreate,
    SurveyWrite,
    add_comment,
    add_line,
    adopt,
    ask,
    consultations,
    create_consultation,
    create_survey,
    moderate,
    open_consultation,
    publish_report,
    respond,
    schedule_interview,
    set_interview_status,
    set_survey_status,
)
from sitegroup.demo.letters import SEEDER, at
from sitegroup.demo.province import PROVINCE, DemoSite

SECTIONS = [
    "第一条 为推进政府网站集约化建设，统一技术平台、统一安全防护、统一运维监管，制定本办法。",
    "第二条 本地区各级政府及其部门的网站应当迁移至集约化平台，原网址保留并跳转至新页面。",
    "第三条 网站应当设置互动交流栏目，网民留言应当在7个工作日内答复，情况复杂的可延长至15个工作日。",
    "第四条 网站信息内容应当先入统一信息资源库，再发布到各网站栏目。",
]
COMMENTS = [
    (
        2,
        "李明",
        "建议明确答复时限从受理之日起计算，并在网站上公开办理进度。",
        True,
        "已采纳，第三条增加“办理进度可凭查询码查询”。",
    ),
    (1, "王芳", "原网址跳转要保证长期有效，避免群众收藏的链接失效。", True, "已采纳，第二条明确原网址长期保留。"),
    (
        None,
        "赵强",
        "建议增加适老化和无障碍设计的要求。",
        False,
        "适老化要求已在《政府网站发展指引》中规定，本办法不再重复。",
    ),
]
QUESTIONS = [
    {"id": "often", "kind": "single", "text": "您多久访问一次本网站？", "options": ["每天", "每周", "每月", "很少"]},
    {
        "id": "use",
        "kind": "multiple",
        "text": "您主要使用哪些栏目？",
        "options": ["政务动态", "信息公开", "办事服务", "互动交流"],
    },
    {"id": "score", "kind": "rating", "text": "您对本网站的总体满意度（1-5分）"},
    {
        "id": "grid",
        "kind": "matrix",
        "text": "请评价以下方面",
        "rows": ["信息更新及时", "查找信息方便"],
        "options": ["满意", "一般", "不满意"],
    },
    {"id": "advice", "kind": "text", "text": "您对网站还有哪些建议？", "required": False},
]
ANSWERS = [
    {
        "often": "每周",
        "use": ["信息公开", "办事服务"],
        "score": 4,
        "grid": {"信息更新及时": "满意", "查找信息方便": "一般"},
    },
    {"often": "每天", "use": ["政务动态"], "score": 5, "grid": {"信息更新及时": "满意", "查找信息方便": "满意"}},
    {
        "often": "每月",
        "use": ["互动交流", "办事服务"],
        "score": 3,
        "grid": {"信息更新及时": "一般", "查找信息方便": "不满意"},
        "advice": "希望办事指南增加流程图和表格下载。",
    },
]
CURRENT_SECTIONS = [
    "一、深化政策解读，做好政策性文件与解读材料同步发布。",
    "二、加强政府网站和政务新媒体管理，提升互动交流水平。",
    "三、推进基层政务公开标准化规范化。",
]
TRANSCRIPT = [
    ("主持人", "各位网友大家好，今天我们邀请到数据资源管理局负责同志，就政府网站集约化建设与大家在线交流。"),
    ("嘉宾", "集约化以后，全市政府网站统一在一个平台上建设和管理，统一信息资源库，信息发布更规范、更安全。"),
    ("主持人", "有网友问，集约化以后原来的网址还能用吗？"),
    ("嘉宾", "原来的网址全部保留，访问时会自动跳转到新平台上的对应页面，群众收藏的链接不会失效。"),
]


async def seed_engagement(deps: InteractionDeps) -> int:
    """Each portal's consultations, survey and interviews; nothing for a site that has some already."""
    made = 0
    for site in PROVINCE:
        if site.level == "department":
            continue
        desk = Desk.of(SEEDER, site.id)
        if await consultations(deps, site.id, public=False):
            continue
        await _consultations(deps, desk, site)
        await _survey(deps, desk, site)
        await _interviews(deps, desk, site)
        made += 1
    return made


async def _consultations(deps: InteractionDeps, desk: Desk, site: DemoSite) -> None:
    now = datetime.now(UTC)
    earlier = ConsultationWrite(
        title=f"《{site.abbreviation}政府网站集约化管理办法（征求意见稿）》公开征求意见",
        summary="为规范政府网站集约化建设和管理，现将征求意见稿全文公布，公开征求社会各界意见。",
        sections=SECTIONS, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30),
    )  # fmt: skip
    item = await at(deps, now - timedelta(days=61), lambda: create_consultation(deps, desk, earlier))
    await at(deps, now - timedelta(days=60), lambda: open_consultation(deps, desk, item.id))
    for n, (section, name, body, adopted, why) in enumerate(COMMENTS):
        comment = CommentCreate(section=section, name=name, body=body)
        made = await at(deps, now - timedelta(days=50 - n), lambda c=comment, n=n: add_comment(
            deps, site.id, item.id, c, f"demo-comment-{n}"))  # fmt: skip
        await adopt(deps, desk, item.id, made.id, AdoptionWrite(adopted=adopted, response=why))
    report = FeedbackReport(report="征求意见期间共收到有效意见3条，采纳2条。未采纳的意见已逐条说明理由。")
    await at(deps, now - timedelta(days=25), lambda: publish_report(deps, desk, item.id, report))
    current = ConsultationWrite(
        title=f"《{site.abbreviation}政务公开工作要点（征求意见稿）》公开征求意见",
        summary="现就今年政务公开工作要点公开征求意见，欢迎提出宝贵意见建议。",
        sections=CURRENT_SECTIONS,
        opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=27),
    )  # fmt: skip
    open_item = await create_consultation(deps, desk, current)
    await open_consultation(deps, desk, open_item.id)
    note = CommentCreate(section=1, name="陈志强", body="建议政务新媒体留言也纳入统一的办理时限和满意度评价。")
    await add_comment(deps, site.id, open_item.id, note, "demo-comment-now")


async def _survey(deps: InteractionDeps, desk: Desk, site: DemoSite) -> None:
    now = datetime.now(UTC)
    data = SurveyWrite(
        title=f"{site.name}网站满意度调查", intro="为了解公众对本网站的使用体验，改进网站建设，特开展本次调查。",
        questions=QUESTIONS, opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=50), live_results=True,
    )  # fmt: skip
    survey = await create_survey(deps, desk, data)
    await set_survey_status(deps, desk, survey.id, "open")
    for n, answers in enumerate(ANSWERS):
        response = ResponseCreate(answers=answers, device=f"demo-{site.id}-{n}")
        await respond(deps, site.id, survey.id, response, address=f"demo-survey-{n}", writer=None)


async def _interviews(deps: InteractionDeps, desk: Desk, site: DemoSite) -> None:
    now = datetime.now(UTC)
    past = InterviewWrite(
        title="数据资源管理局负责同志谈政府网站集约化建设",
        summary="围绕政府网站集约化建设、信息资源共享和互动交流，与网民在线交流。",
        guests=[{"name": "张伟", "title": "数据资源管理局负责同志"}], starts_at=now - timedelta(days=20),
        video_url=f"https://{site.main_domain}/video/zxft-jiyuehua.mp4",
    )  # fmt: skip
    item = await at(deps, now - timedelta(days=25), lambda: schedule_interview(deps, desk, past))
    question = QuestionCreate(name="网友", body="集约化以后原来的网址还能用吗？")
    asked = await at(deps, now - timedelta(days=21), lambda: ask(deps, site.id, item.id, question, "demo-question"))
    await moderate(deps, desk, "question", asked.id, ModerationAction(action="restore"))
    await at(deps, now - timedelta(days=20), lambda: set_interview_status(deps, desk, item.id, "live"))
    for n, (speaker, text) in enumerate(TRANSCRIPT):
        answers = asked.id if n == len(TRANSCRIPT) - 1 else None  # the guest's last words answer the question
        line = LineWrite(speaker="张伟" if speaker == "嘉宾" else speaker, text=text, question_id=answers)
        await at(deps, now - timedelta(days=20), lambda line=line: add_line(deps, desk, item.id, line))
    await at(deps, now - timedelta(days=20), lambda: set_interview_status(deps, desk, item.id, "archived"))
    coming = InterviewWrite(
        title="解读《政务公开工作要点》在线访谈",
        summary="邀请政府办公室负责同志解读今年政务公开工作要点，欢迎网友提前提问。",
        guests=[{"name": "刘洋", "title": "政府办公室负责同志"}], starts_at=now + timedelta(days=7),
    )  # fmt: skip
    await schedule_interview(deps, desk, coming)
