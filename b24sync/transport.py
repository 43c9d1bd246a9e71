"""One webhook's HTTP exchange: pacing, redirects, answer parsing, typed errors, retries.

See :mod:`b24sync.client` for the rules; this module implements them for a single REST
call (``batch`` included) whose JSON body is already encoded.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from .errors import (
    Bitrix24Error,
    Bitrix24Timeout,
    Bitrix24TransportError,
    OperationTimeLimit,
    QueryLimitExceeded,
    UnexpectedResponse,
    error_from_payload,
)
from .ratelimit import Backoff, TokenBucket
from .webhook import WebhookUrl

log = logging.getLogger("b24sync.client")

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
_OPERATING_MARGIN = 0.05


@dataclass(frozen=True)
class ClientOptions:
    """Pacing and retry settings of a client; times in seconds.

    ``max_retries`` counts repeats after the first attempt. ``max_operating_wait`` bounds
    the wait for ``operating_reset_at`` after OPERATION_TIME_LIMIT; beyond it the error is
    raised (with ``reset_at``) for the caller to schedule.
    """

    rate_per_second: float = 1.0
    burst: int = 10
    max_retries: int = 4
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    timeout: float = 30.0
    max_operating_wait: float = 120.0
    max_redirects: int = 3


@dataclass(frozen=True)
class RestResponse:
    """A successful answer: ``result`` plus ``total``/``next`` of list methods."""

    result: Any
    total: int | None
    next: int | None
    time: dict[str, Any]
    http_status: int


@dataclass(frozen=True)
class _Raw:
    status: int
    location: str | None
    text: str


class Transport:
    """Sends encoded calls to one webhook; owns the bucket and the operating memory."""

    def __init__(
        self,
        webhook: WebhookUrl,
        options: ClientOptions,
        session: aiohttp.ClientSession | None,
        rng: random.Random | None,
    ) -> None:
        self.webhook = webhook
        self.options = options
        self.bucket = TokenBucket(options.rate_per_second, options.burst)
        self.backoff = Backoff(options.backoff_base, options.backoff_cap, rng)
        self.session = session
        self.own_session = session is None
        self.operating_reset: dict[str, float] = {}

    async def close(self) -> None:
        if self.own_session and self.session is not None:
            await self.session.close()
        self.session = None

    async def request(self, method: str, body: bytes, repeatable: bool) -> RestResponse:
        """Send with retries: repeat only what :meth:`_retry_delay` allows."""
        attempt = 0
        while True:
            try:
                return await self._send(method, body)
            except Bitrix24Error as error:
                delay = self._retry_delay(error, attempt, repeatable)
                if delay is None:
                    raise
                log.warning("Bitrix24 %s: %s; retry %d in %.2fs", method, error.code,
                            attempt + 1, delay)  # fmt: skip
                await asyncio.sleep(delay)
                attempt += 1

    def _retry_delay(self, error: Bitrix24Error, attempt: int, repeatable: bool) -> float | None:
        if attempt >= self.options.max_retries or not error.retryable:
            return None
        if not (repeatable or error.not_executed):
            return None
        if isinstance(error, OperationTimeLimit):
            if error.reset_at is None:
                return None
            wait = error.reset_at - time.time() + _OPERATING_MARGIN
            return wait if 0 < wait <= self.options.max_operating_wait else None
        if isinstance(error, QueryLimitExceeded):
            self.bucket.drain()
        return self.backoff.delay(attempt)

    async def _send(self, method: str, body: bytes) -> RestResponse:
        url = self.webhook.method_url(method)
        for _ in range(self.options.max_redirects + 1):
            await self.bucket.acquire()
            raw = await self._post(method, url, body)
            if raw.status not in _REDIRECTS:
                return self._parse(method, raw)
            url = self._follow(method, url, raw)
        raise Bitrix24Error("TOO_MANY_REDIRECTS", "redirect loop", method=method)

    async def _post(self, method: str, url: str, body: bytes) -> _Raw:
        if self.session is None:
            self.session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self.options.timeout)
        started = time.monotonic()
        status: int | str = "-"
        try:
            async with self.session.post(url, data=body, headers=_HEADERS, timeout=timeout,
                                         allow_redirects=False) as response:  # fmt: skip
                status = response.status
                text = (await response.read()).decode("utf-8", "replace")
                return _Raw(response.status, response.headers.get("Location"), text)
        except TimeoutError:
            status = "timeout"
            raise Bitrix24Timeout(
                f"no answer in {self.options.timeout:g}s", method=method
            ) from None
        except aiohttp.ClientConnectorError as exc:
            status = "refused"
            raise self._transport(method, exc, connected=False) from None
        except (aiohttp.ClientError, OSError) as exc:
            status = "dropped"
            raise self._transport(method, exc, connected=True) from None
        finally:
            log.info("Bitrix24 %s -> %s in %.3fs", method, status, time.monotonic() - started)

    def _transport(self, method: str, exc: BaseException, connected: bool) -> Bitrix24Error:
        text = self.webhook.mask(f"{type(exc).__name__}: {exc}")
        return Bitrix24TransportError(text, method=method, connected=connected)

    def _follow(self, method: str, url: str, raw: _Raw) -> str:
        if not raw.location:
            raise UnexpectedResponse("redirect without Location", http_status=raw.status,
                                     method=method)  # fmt: skip
        target = urljoin(url, raw.location)
        if self.webhook.scheme == "https" and urlsplit(target).scheme != "https":
            raise Bitrix24Error("INSECURE_REDIRECT", "refused a redirect from https to http",
                                http_status=raw.status, method=method)  # fmt: skip
        moved = self.webhook.rebased(target)
        if moved is not None and moved.base != self.webhook.base:
            log.warning("Bitrix24 webhook moved to %s (HTTP %d)", moved.masked, raw.status)
            self.webhook = moved
        return target

    def _parse(self, method: str, raw: _Raw) -> RestResponse:
        try:
            payload = json.loads(raw.text)
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not ("error" in payload or "result" in payload):
            snippet = self.webhook.mask(raw.text[:200])
            raise UnexpectedResponse(snippet, http_status=raw.status, method=method)
        if "error" in payload:
            raise self._error(method, payload, raw.status)
        timing: dict[str, Any] = payload["time"] if isinstance(payload.get("time"), dict) else {}
        self.remember(method, timing)
        return RestResponse(
            payload["result"], payload.get("total"), payload.get("next"), timing, raw.status
        )

    def _error(self, method: str, payload: dict[str, Any], status: int) -> Bitrix24Error:
        masked = {key: self.webhook.mask(str(payload.get(key) or ""))
                  for key in ("error", "error_description")}  # fmt: skip
        error = error_from_payload(masked, http_status=status, method=method)
        if isinstance(error, OperationTimeLimit):
            error.reset_at = self.operating_reset.get(method.lower())
        return error

    def remember(self, method: str, timing: Any) -> None:
        """Keep ``operating_reset_at`` of a successful answer for OPERATION_TIME_LIMIT."""
        if isinstance(timing, dict) and isinstance(timing.get("operating_reset_at"), int | float):
            self.operating_reset[method.lower()] = float(timing["operating_reset_at"])
