"""A site's channels as a tree, in the order the site shows them, for menus and pickers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WRITABLE = ("list", "topic")  # documents live in list and topic channels; pages and links hold none


@dataclass(frozen=True, slots=True)
class ChannelNode:
    id: int
    name: str
    depth: int
    writable: bool
    path: str


def channel_tree(channels: list[dict[str, Any]]) -> list[ChannelNode]:
    children: dict[int | None, list[dict[str, Any]]] = {}
    for channel in channels:
        children.setdefault(channel["parent_id"], []).append(channel)
    ordered: list[ChannelNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for channel in sorted(children.get(parent, []), key=lambda c: (c["position"], c["id"])):
            writable = channel["kind"] in WRITABLE
            ordered.append(ChannelNode(channel["id"], channel["name"], depth, writable, channel["path"]))
            walk(channel["id"], depth + 1)

    walk(None, 0)
    return ordered
