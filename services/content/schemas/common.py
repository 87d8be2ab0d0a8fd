"""Field types shared by the content schemas; each rejects bad input with a message naming the rule."""

from __future__ import annotations

import re
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_chars(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("不能包含控制字符")
    return value


def text(max_length: int, min_length: int = 1) -> type[str]:
    """A stripped single-purpose text field with a length range."""
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_chars),
    ]


Name = text(100)
ShortText = text(60)
LongText = text(2000, 0)
Keyword = text(20)
SiteId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
Id = Annotated[int, Field(ge=1, le=2**53)]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=2_000_000)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int


def reject_explicit_nulls(model: BaseModel, fields: tuple[str, ...]) -> None:
    """PATCH bodies may omit a field, but may not null one that must have a value."""
    nulled = [f for f in fields if f in model.model_fields_set and getattr(model, f) is None]
    if nulled:
        raise ValueError(f"{'、'.join(nulled)} 不能设为 null")
