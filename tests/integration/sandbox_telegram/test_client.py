"""The test client against the emulator, with the bot side played over raw HTTP."""

from __future__ import annotations

import asyncio

import pytest

from sandbox.telegram.client import SandboxError, SandboxTelegramClient, WaitTimeout, sample_png
from sandbox.telegram.server import TelegramEmulator
from tests.integration.sandbox_telegram.conftest import RawBotApi

YES_NO = {
    "inline_keyboard": [
        [{"text": "Да", "callback_data": "v1:yes"}, {"text": "Нет", "callback_data": "v1:no"}],
        [{"text": "Сайт", "url": "https://example.org"}],
    ]
}


async def test_consecutive_waits_walk_through_the_bots_replies(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_command("/start", payload="invite-1")
    for text in ("first", "second"):
        await bot_api.ok("sendMessage", chat_id=str(anna.id), text=text)
    assert (await anna.wait_for_message()).text == "first"
    assert (await anna.wait_for_message()).text == "second"
    await anna.send_text("again")
    with pytest.raises(WaitTimeout, match=r"(?s)no new bot message.*#2 bot: 'first'"):
        await anna.wait_for_message(timeout=0.2)


async def test_a_wait_returns_as_soon_as_the_bot_replies(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_text("привет")

    async def reply_later() -> None:
        await asyncio.sleep(0.2)
        await bot_api.ok("sendMessage", chat_id=str(anna.id), text="<i>Здравствуйте</i>",
                         parse_mode="HTML")  # fmt: skip

    replying = asyncio.create_task(reply_later())
    message = await anna.wait_for_message(contains="Здравствуйте", timeout=2)
    await replying
    assert (message.text, message.html, message.from_bot) == (
        "Здравствуйте", "<i>Здравствуйте</i>", True,
    )  # fmt: skip


async def test_pressing_a_button_delivers_a_callback_query_and_returns_the_answer(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_command("/start")
    offset = (await bot_api.ok("getUpdates"))[-1]["update_id"] + 1
    card = await bot_api.ok("sendMessage", chat_id=str(anna.id), text="Оплатить?",
                            reply_markup=YES_NO)  # fmt: skip
    pressing = asyncio.create_task(anna.press(card["message_id"], text="Да"))
    [update] = await bot_api.ok("getUpdates", offset=str(offset), timeout="2")
    query = update["callback_query"]
    assert (query["data"], query["from"]["id"]) == ("v1:yes", anna.id)
    assert query["message"]["message_id"] == card["message_id"]
    await bot_api.ok("answerCallbackQuery", callback_query_id=query["id"], text="Уже решено",
                     show_alert="true")  # fmt: skip
    answer = await pressing
    assert answer is not None and (answer.text, answer.show_alert) == ("Уже решено", True)
    assert [a.text for a in await anna.callback_answers()] == ["Уже решено"]
    again = await bot_api.error("answerCallbackQuery", callback_query_id=query["id"])
    assert again[0] == 400 and "query is too old" in again[1]


async def test_a_press_needs_an_existing_button_unless_the_data_is_crafted(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_command("/start")
    card = await bot_api.ok("sendMessage", chat_id=str(anna.id), text="?", reply_markup=YES_NO)
    with pytest.raises(SandboxError, match="no such button"):
        await tg.press_nowait(anna.id, card["message_id"], "v0:yes")
    with pytest.raises(SandboxError, match="not a callback button"):
        await tg.press_nowait(anna.id, card["message_id"], text="Сайт")
    pressed = await tg.press_nowait(anna.id, card["message_id"], "v0:yes", crafted=True)
    assert pressed.data == "v0:yes"
    assert await anna.press(card["message_id"], "v1:no", timeout=0.1) is None  # unanswered


async def test_wait_for_edit_sees_the_bots_edit_after_a_press(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_command("/start")
    card = await bot_api.ok("sendMessage", chat_id=str(anna.id), text="Счёт №1",
                            reply_markup=YES_NO)  # fmt: skip
    await tg.press_nowait(anna.id, card["message_id"], text="Да")
    await bot_api.ok("editMessageText", chat_id=str(anna.id), message_id=str(card["message_id"]),
                     text="Счёт №1 — <b>согласован</b>", parse_mode="HTML")  # fmt: skip
    edited = await anna.wait_for_edit(card["message_id"], contains="согласован")
    assert edited.edited and edited.inline_keyboard == () and edited.raw is not None
    assert [m.text for m in await anna.chat()] == ["/start", "Счёт №1 — согласован"]
    await bot_api.ok("deleteMessage", chat_id=str(anna.id), message_id=str(card["message_id"]))
    await tg.wait_for_deletion(anna.id, card["message_id"])
    assert [m.text for m in await anna.chat()] == ["/start"]


async def test_a_request_contact_button_shares_the_users_own_phone(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна", phone_number="+79990001122")
    await anna.send_command("/start")
    keyboard = {
        "keyboard": [[{"text": "Поделиться номером", "request_contact": True}]],
        "one_time_keyboard": True,
        "resize_keyboard": True,
    }
    await bot_api.ok("sendMessage", chat_id=str(anna.id), text="Номер?", reply_markup=keyboard)
    view = await anna.chat_view()
    assert view.reply_keyboard is not None and view.reply_keyboard.texts == ["Поделиться номером"]
    await anna.press_reply_button("Поделиться номером")
    updates = await bot_api.ok("getUpdates")
    contact = updates[-1]["message"]["contact"]
    assert contact == {"phone_number": "+79990001122", "first_name": "Анна", "user_id": anna.id}
    assert (await anna.chat_view()).reply_keyboard is None  # one-time keyboards hide


async def test_a_contact_may_carry_another_users_id_or_none(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    boris = await tg.create_user("Борис", last_name="Петров")
    await anna.send_contact("+70000000001", contact_user_id=boris.id)
    await anna.send_contact("+70000000002", without_user_id=True, first_name="Бухгалтер")
    first, second = [u["message"]["contact"] for u in await bot_api.ok("getUpdates")]
    assert first == {"phone_number": "+70000000001", "first_name": "Борис",
                     "last_name": "Петров", "user_id": boris.id}  # fmt: skip
    assert second == {"phone_number": "+70000000002", "first_name": "Бухгалтер"}


async def test_a_users_document_reaches_the_bot_and_downloads_by_its_file_path(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    data = "Получатель;Сумма\nООО Ромашка;1000.00\n".encode()
    anna = await tg.create_user("Анна")
    await anna.send_document("реестр.csv", data, caption="на оплату")
    message = (await bot_api.ok("getUpdates"))[-1]["message"]
    document = message["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "реестр.csv", "text/csv", len(data),
    )  # fmt: skip
    assert message["caption"] == "на оплату"
    file = await bot_api.ok("getFile", file_id=document["file_id"])
    url = f"{bot_api.base_url}/file/bot{bot_api.token}/{file['file_path']}"
    async with bot_api.session.get(url) as response:
        assert await response.read() == data


async def test_a_photo_from_the_bot_is_shown_and_downloadable_and_resendable(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_text("hi")
    png = sample_png(3, 2)
    sent = await bot_api.ok("sendPhoto", chat_id=str(anna.id), photo=png, caption="чек")
    assert (sent["photo"][0]["width"], sent["photo"][0]["height"]) == (3, 2)
    again = await bot_api.ok("sendPhoto", chat_id=str(anna.id), photo=sent["photo"][0]["file_id"])
    assert again["photo"][0]["file_id"] == sent["photo"][0]["file_id"]
    shown = (await anna.chat())[1]
    assert shown.photo is not None and shown.caption == "чек"
    assert await tg.download(shown.photo) == png
    refused = await bot_api.error("sendPhoto", chat_id=str(anna.id), photo=b"%PDF-1.4")
    assert refused == (400, "Bad Request: IMAGE_PROCESS_FAILED")


async def test_blocking_sends_my_chat_member_and_acting_while_blocked_is_refused(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_text("hi")
    await anna.block()
    update = (await bot_api.ok("getUpdates"))[-1]["my_chat_member"]
    assert update["new_chat_member"]["status"] == "kicked"
    with pytest.raises(SandboxError, match="blocked the bot"):
        await anna.send_text("still here?")
    assert (await anna.chat_view()).blocked


async def test_the_call_log_and_injected_faults(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    await anna.send_text("hi")
    await tg.inject_fault("sendMessage", error_code=502, description="Bad Gateway")
    assert await bot_api.error("sendMessage", chat_id=str(anna.id), text="x") == (
        502,
        "Bad Gateway",
    )
    await bot_api.ok("sendMessage", chat_id=str(anna.id), text="y", reply_markup=YES_NO)
    calls = await tg.calls("sendMessage")
    assert [(c.status, c.params["text"]) for c in calls] == [(502, "x"), (200, "y")]
    assert calls[1].params["reply_markup"] == YES_NO
    assert await tg.calls(since=calls[-1].seq) == []


async def test_reset_forgets_chats_while_update_ids_keep_growing(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна")
    first = await anna.send_text("one")
    await tg.reset()
    assert await tg.users() == []
    second = await tg.user(anna.id).send_text("two")
    assert second.update_id is not None and first.update_id is not None
    assert second.update_id > first.update_id
    assert [u["message"]["text"] for u in await bot_api.ok("getUpdates")] == ["two"]


async def test_the_command_menu_follows_scope_and_language(
    tg: SandboxTelegramClient, bot_api: RawBotApi
) -> None:
    anna = await tg.create_user("Анна", language_code="ru")
    await bot_api.ok("setMyCommands", commands=[{"command": "help", "description": "Help"}])
    await bot_api.ok("setMyCommands", commands=[{"command": "start", "description": "Начать"}],
                     language_code="ru")  # fmt: skip
    await anna.send_text("hi")
    assert (await anna.chat_view()).commands == (("start", "Начать"),)
    assert await bot_api.ok("getMyCommands") == [{"command": "help", "description": "Help"}]
    bad = [{"command": "Bad Command", "description": "x"}]
    assert await bot_api.error("setMyCommands", commands=bad) == (
        400,
        "Bad Request: BOT_COMMAND_INVALID",
    )


async def test_a_new_emulator_never_hands_out_an_update_id_an_earlier_one_did() -> None:
    """A restarted sandbox keeps its database, where the bot remembers the ids it handled:
    ids that started again at 1 were skipped as already handled (seen with `make run`)."""
    async with (
        TelegramEmulator(["1:first-run"]) as first_run,
        SandboxTelegramClient(first_run.url) as tg,
    ):
        user = await tg.create_user("Новикова")
        sent = [await user.send_text(f"сообщение {n}") for n in range(30)]
    async with (
        TelegramEmulator(["1:first-run"]) as second_run,
        SandboxTelegramClient(second_run.url) as tg,
    ):
        again = await (await tg.create_user("Новикова")).send_text("после перезапуска")
    assert again.update_id is not None
    assert all(s.update_id is not None and s.update_id < again.update_id for s in sent)
