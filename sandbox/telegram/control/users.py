"""Control API: define users and act as them (text, files, contacts, reply buttons, block)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from aiohttp import web

from sandbox.telegram.control.common import (
    acting_user,
    bot_of,
    emulator_of,
    int_arg,
    json_body,
    path_user_id,
)
from sandbox.telegram.conversation import post_user_message, set_blocked
from sandbox.telegram.errors import ControlError
from sandbox.telegram.files import FileKind, image_size
from sandbox.telegram.formatting import MAX_TEXT_LENGTH, FormattedText, plain_text
from sandbox.telegram.markup import KeyboardButton
from sandbox.telegram.model import Contact, StoredMessage, UserProfile
from sandbox.telegram.params import Upload, read_params
from sandbox.telegram.views import user_view

_PROFILE_FIELDS = ("first_name", "last_name", "username", "language_code", "phone_number")


async def create_user(request: web.Request) -> web.Response:
    """Define a user, or update the given fields of an existing one."""
    emulator = emulator_of(request)
    body = await json_body(request)
    user_id = int_arg(str(body["id"]), "id") if body.get("id") is not None else None
    user_id = user_id if user_id is not None else emulator.free_user_id()
    user = emulator.users.get(user_id) or UserProfile(user_id, f"User {user_id}")
    for field in _PROFILE_FIELDS:
        value = body.get(field)
        if value is not None and not isinstance(value, str):
            raise ControlError(400, f"{field} must be a string")
        if field in body and (value or field != "first_name"):
            setattr(user, field, value)
    emulator.users[user_id] = user
    return web.json_response(user_view(user))


async def list_users(request: web.Request) -> web.Response:
    return web.json_response([user_view(user) for user in emulator_of(request).users.values()])


async def get_user(request: web.Request) -> web.Response:
    return web.json_response(user_view(emulator_of(request).user(path_user_id(request))))


def _sent(request: web.Request, message: StoredMessage, update_id: int) -> web.Response:
    return web.json_response(
        {
            "message_id": message.message_id,
            "update_id": update_id,
            "seq": emulator_of(request).seq,
        }
    )


async def send_text(request: web.Request) -> web.Response:
    body = await json_body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ControlError(400, "text must be a non-empty string")
    if len(text) > MAX_TEXT_LENGTH:
        raise ControlError(400, f"a user message holds at most {MAX_TEXT_LENGTH} characters")
    return _post(request, text=plain_text(text))


def _post(request: web.Request, **content: Any) -> web.Response:
    emulator, bot, user = emulator_of(request), bot_of(request), acting_user(request)
    message, update_id = post_user_message(emulator, bot, user, **content)
    return _sent(request, message, update_id)


async def _upload(request: web.Request, kind: FileKind) -> tuple[Upload, str | None]:
    """The file of a JSON ({filename, mime_type, data_base64, caption}) or multipart body."""
    params = await read_params(request)
    upload = params.get_file(kind)
    if not isinstance(upload, Upload):
        encoded = params.get_str("data_base64") or ""
        try:
            data = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise ControlError(400, "data_base64 is not valid base64") from error
        upload = Upload(params.get_str("filename"), params.get_str("mime_type"), data)
    if not upload.data:
        raise ControlError(400, f"the {kind} is empty")
    return upload, params.get_str("caption")


async def send_document(request: web.Request) -> web.Response:
    upload, caption = await _upload(request, "document")
    stored = emulator_of(request).files.put(
        upload.data, "document", upload.filename or "document", upload.content_type
    )
    return _post(request, document=stored, caption=_caption(caption))


async def send_photo(request: web.Request) -> web.Response:
    upload, caption = await _upload(request, "photo")
    if image_size(upload.data) is None:
        raise ControlError(400, "a photo must be a PNG, JPEG, GIF or WEBP image")
    stored = emulator_of(request).files.put(upload.data, "photo", None, None)
    return _post(request, photo=stored, caption=_caption(caption))


def _caption(caption: str | None) -> FormattedText | None:
    return plain_text(caption) if caption and caption.strip() else None


async def send_contact(request: web.Request) -> web.Response:
    """A contact card; "user_id" absent means the sender's own, null means none."""
    body = await json_body(request)
    sender = acting_user(request)
    phone = body.get("phone_number")
    if not isinstance(phone, str) or not phone.strip():
        raise ControlError(400, "phone_number must be a non-empty string")
    raw_id = body.get("user_id", sender.id)
    contact_id = None if raw_id is None else int_arg(str(raw_id), "user_id")
    known = emulator_of(request).users.get(contact_id) if contact_id is not None else None
    first_name = body.get("first_name") or (known.first_name if known else "Contact")
    last_name = body.get("last_name") or (known.last_name if known else None)
    return _post(request, contact=Contact(phone, first_name, last_name, contact_id))


async def press_reply_button(request: web.Request) -> web.Response:
    """Tap a button of the reply keyboard the chat shows: its text, or the user's contact."""
    body = await json_body(request)
    user = acting_user(request)
    chat = bot_of(request).chat(user.id)
    keyboard = chat.reply_keyboard
    if keyboard is None:
        raise ControlError(409, "the chat shows no reply keyboard")
    button = keyboard.find(str(body.get("text")))
    if button is None:
        labels = [b.text for row in keyboard.rows for b in row]
        raise ControlError(404, f"no reply button {body.get('text')!r}; buttons: {labels}")
    response = _post(request, **_reply_button_content(user, button))
    if keyboard.one_time_keyboard:
        chat.reply_keyboard = None
    return response


def _reply_button_content(user: UserProfile, button: KeyboardButton) -> dict[str, Any]:
    if not button.request_contact:
        return {"text": plain_text(button.text)}
    if not user.phone_number:
        raise ControlError(409, f"user {user.id} has no phone_number to share")
    return {"contact": Contact(user.phone_number, user.first_name, user.last_name, user.id)}


async def block(request: web.Request) -> web.Response:
    return _set_blocked(request, blocked=True)


async def unblock(request: web.Request) -> web.Response:
    return _set_blocked(request, blocked=False)


def _set_blocked(request: web.Request, blocked: bool) -> web.Response:
    emulator, bot, user = emulator_of(request), bot_of(request), acting_user(request)
    update_id = set_blocked(emulator, bot, user, blocked)
    return web.json_response({"blocked": blocked, "update_id": update_id, "seq": emulator.seq})
