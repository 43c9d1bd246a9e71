"""Bot API objects (User, Chat, Message...) built from the emulator's records."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.files import StoredFile
from sandbox.telegram.formatting import FormattedText
from sandbox.telegram.model import Contact, StoredMessage, UserProfile
from sandbox.telegram.state import BotState


def user_to_api(user: UserProfile) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    for key in ("last_name", "username", "language_code"):
        if (value := getattr(user, key)) is not None:
            data[key] = value
    return data


def private_chat_to_api(user: UserProfile) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user.id, "type": "private", "first_name": user.first_name}
    if user.last_name is not None:
        data["last_name"] = user.last_name
    if user.username is not None:
        data["username"] = user.username
    return data


def document_to_api(stored: StoredFile) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.file_name is not None:
        data["file_name"] = stored.file_name
    if stored.mime_type is not None:
        data["mime_type"] = stored.mime_type
    return data


def photo_to_api(stored: StoredFile) -> list[dict[str, Any]]:
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "width": stored.width,
            "height": stored.height,
        }
    ]


def file_to_api(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


def contact_to_api(contact: Contact) -> dict[str, Any]:
    data: dict[str, Any] = {
        "phone_number": contact.phone_number,
        "first_name": contact.first_name,
    }
    if contact.last_name is not None:
        data["last_name"] = contact.last_name
    if contact.user_id is not None:
        data["user_id"] = contact.user_id
    return data


def message_to_api(bot: BotState, user: UserProfile, message: StoredMessage) -> dict[str, Any]:
    """The Message object of `message` in the private chat of `bot` with `user`."""
    data: dict[str, Any] = {
        "message_id": message.message_id,
        "from": bot.to_api_user() if message.from_bot else user_to_api(user),
        "chat": private_chat_to_api(user),
        "date": message.date,
    }
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    _add_text(data, "text", "entities", message.text)
    _add_text(data, "caption", "caption_entities", message.caption)
    if message.document is not None:
        data["document"] = document_to_api(message.document)
    if message.photo is not None:
        data["photo"] = photo_to_api(message.photo)
    if message.contact is not None:
        data["contact"] = contact_to_api(message.contact)
    if message.inline_keyboard is not None:
        data["reply_markup"] = message.inline_keyboard.to_api()
    return data


def _add_text(
    data: dict[str, Any], key: str, entities_key: str, text: FormattedText | None
) -> None:
    if text is None or not text.plain:
        return
    data[key] = text.plain
    if text.entities:
        data[entities_key] = [entity.to_api() for entity in text.entities]
