"""Typed Bitrix24 errors, chosen by the ``error`` code of the answer, never by HTTP status.

Bitrix24 answers ``{"error": CODE, "error_description": TEXT}`` (inside ``batch``: per
command in ``result_error``). :func:`error_from_payload` maps the code to a class here; codes
we have no class for give a plain :class:`Bitrix24Error` that still carries code,
description and HTTP status. Messages never contain the webhook secret: the client masks
every text before it builds an error.

Two flags guide retries (see ``b24sync.client``):

- ``retryable``: trying again later may succeed (rate limits, 5xx, network);
- ``not_executed``: the portal certainly did not run the method (it refused the request
  before running it, or the connection was never made), so even a non-idempotent write may
  be sent again without risk of a duplicate.
"""

from __future__ import annotations

from typing import Any


class Bitrix24Error(Exception):
    """An error answer of Bitrix24 (or, for subclasses below, of the way to it)."""

    retryable: bool = False
    not_executed: bool = False

    def __init__(
        self,
        code: str,
        description: str = "",
        *,
        http_status: int | None = None,
        method: str | None = None,
    ) -> None:
        self.code = code
        self.description = description
        self.http_status = http_status
        self.method = method
        super().__init__(self._text())

    def _text(self) -> str:
        where = f"{self.method}: " if self.method else ""
        status = f" (HTTP {self.http_status})" if self.http_status else ""
        detail = f": {self.description}" if self.description else ""
        return f"{where}{self.code}{detail}{status}"


class QueryLimitExceeded(Bitrix24Error):
    """503 QUERY_LIMIT_EXCEEDED: the portal's leaky bucket is full; the request was refused."""

    retryable = True
    not_executed = True


class OperationTimeLimit(Bitrix24Error):
    """429 OPERATION_TIME_LIMIT: this method used up its execution time for the window.

    ``reset_at`` is the Unix time when the portal said the oldest window basket expires (from
    the last successful answer of the same method), or ``None`` if unknown.
    """

    retryable = True
    not_executed = True
    reset_at: float | None = None


class AuthenticationError(Bitrix24Error):
    """The webhook was not accepted."""


class NoAuthFound(AuthenticationError):
    """401 NO_AUTH_FOUND: no or wrong authorization data."""


class InvalidCredentials(AuthenticationError):
    """401 INVALID_CREDENTIALS: wrong webhook user id or secret, or not enough rights."""


class AccessDenied(Bitrix24Error):
    """ACCESS_DENIED (and scope/plan refusals): the webhook's user may not do this."""


class NotFound(Bitrix24Error):
    """NOT_FOUND / ERROR_NOT_FOUND: the entity (or the smart process) does not exist."""


class MethodNotFound(Bitrix24Error):
    """ERROR_METHOD_NOT_FOUND: no such REST method (or its module is off)."""


class InternalServerError(Bitrix24Error):
    """500 INTERNAL_SERVER_ERROR: the portal failed; the method may or may not have run."""

    retryable = True


class UnexpectedResponse(Bitrix24Error):
    """The answer was not Bitrix24 JSON (e.g. an HTML page of a proxy); code ``HTTP_<status>``.

    Retryable when the status is 5xx.
    """

    def __init__(self, description: str, *, http_status: int, method: str | None) -> None:
        super().__init__(
            f"HTTP_{http_status}", description, http_status=http_status, method=method
        )
        self.retryable = http_status >= 500


class Bitrix24TransportError(Bitrix24Error):
    """The request did not get an answer: connection refused or dropped, or a timeout.

    ``not_executed`` is true only when the connection could not even be made.
    """

    retryable = True

    def __init__(
        self,
        description: str,
        *,
        method: str | None,
        connected: bool,
        code: str = "TRANSPORT_ERROR",
    ) -> None:
        super().__init__(code, description, method=method)
        self.connected = connected
        self.not_executed = not connected


class Bitrix24Timeout(Bitrix24TransportError):
    """No answer within the client's timeout; the method may have run."""

    def __init__(self, description: str, *, method: str | None) -> None:
        super().__init__(description, method=method, connected=True, code="TIMEOUT")


_CLASSES: dict[str, type[Bitrix24Error]] = {
    "QUERY_LIMIT_EXCEEDED": QueryLimitExceeded,
    "OPERATION_TIME_LIMIT": OperationTimeLimit,
    "NO_AUTH_FOUND": NoAuthFound,
    "expired_token": NoAuthFound,
    "INVALID_CREDENTIALS": InvalidCredentials,
    "ACCESS_DENIED": AccessDenied,
    "insufficient_scope": AccessDenied,
    "user_access_error": AccessDenied,
    "allowed_only_intranet_user": AccessDenied,
    "NOT_FOUND": NotFound,
    "ERROR_NOT_FOUND": NotFound,
    "ERROR_METHOD_NOT_FOUND": MethodNotFound,
    "METHOD_NOT_FOUND": MethodNotFound,
    "INTERNAL_SERVER_ERROR": InternalServerError,
    "ERROR_UNEXPECTED_ANSWER": InternalServerError,
}


def error_from_payload(
    payload: dict[str, Any], *, http_status: int | None = None, method: str | None = None
) -> Bitrix24Error:
    """The typed error for an ``{"error", "error_description"}`` mapping."""
    code = str(payload.get("error", "UNKNOWN"))
    description = str(payload.get("error_description") or "")
    cls = _CLASSES.get(code, Bitrix24Error)
    return cls(code, description, http_status=http_status, method=method)
