"""The control API over plain HTTP, as the sandbox page uses it."""

from __future__ import annotations

import aiohttp

from sandbox.telegram.client import SandboxTelegramClient, sample_png
from sandbox.telegram.server import TelegramEmulator, start_telegram_emulator
from tests.integration.sandbox_telegram.conftest import RawBotApi


async def test_a_document_can_be_uploaded_as_multipart(
    emulator: TelegramEmulator, bot_api: RawBotApi
) -> None:
    form = aiohttp.FormData()
    form.add_field("document", b"1;2\n", filename="t.csv", content_type="text/csv")
    form.add_field("caption", "файл")
    async with bot_api.session.post(f"{emulator.url}/sandbox/users/7/documents", data=form) as r:
        assert r.status == 200
    [update] = await bot_api.ok("getUpdates")
    assert update["message"]["document"]["file_name"] == "t.csv"
    assert update["message"]["from"]["first_name"] == "User 7"  # defined on first act


async def test_a_users_photo_arrives_as_photo_sizes(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_photo(sample_png(4, 3), caption="чек")
    message = (await bot_api.ok("getUpdates"))[-1]["message"]
    assert [(p["width"], p["height"]) for p in message["photo"]] == [(4, 3)]
    assert message["caption"] == "чек"
    shown = await anna.last_message()
    assert shown is None  # the user's own photo is not a bot message
    [mine] = await anna.chat()
    assert mine.photo is not None and mine.photo.mime_type == "image/png"


async def test_errors_are_json_and_cors_is_open(
    emulator: TelegramEmulator, bot_api: RawBotApi
) -> None:
    session = bot_api.session
    async with session.get(f"{emulator.url}/sandbox/users/404/chat") as response:
        assert (response.status, await response.json()) == (404, {"error": "unknown user 404"})
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    async with session.options(f"{emulator.url}/sandbox/users") as response:
        assert response.status == 204
    async with session.post(f"{emulator.url}/sandbox/users/1/messages", json={}) as response:
        assert response.status == 400


async def test_a_reply_keyboard_stays_until_the_bot_removes_it(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_text("hi")
    chat = str(anna.id)
    await bot_api.ok(
        "sendMessage", chat_id=chat, text="Меню", reply_markup={"keyboard": [["Мои заявки"]]}
    )
    await bot_api.ok("sendMessage", chat_id=chat, text="ещё")
    assert (await anna.chat_view()).reply_keyboard is not None
    await anna.press_reply_button("Мои заявки")
    assert (await bot_api.ok("getUpdates"))[-1]["message"]["text"] == "Мои заявки"
    await bot_api.ok(
        "sendMessage", chat_id=chat, text="Ок", reply_markup={"remove_keyboard": True}
    )
    view = await anna.chat_view()
    assert view.reply_keyboard is None and view.messages[-1].remove_keyboard


async def test_an_emulator_accepting_any_token_serves_several_bots() -> None:
    runner, port = await start_telegram_emulator(port=0)
    try:
        url = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            first, second = RawBotApi(session, url, "1:A"), RawBotApi(session, url, "2:B")
            assert (await first.ok("getMe"))["id"] == 1
            assert (await second.ok("getMe"))["id"] == 2
            async with SandboxTelegramClient(url, bot="2:B") as tg:
                await tg.send_text(5, "to the second bot")
                assert [b.id for b in await tg.bots()] == [1, 2]
            assert await first.ok("getUpdates") == []
            assert len(await second.ok("getUpdates")) == 1
    finally:
        await runner.cleanup()


async def test_a_hand_made_update_reaches_the_bot(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    update_id = await tg.push_update("edited_message", {"message_id": 1})
    [update] = await bot_api.ok("getUpdates")
    assert update == {"update_id": update_id, "edited_message": {"message_id": 1}}
