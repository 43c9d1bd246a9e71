"""How updates reach the bot: getUpdates long polling and webhooks (raw HTTP)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from sandbox.telegram.client import SandboxTelegramClient
from tests.integration.sandbox_telegram.conftest import RawBotApi


async def test_a_long_poll_returns_as_soon_as_a_user_writes(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    started = time.monotonic()
    polling = asyncio.create_task(bot_api.ok("getUpdates", timeout="10"))
    await asyncio.sleep(0.1)
    assert not polling.done()
    await anna.send_text("привет")
    [update] = await polling
    assert update["message"]["text"] == "привет"
    assert time.monotonic() - started < 2


async def test_an_empty_long_poll_ends_after_its_timeout(bot_api: RawBotApi) -> None:
    started = time.monotonic()
    assert await bot_api.ok("getUpdates", timeout="1") == []
    assert 0.9 < time.monotonic() - started < 3


async def test_offset_confirms_updates_and_a_negative_offset_keeps_the_last_ones(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    for text in ("1", "2", "3"):
        await anna.send_text(text)
    updates = await bot_api.ok("getUpdates", limit="2")
    assert [u["message"]["text"] for u in updates] == ["1", "2"]
    after_first = await bot_api.ok("getUpdates", offset=str(updates[0]["update_id"] + 1))
    assert [u["message"]["text"] for u in after_first] == ["2", "3"]
    assert [u["message"]["text"] for u in await bot_api.ok("getUpdates", offset="-1")] == ["3"]


async def test_a_second_poller_ends_the_first_with_a_conflict(bot_api: RawBotApi) -> None:
    first = asyncio.create_task(bot_api.call("getUpdates", timeout="5"))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(bot_api.call("getUpdates", timeout="0"))
    status, body = await first
    assert status == 409 and "terminated by other getUpdates request" in body["description"]
    assert (await second)[0] == 200


@dataclass
class Hook:
    """A webhook receiver that fails its first `failures` requests."""

    failures: int = 0
    reply: dict[str, Any] | None = None
    received: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((await request.json(), secret))
        return web.json_response(self.reply or {})


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    receiver = Hook()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    receiver.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield receiver
    await runner.cleanup()


async def until(condition: Any, seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def test_a_webhook_receives_updates_with_the_secret_header_and_retries_failures(
    tg: SandboxTelegramClient, bot_api: RawBotApi, hook: Hook
) -> None:
    hook.failures = 2
    await bot_api.ok("setWebhook", url=hook.url, secret_token="s3cret_token")
    anna = await tg.create_user("Анна")
    await anna.send_text("первое")
    await anna.send_text("второе")
    await until(lambda: len(hook.received) == 2)
    assert [(u["message"]["text"], secret) for u, secret in hook.received] == [
        ("первое", "s3cret_token"),
        ("второе", "s3cret_token"),
    ]
    info = await bot_api.ok("getWebhookInfo")
    assert info["url"] == hook.url and info["pending_update_count"] == 0
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )


async def test_a_method_in_the_webhook_answer_is_executed(
    tg: SandboxTelegramClient, bot_api: RawBotApi, hook: Hook
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_text("hi")
    await bot_api.ok("getUpdates", offset="-1")  # nothing else pending but "hi"
    hook.reply = {"method": "sendMessage", "chat_id": anna.id, "text": "ответ из вебхука"}
    await bot_api.ok("setWebhook", url=hook.url, drop_pending_updates="true")
    await anna.send_text("вопрос")
    reply = await anna.wait_for_message()
    assert reply.text == "ответ из вебхука"
    assert [u["message"]["text"] for u, _ in hook.received] == ["вопрос"]
