"""Errors of the two faces of the emulator.

`ApiError` is a Bot API failure: it becomes `{"ok": false, "error_code": N, "description":
..., "parameters": {...}}` with HTTP status N, exactly what aiogram parses into its
`TelegramBadRequest`, `TelegramForbiddenError`, `TelegramRetryAfter`... The description
texts are Telegram's own.

`ControlError` is a failure of the sandbox control API (`/sandbox/...`): a JSON body
`{"error": "..."}` with a 4xx status, raised by the test client as `SandboxError`.
"""

from __future__ import annotations


class ApiError(Exception):
    """A Bot API error response; `description` already carries Telegram's prefix."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def to_body(self) -> dict[str, object]:
        body: dict[str, object] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}")


def conflict(detail: str) -> ApiError:
    return ApiError(409, f"Conflict: {detail}")


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def entity_too_large() -> ApiError:
    return ApiError(413, "Request Entity Too Large")


class ControlError(Exception):
    """A refused control-API request (unknown user, missing button, blocked bot...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
