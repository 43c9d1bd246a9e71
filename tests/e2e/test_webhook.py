"""Webhook mode: the secret header is checked, /healthz answers, updates flow through the
emulator's webhook delivery, and a redelivered update is handled once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import aiohttp
import pytest

from sandbox.telegram import SandboxTelegramClient
from tests.e2e.harness import Stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("e2e-webhook"), mode="webhook")
    running.start()
    yield running
    running.stop()


async def wait_until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 (polls a file another process writes)
            await asyncio.sleep(0.05)


def start_update(update_id: int, user_id: int) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Павел"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1795900000,
            "chat": {"id": user_id, "type": "private", "first_name": "Павел"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_healthz_answers(stack: Stack):
    async with aiohttp.ClientSession() as http, http.get(f"{stack.webhook_base}/healthz") as r:
        assert r.status == 200
        assert (await r.json())["status"] == "ok"


@pytest.mark.parametrize("headers", [{}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}])
async def test_an_update_without_the_right_secret_is_rejected(stack: Stack, headers):
    url = f"{stack.webhook_base}/telegram/webhook"
    update = start_update(990001, 500020)
    async with aiohttp.ClientSession() as http, http.post(url, json=update, headers=headers) as r:
        assert r.status == 401


async def test_updates_arrive_through_the_webhook(tg: SandboxTelegramClient):
    director = tg.user(500022)
    await director.send_command("/start")
    menu = await director.wait_for_message(contains="Сидоров Николай Викторович")
    assert "Директор дилерского центра" in menu.text


async def test_a_redelivered_update_is_handled_once(stack: Stack, tg: SandboxTelegramClient):
    user_id = 500023  # Соколов: pre-linked
    await tg.user(user_id).send_text("привет")  # starts the chat so the bot may write
    await tg.user(user_id).wait_for_message(contains="Не понял")
    url = f"{stack.webhook_base}/telegram/webhook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": stack.webhook_secret}
    update = start_update(990002, user_id)
    async with aiohttp.ClientSession() as http:
        for _ in range(2):
            async with http.post(url, json=update, headers=headers) as r:
                assert r.status == 200
    await tg.user(user_id).wait_for_message(contains="Соколов Игорь Дмитриевич")
    await wait_until(lambda: "update 990002 was already handled" in stack.bot_log())
    calls = await tg.calls("sendMessage")
    menus = [c for c in calls if "Соколов Игорь" in str(c.params.get("text", ""))]
    assert len(menus) == 1
