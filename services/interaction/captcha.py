"""Image CAPTCHAs without server state until one is used: the challenge is a signed token, its answer derived
from the token by the same key, so any instance draws the image and checks the answer; a used challenge is
recorded (the submission's transaction) so it cannot be replayed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
import struct
from datetime import datetime

from captcha.image import ImageCaptcha

ALPHABET = "ACDEFHJKLMNPRTUVWXY3479"  # no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B)
LENGTH = 4
LIFETIME_SECONDS = 600
_TOKEN_BYTES = 12 + 4 + 10


class Captchas:
    def __init__(self, key: bytes) -> None:
        self.key = key
        self._images = ImageCaptcha(width=160, height=60)

    def issue(self, now: datetime) -> str:
        nonce = secrets.token_bytes(12)
        expires = struct.pack(">I", int(now.timestamp()) + LIFETIME_SECONDS)
        return base64.urlsafe_b64encode(nonce + expires + self._mac(nonce + expires, b"token")).decode()

    def image(self, token: str) -> bytes | None:
        """The PNG of a genuine token's answer (None for anything else)."""
        opened = self._open(token)
        if opened is None:
            return None
        out = io.BytesIO()
        self._images.generate_image(self._answer(opened[0])).save(out, format="PNG")
        return out.getvalue()

    def check(self, token: str, answer: str, now: datetime) -> str | None:
        """The challenge's nonce (to record as used) if the answer is right and in time; None otherwise."""
        opened = self._open(token)
        if opened is None or opened[1] < now.timestamp():
            return None
        if not hmac.compare_digest(self._answer(opened[0]), answer.strip().upper()):
            return None
        return opened[0].hex()

    def _open(self, token: str) -> tuple[bytes, int] | None:
        try:
            raw = base64.urlsafe_b64decode(token.encode())
        except (ValueError, UnicodeEncodeError):
            return None
        if len(raw) != _TOKEN_BYTES:
            return None
        nonce, expires, mac = raw[:12], raw[12:16], raw[16:]
        if not hmac.compare_digest(mac, self._mac(nonce + expires, b"token")):
            return None
        return nonce + expires, struct.unpack(">I", expires)[0]

    def _answer(self, signed: bytes) -> str:
        digest = self._mac(signed, b"answer")
        return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:LENGTH])

    def _mac(self, data: bytes, purpose: bytes) -> bytes:
        return hmac.new(self.key, purpose + b"\0" + data, hashlib.sha256).digest()[:10]
