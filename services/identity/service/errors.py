"""OAuth 2.0 errors answer in RFC 6749's own shape, not in the platform's error envelope."""

from __future__ import annotations


class OAuthError(Exception):
    """`{"error", "error_description"}`: 400, or 401 when the client failed to authenticate (§5.2)."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class AuthorizeRefused(Exception):
    """An authorization request that must not be sent back to its redirect URI (unknown client or URI)."""


class LoginFailed(Exception):
    """A sign-in that did not succeed; the message is shown to the person (Chinese)."""
