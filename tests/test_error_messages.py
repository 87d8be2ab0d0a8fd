"""Staff and developers read the platform's errors in Chinese: every message a service raises through the
error envelope is written in Chinese (identifiers inside it stay as they are). Checked in the source, so a
new English message fails here before anyone sees it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENVELOPED = {
    "ProblemError",
    "Forbidden",
    "NotFound",
    "Conflict",
    "Unauthenticated",
    "Gone",
    "Unprocessable",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "ServiceUnavailable",
    "InvalidInput",  # (field, message): the message is the second argument
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _message(call: ast.Call) -> ast.expr | None:
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    if name not in ENVELOPED:
        return None
    position = 1 if name == "InvalidInput" else 0
    return call.args[position] if len(call.args) > position else None


def _text(node: ast.expr) -> str | None:
    """The literal text of a message (the constant parts of an f-string); None for a computed one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    return None


def test_every_enveloped_error_message_is_chinese() -> None:
    english = []
    for folder in ("services", "shared", "gateway"):
        for path in (ROOT / folder).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                message = _message(node) if isinstance(node, ast.Call) else None
                text = _text(message) if message is not None else None
                if text is not None and text.strip() and not HAN.search(text):
                    english.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    assert not english, "messages still in English:\n" + "\n".join(english)
