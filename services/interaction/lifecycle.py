"""The life of a letter: its states, the steps between them, who takes each, and the deadlines by kind.

受理 (or 不予受理) → 转办/分办 → 办理 (a clarification pauses the clock) → 答复拟稿 → 审核 → 答复 → 公开 →
评价; 不满意 may reopen the case or put it under 督办. Pure rules: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final, Literal

from shared.errors import Conflict


class Status(StrEnum):
    SUBMITTED = "submitted"  # 待受理
    ACCEPTED = "accepted"  # 已受理, not yet with a department
    REJECTED = "rejected"  # 不予受理 (with the reason)
    PROCESSING = "processing"  # 办理中, with a department
    CLARIFYING = "clarifying"  # 待补充: the writer was asked; the clock stands still
    REVIEWING = "reviewing"  # 答复审核中
    REPLIED = "replied"  # 已答复
    CLOSED = "closed"  # 已办结: rated, or closed without a rating


STATUS_LABELS: Final = {
    Status.SUBMITTED: "待受理",
    Status.ACCEPTED: "已受理",
    Status.REJECTED: "不予受理",
    Status.PROCESSING: "办理中",
    Status.CLARIFYING: "待补充材料",
    Status.REVIEWING: "答复审核中",
    Status.REPLIED: "已答复",
    Status.CLOSED: "已办结",
}
OPEN: Final = frozenset({Status.ACCEPTED, Status.PROCESSING, Status.CLARIFYING, Status.REVIEWING})
ANSWERED: Final = frozenset({Status.REPLIED, Status.CLOSED})
VALID: Final = frozenset(Status) - {Status.REJECTED}  # 有效信件: what the inspection counts

Role = Literal["office", "unit", "writer"]  # the site's letters office, a department's handler, the writer


@dataclass(frozen=True, slots=True)
class Step:
    action: str
    label: str
    sources: frozenset[Status]
    target: Status | None  # None: the status stays (extend, publish, supervise)
    by: frozenset[Role]


def _step(action: str, label: str, sources: set[Status], target: Status | None, *by: Role) -> Step:
    return Step(action, label, frozenset(sources), target, frozenset(by))


STEPS: Final = {
    s.action: s
    for s in (
        _step("accept", "受理", {Status.SUBMITTED}, Status.ACCEPTED, "office"),
        _step("reject", "不予受理", {Status.SUBMITTED}, Status.REJECTED, "office"),
        _step("assign", "转办", {Status.ACCEPTED, Status.PROCESSING}, Status.PROCESSING, "office"),
        _step("clarify", "请来信人补充", {Status.ACCEPTED, Status.PROCESSING}, Status.CLARIFYING, "office", "unit"),
        _step("supplement", "来信人补充", {Status.CLARIFYING}, None, "writer"),
        _step("resume", "恢复办理", {Status.CLARIFYING}, None, "office", "unit"),
        _step("extend", "延期", OPEN, None, "office"),
        _step("draft", "拟定答复", {Status.ACCEPTED, Status.PROCESSING}, Status.REVIEWING, "office", "unit"),
        _step("return", "退回修改", {Status.REVIEWING}, Status.PROCESSING, "office"),
        _step("approve", "审核通过并答复", {Status.REVIEWING}, Status.REPLIED, "office"),
        _step("publish", "公开", ANSWERED, None, "office"),
        _step("unpublish", "撤销公开", ANSWERED, None, "office"),
        _step("rate", "评价", {Status.REPLIED}, None, "writer"),
        _step("reopen", "重新办理", ANSWERED, Status.PROCESSING, "office"),
        _step("supervise", "督办", OPEN | ANSWERED, None, "office"),
        _step("close", "办结", {Status.REPLIED}, Status.CLOSED, "office"),
    )
}


def step_for(action: str, status: Status, role: Role) -> Step:
    """The step, if this role may take it from this status; a clear refusal otherwise."""
    step = STEPS[action]
    if role not in step.by:
        raise Conflict(f"「{step.label}」不由{_ROLE_LABELS[role]}办理", code="not_your_step")
    if status not in step.sources:
        raise Conflict(f"信件{STATUS_LABELS[status]}，不能「{step.label}」", code="wrong_status")
    return step


_ROLE_LABELS: Final = {"office": "信件受理部门", "unit": "承办部门", "writer": "来信人"}


@dataclass(frozen=True, slots=True)
class Limits:
    """Working days to answer, and the longest it may run after its one extension."""

    days: int
    extended: int


LIMITS: Final = {"letter": Limits(7, 15), "disclosure": Limits(20, 40)}  # 条例 第三十三条: 20 + 20

CATEGORIES: Final = ("咨询", "投诉", "建议", "求助")
DISCLOSURE: Final = "依申请公开"
RATINGS: Final = ("满意", "基本满意", "不满意")

# 政府信息公开条例 第三十六条: the forms a reply to a disclosure request takes; those refusing name the article.
DISCLOSURE_DECISIONS: Final = {
    "予以公开": False,
    "部分公开": True,
    "不予公开": True,
    "无法提供": False,
    "信息不存在": False,
    "非本机关负责公开": False,
    "不予处理": True,
}


def phase(status: str, opens_at: datetime, closes_at: datetime, now: datetime) -> tuple[str, str, bool]:
    """Where a consultation or survey stands now: its status, its label, and whether it takes contributions."""
    if status in ("draft", "reported"):
        return status, {"draft": "未发布", "reported": "已公布结果"}[status], False
    if status == "closed" or now >= closes_at:
        return "closed", "已结束", False
    if now < opens_at:
        return "upcoming", "即将开始", False
    return "open", "进行中", True


INTERVIEW_LABELS: Final = {"scheduled": "预告", "live": "正在直播", "archived": "往期回顾"}
