"""One error envelope for every service: `{"error": {"code", "message", "details"}}`."""

from __future__ import annotations

from typing import Any


class ProblemError(Exception):
    """A failure the caller can act on; the status and code are part of the API."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code

    def envelope(self) -> dict[str, Any]:
        return error_envelope(self.code, self.message, self.details)


class InvalidInput(ProblemError):
    status, code = 422, "invalid_input"

    def __init__(self, field: str, message: str, **kwargs: Any) -> None:
        super().__init__(f"{field}: {message}", details=[{"field": field, "message": message}], **kwargs)


class Unauthenticated(ProblemError):
    status, code = 401, "unauthenticated"


class Forbidden(ProblemError):
    status, code = 403, "forbidden"


class NotFound(ProblemError):
    status, code = 404, "not_found"


class Conflict(ProblemError):
    status, code = 409, "conflict"


class Gone(ProblemError):
    status, code = 410, "gone"


class PayloadTooLarge(ProblemError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ProblemError):
    status, code = 415, "unsupported_media_type"


class TooManyRequests(ProblemError):
    status, code = 429, "too_many_requests"


class Unprocessable(ProblemError):
    """Well-formed input that the business rules refuse (e.g. pre-publish check findings)."""

    status, code = 422, "unprocessable"


class ServiceUnavailable(ProblemError):
    status, code = 503, "service_unavailable"


def error_envelope(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}
