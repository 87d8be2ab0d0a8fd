"""The console's third-party browser code, pinned and checksummed: fetched once from the npm registry (setup,
`sitegroup console-assets`), checked against the sha256 recorded here, served from the console's own static
path. Without them the console still works: the editor is then a plain HTML text box (progressive enhancement)."""

from __future__ import annotations

import hashlib
import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

import httpx

VENDOR = Path(__file__).parent / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True, slots=True)
class Asset:
    name: str  # as served: /console/static/vendor/<name>
    package: str
    version: str
    member: str  # path inside the package's tarball
    sha256: str


ASSETS = (
    Asset(
        "quill.js",
        "quill",
        "2.0.3",
        "package/dist/quill.js",
        "f6157c72ac9b3f51cdead426335688a027b12405d9d6a4daadd38a676b2d7ff2",
    ),
    Asset(
        "quill.snow.css",
        "quill",
        "2.0.3",
        "package/dist/quill.snow.css",
        "1c7948cd13aa92fac6390319bc1e5e461823da171519d3a768db56164f871636",
    ),
    Asset(
        "quill.LICENSE",
        "quill",
        "2.0.3",
        "package/LICENSE",
        "395c12b616d6f58238b4be39284d4d9221b58dd6e1f1e34d9ab537e34abbb022",
    ),
)


def present(folder: Path = VENDOR) -> bool:
    """Every asset is there and is what was pinned."""
    return all(_matches(folder / asset.name, asset.sha256) for asset in ASSETS)


def fetch_assets(folder: Path = VENDOR, *, registry: str = REGISTRY, timeout: float = 60.0) -> list[str]:
    """Download what is missing or altered; refuse (ValueError) anything whose checksum differs from the pin."""
    folder.mkdir(parents=True, exist_ok=True)
    fetched = []
    tarballs: dict[tuple[str, str], bytes] = {}
    for asset in ASSETS:
        if _matches(folder / asset.name, asset.sha256):
            continue
        key = (asset.package, asset.version)
        if key not in tarballs:
            url = f"{registry}/{asset.package}/-/{asset.package}-{asset.version}.tgz"
            response = httpx.get(url, timeout=timeout, follow_redirects=True)
            response.raise_for_status()
            tarballs[key] = response.content
        data = _member(tarballs[key], asset.member)
        if hashlib.sha256(data).hexdigest() != asset.sha256:
            raise ValueError(f"{asset.package}@{asset.version} {asset.member}: sha256 differs from the pinned one")
        (folder / asset.name).write_bytes(data)
        fetched.append(asset.name)
    return fetched


def _member(tarball: bytes, member: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        extracted = archive.extractfile(member)
        if extracted is None:
            raise ValueError(f"{member} is not a file in the package")
        return extracted.read()


def _matches(path: Path, sha256: str) -> bool:
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256
