"""What the letters desk's pages share: the sites a person handles letters on, and each step's form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path

from services.console.service.context import ConsoleDeps
from services.console.service.sessions import Staff
from services.console.service.workspace import SiteRef, site_in_reach
from shared.clock import china_time

LETTERS = "/api/v1/interaction"
HANDLERS = ("letter_handler", "letter_handler:*", "site_admin", "platform_operator")
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
LetterId = Annotated[int, Path(ge=1, le=2**53)]


@dataclass(frozen=True, slots=True)
class StepForm:
    label: str
    note: str | None  # the note's label; None: no note
    note_required: bool = False
    unit: bool = False  # asks for a department
    danger: bool = False


STEP_FORMS = {
    "accept": StepForm("受理", "受理说明（选填）", unit=True),
    "reject": StepForm("不予受理", "不予受理的理由（告知来信人）", True, danger=True),
    "assign": StepForm("转办", "转办说明（选填）", unit=True),
    "clarify": StepForm("请来信人补充", "需要补充的内容（发给来信人，补充前暂停计时）", True),
    "resume": StepForm("恢复办理", "说明（选填）"),
    "extend": StepForm("延期", "延期理由（告知来信人）", True),
    "draft": StepForm("提交答复审核", None),
    "return": StepForm("退回修改", "退回意见", True, danger=True),
    "approve": StepForm("审核通过并答复", "审核意见（选填）"),
    "publish": StepForm("公开", "说明（选填）"),
    "unpublish": StepForm("撤销公开", "撤销理由", True, danger=True),
    "reopen": StepForm("重新办理", "重新办理的理由", True),
    "supervise": StepForm("督办", "督办意见", True),
    "close": StepForm("办结", "说明（选填）"),
}
URGENCY = {"overdue": "已超期", "near": "即将到期", "ok": "正常", "paused": "暂停计时", "none": "—"}


async def handled_site(deps: ConsoleDeps, staff: Staff, site_id: str) -> SiteRef:
    return await site_in_reach(deps, staff, site_id, HANDLERS, what="信件办理角色")


def beijing(moment: str | None) -> str | None:
    """An API timestamp as staff read it: Beijing time to the minute."""
    if not moment:
        return None
    return f"{china_time(datetime.fromisoformat(moment)):%Y-%m-%d %H:%M}"


def with_local_times(letter: dict[str, Any]) -> dict[str, Any]:
    """The letter with its moments (and its steps') in Beijing time, under the same names."""
    moments = {k: beijing(letter.get(k)) for k in ("received_at", "replied_at", "published_at") if k in letter}
    steps = [step | {"at": beijing(step["at"])} for step in letter.get("steps", [])]
    return letter | moments | ({"steps": steps} if "steps" in letter else {})


def days_left(row: dict) -> str:
    """The clock of a queue row in words: colour is never the only sign."""
    left, urgency = row.get("workdays_left"), row["urgency"]
    if urgency == "overdue" and left is not None:
        return f"已超期 {-left} 个工作日"
    if urgency in ("near", "ok") and left is not None:
        return "今天到期" if left == 0 else f"剩 {left} 个工作日"
    return URGENCY[urgency]
