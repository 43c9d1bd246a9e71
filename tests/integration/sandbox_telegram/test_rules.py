"""Telegram's rules as the emulator enforces them, seen from a bot over raw HTTP."""

from __future__ import annotations

import pytest

from sandbox.telegram.client import SandboxTelegramClient, TelegramUser
from sandbox.telegram.server import TelegramEmulator
from tests.integration.sandbox_telegram.conftest import RawBotApi

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


@pytest.fixture
async def anna(tg: SandboxTelegramClient) -> TelegramUser:
    user = await tg.create_user("Анна", user_id=501)
    await user.send_command("/start")
    return user


def keyboard(*data: str) -> dict[str, object]:
    return {
        "inline_keyboard": [[{"text": f"b{i}", "callback_data": d} for i, d in enumerate(data)]]
    }


async def test_a_text_of_4096_characters_passes_and_4097_is_too_long(
    bot_api: RawBotApi, anna: TelegramUser
) -> None:
    await bot_api.ok("sendMessage", chat_id=str(anna.id), text="я" * 4096)
    error = await bot_api.error("sendMessage", chat_id=str(anna.id), text="я" * 4097)
    assert error == (400, "Bad Request: message is too long")


async def test_the_length_limit_counts_the_text_without_html_tags(
    bot_api: RawBotApi, anna: TelegramUser
) -> None:
    text = "<b>" + "x" * 4000 + "</b><i>" + "y" * 96 + "</i> &amp;"
    error = await bot_api.error("sendMessage", chat_id=str(anna.id), text=text, parse_mode="HTML")
    assert error == (400, "Bad Request: message is too long")
    await bot_api.ok("sendMessage", chat_id=str(anna.id), text=text[:-6], parse_mode="HTML")


async def test_an_empty_or_blank_text_is_refused(bot_api: RawBotApi, anna: TelegramUser) -> None:
    assert await bot_api.error("sendMessage", chat_id=str(anna.id), text="  \n") == (
        400,
        "Bad Request: message text is empty",
    )
    assert await bot_api.error("sendMessage", chat_id=str(anna.id)) == (
        400,
        "Bad Request: message text is empty",
    )


async def test_a_caption_over_1024_characters_is_refused(
    bot_api: RawBotApi, anna: TelegramUser
) -> None:
    chat = str(anna.id)
    await bot_api.ok("sendDocument", chat_id=chat, document=b"ok", caption="c" * 1024)
    error = await bot_api.error("sendDocument", chat_id=chat, document=b"x", caption="c" * 1025)
    assert error == (400, "Bad Request: message caption is too long")


@pytest.mark.parametrize(
    ("data", "accepted"),
    [("d" * 64, True), ("d" * 65, False), ("ж" * 32, True), ("ж" * 33, False), ("", False)],
)
async def test_callback_data_must_hold_1_to_64_bytes(
    bot_api: RawBotApi, anna: TelegramUser, data: str, accepted: bool
) -> None:
    status, body = await bot_api.call(
        "sendMessage", chat_id=str(anna.id), text="?", reply_markup=keyboard(data)
    )
    if accepted:
        assert status == 200
    else:
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_an_inline_button_without_an_action_is_refused(
    bot_api: RawBotApi, anna: TelegramUser
) -> None:
    markup = {"inline_keyboard": [[{"text": "just text"}]]}
    _, description = await bot_api.error(
        "sendMessage", chat_id=str(anna.id), text="?", reply_markup=markup
    )
    assert "Text buttons are unallowed in the inline keyboard" in description


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("ООО Рога & Копыта", "Unsupported HTML entity at byte offset 16"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
async def test_invalid_html_is_refused_with_telegrams_reason(
    bot_api: RawBotApi, anna: TelegramUser, text: str, reason: str
) -> None:
    error = await bot_api.error("sendMessage", chat_id=str(anna.id), text=text, parse_mode="HTML")
    assert error == (400, f"Bad Request: can't parse entities: {reason}")


async def test_valid_html_becomes_plain_text_with_entities(
    bot_api: RawBotApi, anna: TelegramUser
) -> None:
    html = '<b>Итого</b>: 1 000,00 &lt;₽&gt; <a href="https://x.ru/?a=1&b=2">счёт</a> &#128512;'
    message = await bot_api.ok("sendMessage", chat_id=str(anna.id), text=html, parse_mode="html")
    assert message["text"] == "Итого: 1 000,00 <₽> счёт 😀"
    assert message["entities"] == [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "text_link", "offset": 20, "length": 4, "url": "https://x.ru/?a=1&b=2"},
    ]


