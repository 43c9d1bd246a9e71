"""Typed views returned by `SandboxTelegramClient`, parsed from the control API's JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


class SandboxError(Exception):
    """The control API refused a request (unknown user, no such button, blocked...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class WaitTimeout(AssertionError):
    """Nothing matched before the timeout; the message shows the chat as it was."""


def _when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@dataclass(frozen=True)
class UserInfo:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    phone_number: str | None = None


@dataclass(frozen=True)
class InlineButton:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ReplyButton:
    text: str
    request_contact: bool = False
    request_location: bool = False


@dataclass(frozen=True)
class ReplyKeyboard:
    rows: tuple[tuple[ReplyButton, ...], ...]
    resize_keyboard: bool = False
    one_time_keyboard: bool = False
    is_persistent: bool = False
    input_field_placeholder: str | None = None

    @property
    def texts(self) -> list[str]:
        return [button.text for row in self.rows for button in row]

    @classmethod
    def parse(cls, data: dict[str, Any] | None) -> ReplyKeyboard | None:
        if data is None:
            return None
        rows = tuple(tuple(ReplyButton(**button) for button in row) for row in data["rows"])
        fields = {key: value for key, value in data.items() if key != "rows"}
        return cls(rows, **fields)


@dataclass(frozen=True)
class Attachment:
    """A document or photo of a message; `url` downloads it (`client.download(url)`)."""

    file_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int
    width: int
    height: int
    url: str

    @classmethod
    def parse(cls, data: dict[str, Any] | None) -> Attachment | None:
        return None if data is None else cls(**data)


@dataclass(frozen=True)
class ContactCard:
    phone_number: str
    first_name: str
    last_name: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class ChatMessage:
    """A message as the user sees it now: edits applied; deleted ones never appear.

    `text` is set for text messages and `caption` for media (both plain, without tags);
    `html` is the normalized Telegram HTML and `raw` the string exactly as the bot sent it.
    `updated_seq` grows with every edit; `created_seq` orders messages in the emulator.
    """

    message_id: int
    from_bot: bool
    sender_id: int
    kind: str  # text | document | photo | contact
    date: datetime
    text: str | None
    caption: str | None
    html: str | None
    raw: str | None
    parse_mode: str | None
    entities: tuple[dict[str, Any], ...]
    inline_keyboard: tuple[tuple[InlineButton, ...], ...]
    reply_keyboard: ReplyKeyboard | None
    remove_keyboard: bool
    force_reply: bool
    document: Attachment | None
    photo: Attachment | None
    contact: ContactCard | None
    edited: bool
    edit_date: datetime | None
    created_seq: int
    updated_seq: int

    @property
    def body(self) -> str:
        """The text or the caption ("" if neither)."""
        return self.text or self.caption or ""

    @property
    def buttons(self) -> list[InlineButton]:
        return [button for row in self.inline_keyboard for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for button in self.buttons]

    def button(self, text: str) -> InlineButton:
        """The inline button labelled exactly `text`."""
        for button in self.buttons:
            if button.text == text:
                return button
        raise LookupError(f"no button {text!r} in message {self.message_id}: {self.button_texts}")

    def summary(self) -> str:
        """One line for failure messages: id, sender, kind, body, buttons."""
        who = "bot" if self.from_bot else f"user {self.sender_id}"
        extra = f" [{self.kind}]" if self.kind != "text" else ""
        buttons = f"  buttons: {self.button_texts}" if self.inline_keyboard else ""
        edited = " (edited)" if self.edited else ""
        return f"#{self.message_id} {who}{extra}{edited}: {self.body!r}{buttons}"

    @classmethod
    def parse(cls, data: dict[str, Any]) -> ChatMessage:
        contact = data["contact"]
        return cls(
            message_id=data["message_id"], from_bot=data["from_bot"],
            sender_id=data["sender_id"], kind=data["kind"],
            date=datetime.fromisoformat(data["date"]),
            text=data["text"], caption=data["caption"], html=data["html"], raw=data["raw"],
            parse_mode=data["parse_mode"], entities=tuple(data["entities"]),
            inline_keyboard=tuple(
                tuple(InlineButton(**button) for button in row) for row in data["inline_keyboard"]
            ),
            reply_keyboard=ReplyKeyboard.parse(data["reply_keyboard"]),
            remove_keyboard=data["remove_keyboard"], force_reply=data["force_reply"],
            document=Attachment.parse(data["document"]), photo=Attachment.parse(data["photo"]),
            contact=ContactCard(**contact) if contact else None, edited=data["edited"],
            edit_date=_when(data["edit_date"]), created_seq=data["created_seq"],
            updated_seq=data["updated_seq"],
        )  # fmt: skip


@dataclass(frozen=True)
class CallbackAnswer:
    """A button press; `answered` once the bot called answerCallbackQuery."""

    id: str
    user_id: int
    message_id: int
    data: str | None
    answered: bool
    text: str | None
    show_alert: bool
    url: str | None
    pressed_at: datetime | None
    answered_at: datetime | None

    @classmethod
    def parse(cls, data: dict[str, Any]) -> CallbackAnswer:
        times = {
            "pressed_at": _when(data["pressed_at"]),
            "answered_at": _when(data["answered_at"]),
        }
        return cls(**{**data, **times})


@dataclass(frozen=True)
class ChatView:
    """The whole chat of one user with the bot, as of chat sequence `seq`."""

    bot_id: int
    bot_username: str
    user: UserInfo
    started: bool
    blocked: bool
    seq: int
    reply_keyboard: ReplyKeyboard | None
    chat_action: str | None
    commands: tuple[tuple[str, str], ...]  # (command, description) the menu shows
    messages: tuple[ChatMessage, ...]
    callback_answers: tuple[CallbackAnswer, ...]

    @property
    def bot_messages(self) -> list[ChatMessage]:
        return [message for message in self.messages if message.from_bot]

    def message(self, message_id: int) -> ChatMessage | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    def transcript(self, last: int = 10) -> str:
        lines = [message.summary() for message in self.messages[-last:]]
        return "\n".join(lines) or "(no messages)"

    @classmethod
    def parse(cls, data: dict[str, Any]) -> ChatView:
        commands = tuple((item["command"], item["description"]) for item in data["commands"])
        return cls(
            bot_id=data["bot"]["id"], bot_username=data["bot"]["username"],
            user=UserInfo(**data["user"]), started=data["started"],
            blocked=data["blocked"], seq=data["seq"],
            reply_keyboard=ReplyKeyboard.parse(data["reply_keyboard"]),
            chat_action=data["chat_action"], commands=commands,
            messages=tuple(ChatMessage.parse(item) for item in data["messages"]),
            callback_answers=tuple(map(CallbackAnswer.parse, data["callback_answers"])),
        )  # fmt: skip


@dataclass(frozen=True)
class Sent:
    """What a user action produced: the user's message (if any), the update, the seq."""

    message_id: int | None
    update_id: int | None
    seq: int


@dataclass(frozen=True)
class Press:
    callback_query_id: str
    update_id: int
    data: str
    seq: int


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call the emulator received; `params` with JSON values decoded."""

    seq: int
    at: str
    bot_id: int | None
    method: str
    params: dict[str, Any]
    status: int
    ok: bool
    description: str | None
    retry_after: int | None


@dataclass(frozen=True)
class FloodSettings:
    enabled: bool
    per_chat_rate: float
    per_chat_burst: int
    global_rate: float
    global_burst: int


@dataclass(frozen=True)
class BotInfo:
    id: int
    token: str
    username: str
    first_name: str
    webhook_url: str | None
    pending_updates: int
    commands: tuple[dict[str, Any], ...]
    menu_button: dict[str, Any] | None
    profile: dict[str, str]

    @classmethod
    def parse(cls, data: dict[str, Any]) -> BotInfo:
        return cls(**{**data, "commands": tuple(data["commands"])})
