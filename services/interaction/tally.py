"""A survey's answers checked against its questions, and counted per option: pure rules, no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from services.interaction.schemas import OptionCount, Question, QuestionResult
from shared.errors import InvalidInput

RATING_SCALE = range(1, 6)  # 1 to 5 stars


def check_answers(questions: Sequence[Question], answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as stored; a missing required answer or an unknown option is refused, naming the question."""
    unknown = set(answers) - {q.id for q in questions}
    if unknown:
        raise InvalidInput(f"answers.{sorted(unknown)[0]}", "没有这道题")
    return {q.id: value for q in questions if (value := _checked(q, answers.get(q.id))) is not None}


def _checked(question: Question, value: Any) -> Any:
    field = f"answers.{question.id}"
    if value in (None, "", [], {}):
        if question.required:
            raise InvalidInput(field, f"请回答：{question.text}")
        return None
    if question.kind == "single" and value in question.options:
        return value
    if question.kind == "multiple" and isinstance(value, str):  # one box ticked, as a form sends it
        value = [value]
    if question.kind == "multiple" and isinstance(value, list) and set(value) <= set(question.options):
        return list(dict.fromkeys(value))
    if question.kind == "text" and isinstance(value, str) and len(value) <= 2000:
        return value.strip()
    if question.kind == "rating" and str(value).isdigit() and int(value) in RATING_SCALE:
        return int(value)
    if question.kind == "matrix" and _fits_matrix(question, value):
        if question.required and set(value) != set(question.rows):
            raise InvalidInput(field, f"请回答每一行：{question.text}")
        return dict(value)
    raise InvalidInput(field, f"答案不符合题目的选项：{question.text}")


def _fits_matrix(question: Question, value: Any) -> bool:
    return isinstance(value, dict) and set(value) <= set(question.rows) and set(value.values()) <= set(question.options)


def tally(questions: Sequence[Question], responses: Sequence[Mapping[str, Any]]) -> list[QuestionResult]:
    return [_tally_one(q, [r[q.id] for r in responses if q.id in r]) for q in questions]


def _counts(options: Sequence[str], chosen: Counter, whole: int) -> list[OptionCount]:
    return [
        OptionCount(option=o, count=chosen[o], share=round(chosen[o] / whole, 4) if whole else 0.0) for o in options
    ]


def _tally_one(question: Question, values: list[Any]) -> QuestionResult:
    result = QuestionResult(id=question.id, text=question.text, kind=question.kind, answered=len(values))
    if question.kind == "single":
        result.options = _counts(question.options, Counter(values), len(values))
    elif question.kind == "multiple":
        result.options = _counts(question.options, Counter(o for v in values for o in v), len(values))
    elif question.kind == "rating":
        result.options = _counts([str(n) for n in RATING_SCALE], Counter(str(v) for v in values), len(values))
        result.average = round(sum(values) / len(values), 2) if values else None
    elif question.kind == "matrix":
        for row in question.rows:
            picked = [v[row] for v in values if row in v]
            result.rows[row] = _counts(question.options, Counter(picked), len(picked))
    return result
