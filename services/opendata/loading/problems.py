"""What is wrong with an upload, said to the publisher who sent it: every problem counted, the first ones kept."""

from __future__ import annotations

from dataclasses import dataclass

VALUE_LIMIT = 100  # a cell can be a whole 政策原文: the report quotes its start
QUOTE_LIMIT = 40  # the value as quoted inside a message, shorter still


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix, located as the publisher sees the file.

    `row` is the line a text editor shows for CSV (where the record starts), the row number Excel shows for XLSX
    (the header is row 1 in both), and the record's ordinal in its array for JSON (the first record is 1, since a
    minified file is one line); None for a problem of the whole file.
    """

    row: int | None
    column: str | None
    value: str | None
    message: str

    def __post_init__(self) -> None:
        if self.value is not None and len(self.value) > VALUE_LIMIT:
            object.__setattr__(self, "value", self.value[:VALUE_LIMIT])  # frozen: this is still construction


def file_problem(message: str) -> Problem:
    """A problem of the whole file (its size, encoding, header, format): no row, no column."""
    return Problem(None, None, None, message)


def quote(value: str) -> str:
    """A value inside a message, cut short so that a report stays readable."""
    return value if len(value) <= QUOTE_LIMIT else value[:QUOTE_LIMIT] + "…"


def size_label(size: int) -> str:
    """A byte count as a publisher reads it: 200 MB, 1.5 MB, 64 KB."""
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} 字节"


class LoadError(Exception):
    """The file cannot be loaded: the problems found (at most the limit asked for) and how many there are in all."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        super().__init__(problems, total)  # both, so that the error survives pickling (worker processes)
        self.problems = problems
        self.total = len(problems) if total is None else total

    def __str__(self) -> str:
        shown = "；".join(problem.message for problem in self.problems[:3])
        return f"{shown}（共 {self.total} 个问题）" if self.total > 1 else shown


class ProblemLog:
    """Problems as a pass meets them: all are counted, only the first `limit` are kept (memory stays bounded)."""

    __slots__ = ("limit", "problems", "total")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.problems) < self.limit:
            self.problems.append(problem)

    def raise_if_any(self) -> None:
        """The whole file was read: any problem means nothing of it is loaded."""
        if self.total:
            raise LoadError(self.problems, self.total)
