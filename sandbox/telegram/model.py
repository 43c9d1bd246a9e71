"""The emulator's records: users, private chats, messages, callback queries.

Every change to a chat takes the next value of one emulator-wide sequence (`seq`), stored
on the chat and on the message it touched. Sequences, message ids and update ids never
restart, not even after a reset, so a waiting client or a polling bot is never confused by
a reused number.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sandbox.telegram.files import StoredFile
from sandbox.telegram.formatting import FormattedText
from sandbox.telegram.markup import InlineKeyboard, ReplyKeyboard, ReplyMarkup


class Signal:
    """Wakes everyone waiting for "something changed"; cheap to notify with no waiters."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """True if notified within `seconds`."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)
            return True
        return False


def unix_now() -> int:
    return int(datetime.now(UTC).timestamp())


@dataclass
class UserProfile:
    """A Telegram user the control API acts as; shared by all bots of the emulator."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None


@dataclass(frozen=True)
class Contact:
    phone_number: str
    first_name: str
    last_name: str | None = None
    user_id: int | None = None


@dataclass
class StoredMessage:
    """A message of a private chat. Text messages carry `text`; media carry `caption`."""

    message_id: int
    chat_id: int
    from_bot: bool
    sender_id: int
    date: int
    created_seq: int
    updated_seq: int
    text: FormattedText | None = None
    caption: FormattedText | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    contact: Contact | None = None
    inline_keyboard: InlineKeyboard | None = None
    keyboard_markup: ReplyMarkup | None = None  # a non-inline markup sent with the message
    edit_date: int | None = None

    @property
    def kind(self) -> str:
        if self.document is not None:
            return "document"
        if self.photo is not None:
            return "photo"
        if self.contact is not None:
            return "contact"
        return "text"


@dataclass
class CallbackQueryRecord:
    """A button press and, once the bot called answerCallbackQuery, its answer."""

    id: str
    bot_id: int
    user_id: int
    message_id: int
    data: str | None
    created_at: int
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    answered_at: int | None = None


@dataclass
class Chat:
    """A private chat between one bot and one user (chat id == user id).

    `started` turns true with the user's first message; until then, and while `blocked`,
    the bot gets 403. `reply_keyboard` is the custom keyboard the user's client shows.
    """

    user_id: int
    started: bool = False
    blocked: bool = False
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    reply_keyboard: ReplyKeyboard | None = None
    callbacks: list[CallbackQueryRecord] = field(default_factory=list)
    chat_action: str | None = None
    seq: int = 0
    signal: Signal = field(default_factory=Signal)

    def touch(self, seq: int) -> None:
        self.seq = seq
        self.signal.notify()

    def add(self, message: StoredMessage) -> None:
        self.messages[message.message_id] = message
        self.touch(message.created_seq)


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
