"""Random choices fixed by what they are about, so the same site always gets the same articles."""

from __future__ import annotations

import hashlib
import random


def seeded_random(*parts: object) -> random.Random:
    """A random stream of its own for each purpose, so one choice never shifts another."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))
