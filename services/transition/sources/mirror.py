"""A legacy site saved on disk — `wget -m` (or `--mirror --adjust-extension`), HTTrack, or a copy of the old
server's web root — read as the URLs it was served at.

wget writes `<host>/<path>`: `www.example.gov.cn/col/col123/index.html`. Given the directory above the host
folders, every host in it is read; given one host's folder (or a web root, which has no host folder), the host is
the legacy domain the operator names. Query strings stay in file names as wget writes them (`list.jsp?page=2`).
Files are read one at a time, in path order, so a mirror of any size costs the memory of its largest file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from services.transition.sources.base import Fetched, guess_type

_HOST = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$", re.I)
SKIPPED = frozenset({"robots.txt"})


class MirrorError(ValueError):
    """A directory that is no mirror (missing, empty, or with no host to serve its files at)."""


def hosts_in(root: Path) -> list[str]:
    """The host folders directly under `root` (what wget -m makes), sorted."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _HOST.match(p.name))


def mirror_pages(root: Path, *, legacy_domain: str | None = None, scheme: str = "http") -> Iterator[Fetched]:
    """Every file of the mirror as the URL it was served at, with its bytes."""
    if not root.is_dir():
        raise MirrorError(f"不是目录：{root}")
    hosts = hosts_in(root)
    if legacy_domain and legacy_domain in hosts:
        tops = [(root / legacy_domain, legacy_domain)]
    elif hosts and not (root / "index.html").exists():
        tops = [(root / host, host) for host in hosts]
    elif legacy_domain:
        tops = [(root, legacy_domain)]
    else:
        raise MirrorError(f"{root} 下没有以域名命名的目录：请用 --legacy-domain 指明这些文件原来的域名")
    for top, host in tops:
        yield from _files(top, host, scheme)


def _files(top: Path, host: str, scheme: str) -> Iterator[Fetched]:
    for path in sorted(p for p in top.rglob("*") if p.is_file()):
        relative = path.relative_to(top).as_posix()
        if relative in SKIPPED:
            continue
        url = f"{scheme}://{host}/{_url_path(relative)}"
        yield Fetched(url, 200, path.read_bytes(), guess_type(url))


def _url_path(relative: str) -> str:
    """The file's path as it was in URLs: percent-encoded where needed, its query string kept apart."""
    path, _, query = relative.partition("?")
    encoded = quote(path, safe="/-._~!$&'()*+,;=:@%")
    return encoded + (f"?{query}" if query else "")
