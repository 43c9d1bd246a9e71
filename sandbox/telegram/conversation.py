"""What happens in a chat, independent of HTTP: messages posted by either side, button
presses and blocking, each producing the update Telegram would deliver to the bot.
"""

from __future__ import annotations

from typing import Any

from sandbox.telegram.errors import ControlError
from sandbox.telegram.files import StoredFile
from sandbox.telegram.formatting import FormattedText
from sandbox.telegram.markup import InlineKeyboard, RemoveKeyboard, ReplyKeyboard, ReplyMarkup
from sandbox.telegram.model import (
    CallbackQueryRecord,
    Chat,
    Contact,
    StoredMessage,
    UserProfile,
    unix_now,
)
from sandbox.telegram.serialize import message_to_api, private_chat_to_api, user_to_api
from sandbox.telegram.state import BotState, Emulator


def post_user_message(
    emulator: Emulator,
    bot: BotState,
    user: UserProfile,
    *,
    text: FormattedText | None = None,
    caption: FormattedText | None = None,
    document: StoredFile | None = None,
    photo: StoredFile | None = None,
    contact: Contact | None = None,
) -> tuple[StoredMessage, int]:
    """The user sends a message: it starts the chat and becomes a `message` update."""
    chat = bot.chat(user.id)
    if chat.blocked:
        raise ControlError(409, f"user {user.id} has blocked the bot; unblock it first")
    chat.started = True
    seq = emulator.next_seq()
    message = StoredMessage(
        message_id=emulator.next_message_id(), chat_id=user.id, from_bot=False,
        sender_id=user.id, date=unix_now(), created_seq=seq, updated_seq=seq, text=text,
        caption=caption, document=document, photo=photo, contact=contact,
    )  # fmt: skip
    chat.add(message)
    update_id = bot.updates.push("message", message_to_api(bot, user, message))
    return message, update_id


def post_bot_message(
    emulator: Emulator,
    bot: BotState,
    chat: Chat,
    markup: ReplyMarkup | None,
    **content: Any,
) -> StoredMessage:
    """The bot sends a message (`content`: text, caption, document, photo)."""
    seq = emulator.next_seq()
    message = StoredMessage(
        message_id=emulator.next_message_id(), chat_id=chat.user_id, from_bot=True,
        sender_id=bot.id, date=unix_now(), created_seq=seq, updated_seq=seq,
        inline_keyboard=markup if isinstance(markup, InlineKeyboard) else None,
        keyboard_markup=None if isinstance(markup, InlineKeyboard) else markup, **content,
    )  # fmt: skip
    if isinstance(markup, ReplyKeyboard):
        chat.reply_keyboard = markup
    elif isinstance(markup, RemoveKeyboard):
        chat.reply_keyboard = None
    chat.chat_action = None
    chat.add(message)
    return message


def press_button(
    emulator: Emulator, bot: BotState, user: UserProfile, message: StoredMessage, data: str
) -> tuple[CallbackQueryRecord, int]:
    """The user presses an inline button carrying `data`: a `callback_query` update."""
    chat = bot.chat(user.id)
    if chat.blocked:
        raise ControlError(409, f"user {user.id} has blocked the bot; unblock it first")
    record = CallbackQueryRecord(
        id=emulator.next_callback_id(), bot_id=bot.id, user_id=user.id,
        message_id=message.message_id, data=data, created_at=unix_now(),
    )  # fmt: skip
    bot.callbacks[record.id] = record
    chat.callbacks.append(record)
    chat.touch(emulator.next_seq())
    payload = {
        "id": record.id,
        "from": user_to_api(user),
        "message": message_to_api(bot, user, message),
        "chat_instance": str(bot.id * 31 + user.id),
        "data": data,
    }
    return record, bot.updates.push("callback_query", payload)


def set_blocked(emulator: Emulator, bot: BotState, user: UserProfile, blocked: bool) -> int | None:
    """Block or unblock the bot; a change becomes a `my_chat_member` update."""
    chat = bot.chat(user.id)
    if chat.blocked == blocked:
        return None
    chat.blocked = blocked
    chat.touch(emulator.next_seq())
    member = {"status": "member", "user": bot.to_api_user()}
    kicked = {"status": "kicked", "user": bot.to_api_user(), "until_date": 0}
    payload = {
        "chat": private_chat_to_api(user),
        "from": user_to_api(user),
        "date": unix_now(),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }
    return bot.updates.push("my_chat_member", payload)
