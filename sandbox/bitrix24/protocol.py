"""Response and error shapes of the Bitrix24 REST API, as documented in bitrix24/b24restdocs.

Success: ``{"result": ..., "time": {...}}``, list methods add ``"total"`` and, when there is a
further page, ``"next"``. Error: ``{"error": CODE, "error_description": TEXT}`` with no
``time``; the HTTP status depends on the error (401, 403, 404, 429, 500, 503, mostly 400).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

PAGE_SIZE = 50


class RestError(Exception):
    """A Bitrix24 error answer: code, description and HTTP status."""

    def __init__(self, code: str, description: str = "", status: int = 400) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.code, "error_description": self.description}


def method_not_found() -> RestError:
    return RestError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)


def query_limit_exceeded() -> RestError:
    return RestError("QUERY_LIMIT_EXCEEDED", "Too many requests", 503)


def operation_time_limit() -> RestError:
    return RestError("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", 429)


def invalid_credentials() -> RestError:
    return RestError("INVALID_CREDENTIALS", "Invalid request credentials", 401)


def no_auth_found() -> RestError:
    return RestError("NO_AUTH_FOUND", "Wrong authorization data", 401)


@dataclass
class MethodResult:
    """What a method handler returns; ``total``/``next`` only for list methods."""

    result: Any
    total: int | None = None
    next: int | None = None


@dataclass
class Timing:
    """The ``time`` block; ``operating*`` describe the method's resource meter."""

    start: float
    finish: float
    operating: float = 0.0
    operating_reset_at: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        duration = max(self.finish - self.start, 0.0)
        block: dict[str, Any] = {
            "start": self.start,
            "finish": self.finish,
            "duration": duration,
            "processing": duration,
            "date_start": iso(self.start),
            "date_finish": iso(self.finish),
        }
        if self.operating_reset_at is not None:
            block["operating_reset_at"] = self.operating_reset_at
        block["operating"] = self.operating
        return block


def iso(timestamp: float) -> str:
    """``2024-07-18T14:00:14+00:00``: the date format Bitrix24 uses in REST answers."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def ceil_ts(timestamp: float) -> int:
    return math.ceil(timestamp)


def php_array(mapping: dict[str, Any]) -> Any:
    """Serialise a keyed result like PHP's json_encode: empty or 0..n-1 keys give a list."""
    if not mapping:
        return []
    if list(mapping) == [str(i) for i in range(len(mapping))]:
        return list(mapping.values())
    return mapping


def success_body(outcome: MethodResult, timing: Timing) -> dict[str, Any]:
    body: dict[str, Any] = {"result": outcome.result}
    if outcome.next is not None:
        body["next"] = outcome.next
    if outcome.total is not None:
        body["total"] = outcome.total
    body["time"] = timing.as_dict()
    return body


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type="application/json",
        charset="utf-8",
    )


def error_response(error: RestError) -> web.Response:
    return json_response(error.body(), error.status)


def paginate(records: list[Any], start: Any, size: int = PAGE_SIZE) -> MethodResult:
    """One page of ``records`` from offset ``start`` with ``total`` and ``next``."""
    try:
        offset = max(int(str(start or 0)), 0)
    except ValueError:
        offset = 0
    page = records[offset : offset + size]
    following = offset + size if offset + size < len(records) else None
    return MethodResult(page, total=len(records), next=following)
