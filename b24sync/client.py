"""A thin typed Bitrix24 REST client on aiohttp, for an incoming webhook.

Why our own: of the public Python clients, the official SDK is synchronous; the popular
async one drops Bitrix24's error body on 4xx answers (so ``NOT_FOUND`` and ``ACCESS_DENIED``
look alike), wraps every call in ``batch`` (so ``disk.*.uploadfile``, which
is refused inside a batch, fails) and retries writes blindly (a timed-out ``crm.item.add``
is sent again and creates a duplicate). This client:

- POSTs JSON to ``https://PORTAL/rest/USER_ID/SECRET/<method>`` and always reads the body:
  errors are typed by the ``error`` code (:mod:`b24sync.errors`), not by the HTTP status;
- follows no redirect by itself: on 301/302/303/307/308 it re-sends the same POST to the new
  ``Location`` and, when it is the same webhook on another base (a portal domain change),
  uses that base from then on; it refuses a redirect from https to http;
- paces requests with one token bucket per client (default 1/s, burst 10: the portal's
  bucket is shared with other integrations on the same server);
- retries with jittered exponential backoff on QUERY_LIMIT_EXCEEDED, 5xx and network
  errors, and on OPERATION_TIME_LIMIT waits for the ``time.operating_reset_at`` the portal
  reported for that method (if known and not later than ``max_operating_wait``);
- retries reads (``*.get``, ``*.list``, ...) freely but writes only when the caller says
  they are idempotent - except when the error proves the method did not run
  (QUERY_LIMIT_EXCEEDED, OPERATION_TIME_LIMIT, connection refused): resending is safe then;
- splits batches into requests of at most 50 commands, reports per-command errors from
  ``result_error``, pages list methods with ``start``/``next``, and uploads files only by a
  direct call, never inside a batch;
- never shows the webhook secret in logs or error messages.
"""

from __future__ import annotations

import base64
import random
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp

from .batch import (
    BatchCollector,
    BatchResult,
    Command,
    Commands,
    chunks,
    prepare,
    resolve_refs,
)
from .encoding import build_query, json_body
from .errors import Bitrix24Error, UnexpectedResponse
from .paging import page_items
from .transport import ClientOptions, RestResponse, Transport
from .webhook import WebhookUrl

__all__ = ["BatchResult", "Bitrix24Client", "ClientOptions", "RestResponse", "is_read"]

_READ_TAILS = frozenset({"get", "list", "getlist", "getchildren", "fields", "current", "search"})
_READ_METHODS = frozenset({"profile", "scope", "methods", "server.time", "app.info"})


def is_read(method: str) -> bool:
    """Whether ``method`` only reads (``*.get``, ``*.list``, ``*.getchildren``...)."""
    name = method.strip().lower().removesuffix(".json")
    tail = name.rsplit(".", 1)[-1]
    return name in _READ_METHODS or tail in _READ_TAILS or tail.startswith("get")


