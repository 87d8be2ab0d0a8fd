"""The headers every HTML page of the platform is sent with: what a browser may load and run on it (only the
platform's own assets; no inline script), who may frame it, what it tells other sites; HSTS once served over TLS."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from starlette.types import Scope

HSTS = (b"strict-transport-security", b"max-age=31536000")


def csp_hash(source: str) -> str:
    """The CSP source of one inline <style> element's exact text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def page_headers(
    *, styles: Sequence[str] = (), frame_ancestors: str = "'self'", form_action: bool = True
) -> list[tuple[bytes, bytes]]:
    """CSP, nosniff, framing and referrer headers of an HTML page whose inline styles are `styles`.

    `form_action=False` for pages whose forms end in a redirect to another origin (the identity provider's
    login answers with a redirect to the client), which Chromium checks against form-action too.
    """
    policy = [
        "default-src 'self'",
        "script-src 'self'",
        " ".join(["style-src 'self'", *(csp_hash(s) for s in styles)]),
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        f"frame-ancestors {frame_ancestors}",
        *(["form-action 'self'"] if form_action else []),
    ]
    framing = b"DENY" if frame_ancestors == "'none'" else b"SAMEORIGIN"
    return [
        (b"content-security-policy", "; ".join(policy).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", framing),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]


def over_tls(scope: Scope) -> bool:
    """The request reached the platform over TLS (uvicorn sets the scheme from a trusted proxy's header)."""
    return scope.get("scheme") == "https"
