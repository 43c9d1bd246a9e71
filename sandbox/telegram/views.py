"""JSON of the control API: a chat as its user sees it, callback answers, bots.

A message view has the plain text (`text` or `caption`), `html` (normalized Telegram HTML
rendered from the entities), `raw` (exactly what the bot sent), buttons, keyboards and
attachments with a download URL. The client turns these into its dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sandbox.telegram.files import StoredFile
from sandbox.telegram.formatting import FormattedText
from sandbox.telegram.markup import ForceReply, RemoveKeyboard, ReplyKeyboard
from sandbox.telegram.model import CallbackQueryRecord, Chat, StoredMessage, UserProfile
from sandbox.telegram.state import BotState

FileUrl = Callable[[StoredFile], str]


def iso(timestamp: int | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).isoformat()


def user_view(user: UserProfile) -> dict[str, Any]:
    return asdict(user)


def bot_view(bot: BotState) -> dict[str, Any]:
    webhook = bot.webhook
    return {
        "id": bot.id,
        "token": bot.token,
        "username": bot.username,
        "first_name": bot.first_name,
        "webhook_url": webhook.url if webhook else None,
        "pending_updates": bot.updates.pending_count,
        "commands": [
            {"scope": scope, "language_code": language, "commands": commands}
            for (scope, language), commands in bot.commands.items()
        ],
        "menu_button": bot.menu_buttons.get(None),
        "profile": dict(bot.profile),
    }


def reply_keyboard_view(keyboard: ReplyKeyboard | None) -> dict[str, Any] | None:
    if keyboard is None:
        return None
    return {
        "rows": [[asdict(button) for button in row] for row in keyboard.rows],
        "resize_keyboard": keyboard.resize_keyboard,
        "one_time_keyboard": keyboard.one_time_keyboard,
        "is_persistent": keyboard.is_persistent,
        "input_field_placeholder": keyboard.input_field_placeholder,
    }


def attachment_view(stored: StoredFile | None, file_url: FileUrl) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "file_id": stored.file_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": stored.size,
        "width": stored.width,
        "height": stored.height,
        "url": file_url(stored),
    }


def message_view(message: StoredMessage, file_url: FileUrl) -> dict[str, Any]:
    body = message.text or message.caption
    markup = message.keyboard_markup
    keyboard = markup if isinstance(markup, ReplyKeyboard) else None
    inline = message.inline_keyboard
    return {
        "message_id": message.message_id,
        "from_bot": message.from_bot,
        "sender_id": message.sender_id,
        "kind": message.kind,
        "date": iso(message.date),
        "text": _plain(message.text),
        "caption": _plain(message.caption),
        "html": body.html if body else None,
        "raw": body.raw if body else None,
        "parse_mode": body.parse_mode if body else None,
        "entities": [entity.to_api() for entity in body.entities] if body else [],
        "inline_keyboard": [
            [{"text": b.text, "callback_data": b.callback_data, "url": b.url} for b in row]
            for row in (inline.rows if inline else ())
        ],
        "reply_keyboard": reply_keyboard_view(keyboard),
        "remove_keyboard": isinstance(markup, RemoveKeyboard),
        "force_reply": isinstance(markup, ForceReply),
        "document": attachment_view(message.document, file_url),
        "photo": attachment_view(message.photo, file_url),
        "contact": asdict(message.contact) if message.contact else None,
        "edited": message.edit_date is not None,
        "edit_date": iso(message.edit_date),
        "created_seq": message.created_seq,
        "updated_seq": message.updated_seq,
    }


def _plain(text: FormattedText | None) -> str | None:
    return None if text is None else text.plain


def callback_view(record: CallbackQueryRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "user_id": record.user_id,
        "message_id": record.message_id,
        "data": record.data,
        "answered": record.answered.is_set(),
        "text": record.text,
        "show_alert": record.show_alert,
        "url": record.url,
        "pressed_at": iso(record.created_at),
        "answered_at": iso(record.answered_at),
    }


def chat_view(
    bot: BotState, user: UserProfile, chat: Chat, commands: list[dict[str, str]], file_url: FileUrl
) -> dict[str, Any]:
    return {
        "bot": {"id": bot.id, "username": bot.username, "first_name": bot.first_name},
        "user": user_view(user),
        "started": chat.started,
        "blocked": chat.blocked,
        "seq": chat.seq,
        "reply_keyboard": reply_keyboard_view(chat.reply_keyboard),
        "chat_action": chat.chat_action,
        "commands": commands,
        "messages": [message_view(message, file_url) for message in chat.messages.values()],
        "callback_answers": [callback_view(record) for record in chat.callbacks],
    }