class Bitrix24Client:
    """Calls one Bitrix24 webhook. Use as ``async with Bitrix24Client(url) as b24: ...``.

    Invariants: every HTTP request first takes a token from the client's one bucket; a
    request is repeated only by the retry rules in the module docstring; the webhook secret
    is masked in everything the client logs or raises.
    """

    def __init__(
        self,
        webhook_url: str,
        options: ClientOptions | None = None,
        *,
        session: aiohttp.ClientSession | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options or ClientOptions()
        self._transport = Transport(WebhookUrl.parse(webhook_url), self.options, session, rng)

    def __repr__(self) -> str:
        return f"Bitrix24Client({self.webhook.masked!r})"

    @property
    def webhook(self) -> WebhookUrl:
        """The webhook in use (after a redirect to a new base, the new one)."""
        return self._transport.webhook

    def mask(self, text: str) -> str:
        """``text`` with the webhook secret replaced by ``***``."""
        return self.webhook.mask(text)

    async def __aenter__(self) -> Bitrix24Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._transport.close()

    async def call(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        idempotent: bool | None = None,
    ) -> Any:
        """Call ``method`` and return its ``result``.

        ``idempotent``: ``None`` - retry only if the method is a read (:func:`is_read`);
        ``True`` - safe to repeat (e.g. an update setting absolute values); ``False`` - never
        repeat unless the portal provably did not run it.
        """
        return (await self.call_raw(method, params, idempotent=idempotent)).result

    async def call_raw(
        self,
        method: str,
        params: Mapping[str, Any] | None = None,
        *,
        idempotent: bool | None = None,
    ) -> RestResponse:
        """Like :meth:`call`, with ``total``, ``next`` and ``time`` of the answer."""
        repeatable = is_read(method) if idempotent is None else idempotent
        return await self._transport.request(method, json_body(params or {}), repeatable)

    async def batch(
        self, commands: Commands, *, halt: bool = False, idempotent: bool | None = None
    ) -> BatchResult:
        """Run ``{key: (method, params)}`` (or a list of pairs, keyed by position) in batches
        of at most 50. Raises only ``ValueError`` for bad commands (a nested batch, an upload,
        a bad key); everything the portal or the network says is in the result."""
        prepared = prepare(commands)
        collector = BatchCollector()
        for chunk in chunks(prepared):
            if collector.stopped:
                collector.skip(chunk)
                continue
            cmd = {
                c.key: f"{c.method}?{build_query(resolve_refs(c.params, collector.results))}"
                for c in chunk
            }
            safe = all(is_read(c.method) for c in chunk) if idempotent is None else idempotent
            body = json_body({"halt": 1 if halt else 0, "cmd": cmd})
            try:
                answer = await self._transport.request("batch", body, safe)
            except Bitrix24Error as error:
                collector.add_failure(chunk, error)
                continue
            self._remember_times(chunk, answer.result)
            collector.add_answer(chunk, answer.result, halt)
        return collector.result()

    async def list_all(
        self, method: str, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[Any]:
        """Yield every record of a list method, page by page (``start`` = previous ``next``)."""
        query = dict(params or {})
        start = int(query.pop("start", 0) or 0)
        while True:
            page = await self.call_raw(method, {**query, "start": start}, idempotent=True)
            for record in page_items(page.result):
                yield record
            if page.next is None or int(page.next) <= start:
                return
            start = int(page.next)

    async def collect_all(
        self, method: str, params: Mapping[str, Any] | None = None, *, via_batch: bool = False
    ) -> list[Any]:
        """All records of a list method. ``via_batch``: after the first page, fetch the other
        pages with ``batch`` (50 pages per request) instead of one request per page."""
        if not via_batch:
            return [record async for record in self.list_all(method, params)]
        query = dict(params or {})
        first = await self.call_raw(method, {**query, "start": 0}, idempotent=True)
        records = list(page_items(first.result))
        if first.next is None:
            return records
        if first.total is None:  # no count to plan pages with: walk them one by one
            rest = self.list_all(method, {**query, "start": first.next})
            return records + [record async for record in rest]
        step = int(first.next)
        pages = {f"p{s}": (method, {**query, "start": s}) for s in range(step, first.total, step)}
        fetched = await self.batch(pages, idempotent=True)
        for key in pages:
            records.extend(page_items(fetched.get(key)))
        return records

    async def upload_file(
        self, folder_id: int, name: str, data: bytes, *, generate_unique_name: bool = False
    ) -> dict[str, Any]:
        """Upload ``data`` into a Disk folder (``disk.folder.uploadfile``, never batched).

        Not repeated after a timeout or 5xx (that could store the file twice); with
        ``generate_unique_name=False`` a repeat by the caller fails on the existing name
        instead of duplicating it. Returns the file record (``ID``, ``NAME``...)."""
        params = {
            "id": folder_id,
            "data": {"NAME": name},
            "fileContent": [name, base64.b64encode(data).decode("ascii")],
            "generateUniqueName": generate_unique_name,
        }
        result = await self.call("disk.folder.uploadfile", params, idempotent=False)
        if not isinstance(result, dict):
            raise UnexpectedResponse("upload answered without a file", http_status=200,
                                     method="disk.folder.uploadfile")  # fmt: skip
        return result

    def _remember_times(self, chunk: list[Command], answer: Any) -> None:
        times = answer.get("result_time") if isinstance(answer, dict) else None
        if not isinstance(times, dict):
            return
        for command in chunk:
            self._transport.remember(command.method, times.get(command.key))
