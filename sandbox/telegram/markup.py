"""Reply markup: inline keyboards, reply keyboards, keyboard removal and force-reply.

Parsing validates what Telegram validates for a bot (callback data of 1..64 bytes, a button
must do something, a known markup kind) and keeps each button's fields so that the markup
is echoed back unchanged in Message objects and compared exactly for "message is not
modified".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.errors import bad_request

MAX_CALLBACK_DATA_BYTES = 64
_INLINE_ACTIONS = (
    "callback_data", "url", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_MARKUP_ERROR = "can't parse reply keyboard markup JSON object"
_BUTTON_ERROR = "can't parse inline keyboard button"


@dataclass(frozen=True)
class InlineButton:
    """An inline button; `fields` is the button object as the bot sent it."""

    text: str
    fields: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def callback_data(self) -> str | None:
        value = self.fields.get("callback_data")
        return value if isinstance(value, str) else None

    @property
    def url(self) -> str | None:
        value = self.fields.get("url")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class InlineKeyboard:
    rows: tuple[tuple[InlineButton, ...], ...]

    def to_api(self) -> dict[str, Any]:
        return {"inline_keyboard": [[dict(button.fields) for button in row] for row in self.rows]}

    def buttons(self) -> list[InlineButton]:
        return [button for row in self.rows for button in row]


@dataclass(frozen=True)
class KeyboardButton:
    text: str
    request_contact: bool = False
    request_location: bool = False


@dataclass(frozen=True)
class ReplyKeyboard:
    """A custom keyboard that replaces the user's letter keyboard until removed."""

    rows: tuple[tuple[KeyboardButton, ...], ...]
    resize_keyboard: bool = False
    one_time_keyboard: bool = False
    is_persistent: bool = False
    input_field_placeholder: str | None = None

    def find(self, text: str) -> KeyboardButton | None:
        return next((b for row in self.rows for b in row if b.text == text), None)


@dataclass(frozen=True)
class RemoveKeyboard:
    pass


@dataclass(frozen=True)
class ForceReply:
    input_field_placeholder: str | None = None


ReplyMarkup = InlineKeyboard | ReplyKeyboard | RemoveKeyboard | ForceReply


def parse_markup(value: object) -> ReplyMarkup | None:
    """Parse a decoded `reply_markup` parameter; None when the bot sent none."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(_MARKUP_ERROR)
    if "inline_keyboard" in value:
        return _inline_keyboard(value["inline_keyboard"])
    if "keyboard" in value:
        return _reply_keyboard(value)
    if value.get("remove_keyboard") is True:
        return RemoveKeyboard()
    if value.get("force_reply") is True:
        return ForceReply(_optional_str(value.get("input_field_placeholder")))
    raise bad_request(_MARKUP_ERROR)


def parse_inline_markup(value: object) -> InlineKeyboard | None:
    """Edits accept only inline keyboards."""
    markup = parse_markup(value)
    if markup is not None and not isinstance(markup, InlineKeyboard):
        raise bad_request("inline keyboard expected")
    return markup


def _rows(value: object) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(_MARKUP_ERROR)
    return value


def _inline_keyboard(value: object) -> InlineKeyboard | None:
    rows = tuple(tuple(_inline_button(item) for item in row) for row in _rows(value))
    return InlineKeyboard(rows) if any(rows) else None


def _inline_button(item: object) -> InlineButton:
    if not isinstance(item, dict):
        raise bad_request(f"{_BUTTON_ERROR}: InlineKeyboardButton must be an Object")
    text = item.get("text")
    if not isinstance(text, str):
        raise bad_request(f'{_BUTTON_ERROR}: Field "text" must be of type String')
    if not any(key in item for key in _INLINE_ACTIONS):
        raise bad_request(f"{_BUTTON_ERROR}: Text buttons are unallowed in the inline keyboard")
    data = item.get("callback_data")
    if "callback_data" in item and not _valid_callback_data(data):
        raise bad_request("BUTTON_DATA_INVALID")
    url = item.get("url")
    if "url" in item and not (isinstance(url, str) and _valid_url(url)):
        raise bad_request("BUTTON_URL_INVALID")
    return InlineButton(text, dict(item))


def _valid_callback_data(data: object) -> bool:
    if not isinstance(data, str):
        return False
    return 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES


def _valid_url(url: str) -> bool:
    return url.startswith(("http://", "https://", "tg://")) and len(url) > len("tg://")


def _reply_keyboard(value: dict[str, Any]) -> ReplyKeyboard:
    rows = tuple(tuple(_keyboard_button(item) for item in row) for row in _rows(value["keyboard"]))
    return ReplyKeyboard(
        rows=rows,
        resize_keyboard=value.get("resize_keyboard") is True,
        one_time_keyboard=value.get("one_time_keyboard") is True,
        is_persistent=value.get("is_persistent") is True,
        input_field_placeholder=_optional_str(value.get("input_field_placeholder")),
    )


def _keyboard_button(item: object) -> KeyboardButton:
    if isinstance(item, str):
        return KeyboardButton(item)
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    return KeyboardButton(
        item["text"],
        request_contact=item.get("request_contact") is True,
        request_location=item.get("request_location") is True,
    )


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None
