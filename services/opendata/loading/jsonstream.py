"""JSON read one value at a time with the stdlib decoder, so that a 200 MB array of records is never a list of
a million dicts (json.load would hold the whole document, several times the file's size, in memory).

The text is read in chunks; `raw_decode` parses a value from the buffer, and a value cut off by the end of the
buffer is parsed again once more text is read (the buffer grows by doubling, so a large value costs O(n)).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TextIO

CHUNK = 256 * 1024
# A value that ends this close to the buffer's end may go on in the next chunk ("1" + ".5", "1e" + "+3", "tru" +
# "e"): more text is read and it is parsed again before it is believed (or an error reported).
TAIL = 8
_SPACE = re.compile(r"[ \t\n\r]*")
_REASONS = {  # the stdlib decoder's messages, as a publisher reads them
    "Expecting value": "此处应为一个值",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "键应为双引号括起的字符串",
    "Unterminated string starting at": "字符串缺少结束的引号",
    "Invalid control character at": "字符串中有控制字符（如未转义的换行）",
    "Invalid \\escape": "字符串中有无效的转义",
    "Invalid \\uXXXX escape": "字符串中有无效的 \\u 转义",
}


class JsonSyntaxError(Exception):
    """The text is not JSON (or not of the shape asked for); the message says where, in Chinese."""


class JsonStream:
    """A JSON text walked from the outside in: arrays element by element, objects key by key."""

    def __init__(self, text: TextIO) -> None:
        self._text = text
        self._buffer = ""
        self._pos = 0
        self._lines = 0  # newlines in the text already dropped from the buffer: errors say the line
        self._eof = False
        self._decoder = json.JSONDecoder(parse_float=Decimal)  # 0.1 stays 0.1, not a binary float

    def peek(self) -> str:
        """The next character that is not whitespace, without taking it ("" at the end of the text)."""
        while True:
            space = _SPACE.match(self._buffer, self._pos)  # always matches (*), perhaps nothing
            self._pos = space.end() if space else self._pos
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._more():
                return ""

    def take(self, char: str) -> None:
        """Take the next character, which must be `char`."""
        if self.peek() != char:
            raise self.error(f"此处应为「{char}」")
        self._pos += 1

    def value(self) -> Any:
        """The whole value that starts here (numbers with a fraction as Decimal)."""
        self.peek()
        while True:
            try:
                found, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                cut = len(self._buffer) - error.pos <= TAIL or error.msg.startswith("Unterminated string")
                if cut and self._more():
                    continue  # the value goes on in the text not read yet
                raise self.error(error.msg, error.pos) from None
            if self._eof or len(self._buffer) - end > TAIL or not self._more():
                self._pos = end
                return found

    def items(self) -> Iterator[Any]:
        """The elements of the array that starts here, one at a time."""
        self.take("[")
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield self.value()
            if self._separator("]"):
                return

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here; the caller takes each key's value before asking for the next."""
        self.take("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self.error("对象的键应为字符串")
            self.take(":")
            yield key
            if self._separator("}"):
                return

    def end(self) -> None:
        """Nothing but whitespace may follow the document."""
        if self.peek():
            raise self.error("JSON 内容结束后还有多余的字符")

    def error(self, reason: str, at: int | None = None) -> JsonSyntaxError:
        """A syntax error located as a text editor shows it."""
        at = self._pos if at is None else at
        line = self._lines + self._buffer.count("\n", 0, at) + 1
        column = at - self._buffer.rfind("\n", 0, at)
        return JsonSyntaxError(f"JSON 格式有误：第 {line} 行第 {column} 列（{_REASONS.get(reason, reason)}）")

    def _separator(self, closing: str) -> bool:
        """After an element: True at the closing bracket, False at a comma (both taken)."""
        char = self.peek()
        if char not in (",", closing):
            raise self.error(f"此处应为「,」或「{closing}」")
        self._pos += 1
        return char == closing

    def _more(self) -> bool:
        """Read more text (as much again as is buffered, at least a chunk); False at the end, the buffer as it was."""
        if self._eof:
            return False
        chunk = self._text.read(max(CHUNK, len(self._buffer) - self._pos))
        if not chunk:
            self._eof = True
            return False
        self._lines += self._buffer.count("\n", 0, self._pos)
        self._buffer = self._buffer[self._pos :] + chunk
        self._pos = 0
        return True
