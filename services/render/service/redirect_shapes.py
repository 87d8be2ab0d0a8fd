"""Which kinds of keys a site's redirect table may hold, kept in memory: a page's build asks the table only for a
key it may have. A migration's keys name legacy hosts (`//old.feixi.gov.cn/…`), an admin's none (`/old.html`); a
page's keys are `//<main domain><path>` and `<path>`, so a migrated site's pages usually need no lookup at all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


def _host(key: str) -> str | None:
    """`//old.gov.cn/a.html?id=1` → old.gov.cn; None for a key without a host."""
    if not key.startswith("//"):
        return None
    rest = key[2:]
    end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    return rest[:end]


@dataclass
class RedirectShape:
    """The hosts of a site's keys, and whether any key has none. It may say more than the table holds (keys
    removed leave it as it was: a lookup then finds nothing), never less."""

    hosts: set[str] = field(default_factory=set)
    paths: bool = False  # some key has no host

    def add(self, keys: Iterable[str]) -> None:
        for key in keys:
            host = _host(key)
            if host is None:
                self.paths = True
            else:
                self.hosts.add(host)

    def merge(self, other: RedirectShape) -> None:
        self.hosts |= other.hosts
        self.paths = self.paths or other.paths

    def may_have(self, key: str) -> bool:
        host = _host(key)
        return self.paths if host is None else host in self.hosts

    def __bool__(self) -> bool:
        """Whether the table may hold anything at all."""
        return self.paths or bool(self.hosts)


class RedirectShapes:
    """Each site's shape: read from its table once (the first page built), then grown by every write this process
    commits. What was written is kept apart too, so a write committed while the table was being read is not lost."""

    def __init__(self) -> None:
        self._read: dict[str, RedirectShape] = {}
        self._written: dict[str, RedirectShape] = {}

    def get(self, site_id: str) -> RedirectShape | None:
        return self._read.get(site_id)

    def install(self, site_id: str, shape: RedirectShape) -> RedirectShape:
        """A shape read from the table, with whatever this process wrote meanwhile."""
        shape.merge(self._written.get(site_id) or RedirectShape())
        self._read[site_id] = shape
        return shape

    def forget(self, site_id: str) -> None:
        """Read the site's table again when a page next needs it."""
        self._read.pop(site_id, None)

    def written(self, site_id: str, keys: Iterable[str]) -> None:
        """After a commit that added (or replaced) these keys."""
        keys = list(keys)
        self._written.setdefault(site_id, RedirectShape()).add(keys)
        if (read := self._read.get(site_id)) is not None:
            read.add(keys)
