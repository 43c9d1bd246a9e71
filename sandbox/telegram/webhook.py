"""Webhook delivery: each bot's pending updates POSTed to its webhook as JSON, in order.

An update is confirmed by a 2xx answer; otherwise the error is kept for getWebhookInfo
(`last_error_date`, `last_error_message`) and the same update is retried after the next of
`retry_delays` (the last one repeats) until it passes or the webhook is deleted. Like
Telegram, the header X-Telegram-Bot-Api-Secret-Token carries the secret token, and a
method in the webhook's answer (JSON or multipart with a "method" field, aiogram's
`handle_in_background=False` mode) is executed as a Bot API call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import ClientError, ClientResponse, ClientSession, ClientTimeout, MultipartReader

from sandbox.telegram.botapi.dispatch import execute
from sandbox.telegram.model import WebhookConfig, unix_now
from sandbox.telegram.params import Params, read_multipart
from sandbox.telegram.state import BotState, Emulator

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
IDLE_WAIT = 30.0


class WebhookDeliverer:
    """Owns one delivery task per bot with a webhook, and the HTTP session they share."""

    def __init__(self, emulator: Emulator) -> None:
        self._emulator = emulator
        self._delays = emulator.config.webhook_retry_delays or (1.0,)
        self._timeout = ClientTimeout(total=emulator.config.webhook_timeout)
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._session: ClientSession | None = None

    def ensure_worker(self, bot: BotState) -> None:
        task = self._tasks.get(bot.token)
        if task is None or task.done():
            self._tasks[bot.token] = asyncio.create_task(self._run(bot))

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()

    async def _run(self, bot: BotState) -> None:
        failures = 0
        while (webhook := bot.webhook) is not None:
            update = bot.updates.first()
            if update is None:
                await bot.updates.signal.wait(IDLE_WAIT)
                continue
            error = await self._deliver(bot, webhook, update)
            if error is None:
                failures = 0
                bot.updates.confirm(int(update["update_id"]) + 1)
                continue
            webhook.last_error_date = unix_now()
            webhook.last_error_message = error
            await asyncio.sleep(self._delays[min(failures, len(self._delays) - 1)])
            failures += 1

    async def _deliver(
        self, bot: BotState, webhook: WebhookConfig, update: dict[str, Any]
    ) -> str | None:
        """POST one update; None when the webhook accepted it, else the error text."""
        if self._session is None:
            self._session = ClientSession(timeout=self._timeout)
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        try:
            async with self._session.post(webhook.url, json=update, headers=headers) as response:
                if not 200 <= response.status < 300:
                    return f"Wrong response from the webhook: {response.status} {response.reason}"
                reply = await _reply_params(response)
        except TimeoutError:
            return "Read timeout expired"
        except (ClientError, OSError) as error:
            return f"Connection failed: {error}"
        if reply is not None:
            method, params = reply
            await execute(self._emulator, bot, method, params)
        return None


async def _reply_params(response: ClientResponse) -> tuple[str, Params] | None:
    """The Bot API method a webhook answered with, if any."""
    params = await _read_reply(response)
    method = params.get_str("method") if params is not None else None
    return (method, params) if params is not None and method else None


async def _read_reply(response: ClientResponse) -> Params | None:
    if response.content_type == "multipart/form-data":
        return await read_multipart(MultipartReader(response.headers, response.content), {})
    if response.content_type != "application/json":
        return None
    try:
        body = json.loads(await response.read() or b"null")
    except ValueError:
        return None
    return Params(body) if isinstance(body, dict) else None