async def test_an_edit_to_the_same_content_and_markup_is_not_modified(
    bot_api: RawBotApi, anna: TelegramUser
) -> None:
    chat = str(anna.id)
    sent = await bot_api.ok("sendMessage", chat_id=chat, text="v1", reply_markup=keyboard("a"))
    same = {"chat_id": chat, "message_id": str(sent["message_id"]), "text": "v1"}
    assert await bot_api.error("editMessageText", **same, reply_markup=keyboard("a")) == (
        400,
        NOT_MODIFIED,
    )
    # Without reply_markup the keyboard is removed: that is a modification.
    edited = await bot_api.ok("editMessageText", **same)
    assert "reply_markup" not in edited and edited["edit_date"] >= sent["date"]
    assert await bot_api.error("editMessageReplyMarkup", **same) == (400, NOT_MODIFIED)


async def test_editing_an_unknown_message_is_refused(
    bot_api: RawBotApi, anna: TelegramUser
) -> None:
    error = await bot_api.error(
        "editMessageText", chat_id=str(anna.id), message_id="999", text="x"
    )
    assert error == (400, "Bad Request: message to edit not found")


async def test_a_user_who_never_started_the_bot_cannot_be_messaged(
    bot_api: RawBotApi, tg: SandboxTelegramClient
) -> None:
    stranger = await tg.create_user("Незнакомец")
    error = await bot_api.error("sendMessage", chat_id=str(stranger.id), text="hi")
    assert error == (403, "Forbidden: bot can't initiate conversation with a user")
    unknown = await bot_api.error("sendMessage", chat_id="777000", text="hi")
    assert unknown == (400, "Bad Request: chat not found")


async def test_a_user_who_blocked_the_bot_cannot_be_messaged_until_unblocking(
    bot_api: RawBotApi, anna: TelegramUser
) -> None:
    await anna.block()
    error = await bot_api.error("sendMessage", chat_id=str(anna.id), text="hi")
    assert error == (403, "Forbidden: bot was blocked by the user")
    await anna.unblock()
    await bot_api.ok("sendMessage", chat_id=str(anna.id), text="hi")


async def test_flood_control_answers_429_with_retry_after_beyond_the_chat_burst(
    bot_api: RawBotApi, tg: SandboxTelegramClient, anna: TelegramUser
) -> None:
    await tg.set_flood_control(True, per_chat_rate=1, per_chat_burst=3)
    for number in range(3):
        await bot_api.ok("sendMessage", chat_id=str(anna.id), text=f"m{number}")
    status, body = await bot_api.call("sendMessage", chat_id=str(anna.id), text="one too many")
    assert status == 429
    assert body["description"] == "Too Many Requests: retry after 1"
    assert body["parameters"] == {"retry_after": 1}
    await bot_api.ok("getMe")  # only sending and editing methods are limited


async def test_the_global_rate_limits_the_bot_across_chats(
    bot_api: RawBotApi, tg: SandboxTelegramClient
) -> None:
    await tg.set_flood_control(True, global_rate=0.5, global_burst=2, per_chat_burst=10)
    users = [await tg.create_user(f"U{n}") for n in range(3)]
    for user in users:
        await user.send_text("hi")
    for user in users[:2]:
        await bot_api.ok("sendMessage", chat_id=str(user.id), text="ok")
    status, body = await bot_api.call("sendMessage", chat_id=str(users[2].id), text="no")
    assert (status, body["parameters"]["retry_after"]) == (429, 2)


async def test_flood_control_can_be_switched_off_at_runtime(
    bot_api: RawBotApi, tg: SandboxTelegramClient, anna: TelegramUser
) -> None:
    await tg.set_flood_control(True, per_chat_burst=1)
    await bot_api.ok("sendMessage", chat_id=str(anna.id), text="1")
    assert (await bot_api.call("sendMessage", chat_id=str(anna.id), text="2"))[0] == 429
    settings = await tg.set_flood_control(False)
    assert settings.enabled is False
    for number in range(20):
        await bot_api.ok("sendMessage", chat_id=str(anna.id), text=str(number))


async def test_unknown_methods_and_tokens_are_refused_like_telegram(
    bot_api: RawBotApi, emulator: TelegramEmulator
) -> None:
    status, body = await bot_api.call("sendTelepathy", chat_id="1")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    stranger = RawBotApi(bot_api.session, emulator.url, token="999:WRONG")
    assert await stranger.error("getMe") == (401, "Unauthorized")


async def test_get_updates_conflicts_with_an_active_webhook(bot_api: RawBotApi) -> None:
    await bot_api.ok("setWebhook", url="http://127.0.0.1:9/hook")
    status, description = await bot_api.error("getUpdates")
    assert status == 409 and description.startswith("Conflict: can't use getUpdates method")
    await bot_api.ok("deleteWebhook")
    assert await bot_api.ok("getUpdates") == []
