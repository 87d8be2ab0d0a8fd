"""Field types every schema of the desk uses; each refusal names the field and the rule."""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from services.interaction.lifecycle import CATEGORIES, DISCLOSURE, DISCLOSURE_DECISIONS, RATINGS
from services.interaction.screening import plain_text

T = TypeVar("T")


def text(max_length: int, min_length: int = 1) -> type[str]:
    """Plain text a person typed: stripped, length-checked, no markup."""
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(plain_text),
    ]


Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{5,19}$")]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^@\s<>]{1,64}@[^@\s<>]+\.[^@\s<>]{2,}$")
]
IdNumber = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{17}[0-9Xx]$")]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
Category = Literal["咨询", "投诉", "建议", "求助", "依申请公开"]
Decision = Literal[tuple(DISCLOSURE_DECISIONS)]  # type: ignore[valid-type]
Rating = Literal[tuple(RATINGS)]  # type: ignore[valid-type]
assert set(CATEGORIES) | {DISCLOSURE} == set(Category.__args__)  # one list of categories


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int
