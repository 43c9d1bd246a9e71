"""sendMessage, the three edits, deleteMessage and sendChatAction."""

from __future__ import annotations

from sandbox.telegram.botapi.context import (
    CallContext,
    MethodSpec,
    check_access,
    message_to_edit,
    target_chat,
)
from sandbox.telegram.conversation import post_bot_message
from sandbox.telegram.errors import bad_request
from sandbox.telegram.formatting import (
    FormattedText,
    check_caption,
    check_message_text,
    format_text,
)
from sandbox.telegram.markup import InlineKeyboard, parse_inline_markup, parse_markup
from sandbox.telegram.model import Chat, StoredMessage, unix_now
from sandbox.telegram.serialize import message_to_api

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def read_text(ctx: CallContext, key: str, entities_key: str) -> FormattedText:
    params = ctx.params
    raw = params.get_str(key) or ""
    return format_text(raw, params.get_str("parse_mode"), params.get_json(entities_key))


async def send_message(ctx: CallContext) -> object:
    user, chat = target_chat(ctx)
    text = read_text(ctx, "text", "entities")
    check_message_text(text)
    markup = parse_markup(ctx.params.get_json("reply_markup"))
    check_access(chat)
    message = post_bot_message(ctx.emulator, ctx.bot, chat, markup, text=text)
    return message_to_api(ctx.bot, user, message)


def _apply_edit(
    ctx: CallContext, chat: Chat, message: StoredMessage, markup: InlineKeyboard | None
) -> None:
    message.inline_keyboard = markup
    message.edit_date = unix_now()
    message.updated_seq = ctx.emulator.next_seq()
    chat.touch(message.updated_seq)


async def edit_message_text(ctx: CallContext) -> object:
    user, chat = target_chat(ctx)
    message = message_to_edit(ctx, chat)
    text = read_text(ctx, "text", "entities")
    check_message_text(text)
    markup = parse_inline_markup(ctx.params.get_json("reply_markup"))
    check_access(chat)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    if text.same_content(message.text) and markup == message.inline_keyboard:
        raise bad_request(NOT_MODIFIED)
    message.text = text
    _apply_edit(ctx, chat, message, markup)
    return message_to_api(ctx.bot, user, message)


async def edit_message_caption(ctx: CallContext) -> object:
    user, chat = target_chat(ctx)
    message = message_to_edit(ctx, chat)
    caption = read_text(ctx, "caption", "caption_entities")
    check_caption(caption)
    markup = parse_inline_markup(ctx.params.get_json("reply_markup"))
    check_access(chat)
    if message.document is None and message.photo is None:
        raise bad_request("there is no caption in the message to edit")
    current = message.caption or FormattedText("")
    if caption.same_content(current) and markup == message.inline_keyboard:
        raise bad_request(NOT_MODIFIED)
    message.caption = caption
    _apply_edit(ctx, chat, message, markup)
    return message_to_api(ctx.bot, user, message)


async def edit_message_reply_markup(ctx: CallContext) -> object:
    user, chat = target_chat(ctx)
    message = message_to_edit(ctx, chat)
    markup = parse_inline_markup(ctx.params.get_json("reply_markup"))
    check_access(chat)
    if markup == message.inline_keyboard:
        raise bad_request(NOT_MODIFIED)
    _apply_edit(ctx, chat, message, markup)
    return message_to_api(ctx.bot, user, message)


async def delete_message(ctx: CallContext) -> object:
    _, chat = target_chat(ctx)
    message_id = ctx.params.get_int("message_id")
    if message_id is None or message_id not in chat.messages:
        raise bad_request("message to delete not found")
    del chat.messages[message_id]
    chat.touch(ctx.emulator.next_seq())
    return True


async def send_chat_action(ctx: CallContext) -> object:
    _, chat = target_chat(ctx)
    action = ctx.params.get_str("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    check_access(chat)
    chat.chat_action = action
    chat.touch(ctx.emulator.next_seq())
    return True


METHODS = {
    "sendmessage": MethodSpec(send_message, sends=True),
    "editmessagetext": MethodSpec(edit_message_text, sends=True),
    "editmessagecaption": MethodSpec(edit_message_caption, sends=True),
    "editmessagereplymarkup": MethodSpec(edit_message_reply_markup, sends=True),
    "deletemessage": MethodSpec(delete_message),
    "sendchataction": MethodSpec(send_chat_action),
}
