"""What a Bot API method handler gets, and the chat and message look-ups they share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sandbox.telegram.errors import bad_request, forbidden
from sandbox.telegram.model import Chat, StoredMessage, UserProfile
from sandbox.telegram.params import Params
from sandbox.telegram.state import BotState, Emulator


@dataclass(frozen=True)
class CallContext:
    emulator: Emulator
    bot: BotState
    params: Params


@dataclass(frozen=True)
class Described:
    """A result that Telegram returns with a `description` (setWebhook, deleteWebhook)."""

    value: object
    description: str


Handler = Callable[[CallContext], Awaitable[object]]


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method; `sends` methods (send*/edit*) are subject to flood control."""

    handler: Handler
    sends: bool = False


def parse_chat_id(params: Params) -> int | None:
    """The numeric chat_id if one was given, without raising (for flood control, faults)."""
    value = params.get_str("chat_id")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def target_chat(ctx: CallContext) -> tuple[UserProfile, Chat]:
    """The private chat named by chat_id; 400 "chat not found" for unknown ids."""
    if ctx.params.get_str("chat_id") in {None, ""}:
        raise bad_request("chat_id is empty")
    chat_id = parse_chat_id(ctx.params)
    user = ctx.emulator.users.get(chat_id) if chat_id is not None else None
    if user is None:
        raise bad_request("chat not found")
    return user, ctx.bot.chat(user.id)


def check_access(chat: Chat) -> None:
    """403 unless the user started the bot and has not blocked it."""
    if chat.blocked:
        raise forbidden("bot was blocked by the user")
    if not chat.started:
        raise forbidden("bot can't initiate conversation with a user")


def message_to_edit(ctx: CallContext, chat: Chat) -> StoredMessage:
    if ctx.params.get_str("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    message_id = ctx.params.get_int("message_id")
    message = chat.messages.get(message_id) if message_id is not None else None
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message
