"""What a section of the console is, and how they are found: each is a package of services/console/sections
that exposes `SECTION`, found at start-up. A service that arrives later (letters, datasets, search, migration)
adds its desk by adding its package — routes, templates, menu entries and the counts it puts on each person's
dashboard — without touching the console's core."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter

from services.console.service.workspace import holds
from shared.auth import Principal

SECTIONS = "services.console.sections"


@dataclass(frozen=True, slots=True)
class MenuItem:
    title: str
    href: str
    shown_to: Callable[[Principal], bool]  # drawing only: the APIs still decide every read and action


@dataclass(frozen=True, slots=True)
class Waiting:
    """A count on the dashboard: what waits for this person (drafts, reviews, letters near due)."""

    title: str
    count: int
    href: str


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    order: int
    router: APIRouter
    menu: tuple[MenuItem, ...]
    templates: Path | None = None  # its templates live under <templates>/<key>/
    waiting: Callable[..., Awaitable[list[Waiting]]] | None = field(default=None)  # (deps, staff) → counts


def discover() -> list[Section]:
    """Every section package, in menu order (imported by name: the core never names a section)."""
    package = importlib.import_module(SECTIONS)
    found = []
    for module in pkgutil.iter_modules(package.__path__):
        if module.ispkg:
            found.append(importlib.import_module(f"{SECTIONS}.{module.name}").SECTION)
    return sorted(found, key=lambda section: section.order)


def roles_anywhere(*roles: str) -> Callable[[Principal], bool]:
    """Shown to whoever holds one of `roles` on some site (or platform-wide)."""
    return lambda principal: any(holds(grant.role, roles) for grant in principal.grants)
