"""Message text and captions as Telegram stores them: parsed, trimmed, length-checked.

Invariants of `FormattedText`: `plain` has no leading or trailing whitespace (Telegram trims
it and shifts the entities), every entity lies inside `plain`, and `raw` is the string the
bot sent, kept for the sandbox view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from sandbox.telegram.entities import Entity, render_html, utf16_len
from sandbox.telegram.errors import bad_request
from sandbox.telegram.html_parser import HtmlError, parse_html

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
_TRIMMED = " \t\r\n\f\v"
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


@dataclass(frozen=True)
class FormattedText:
    """A text or caption after entity parsing; `plain` is what the user reads."""

    plain: str
    entities: tuple[Entity, ...] = ()
    raw: str = ""
    parse_mode: str | None = None

    @property
    def html(self) -> str:
        """Normalized Telegram HTML of the text (what a client renders)."""
        return render_html(self.plain, self.entities)

    def same_content(self, other: FormattedText | None) -> bool:
        return other is not None and (self.plain, self.entities) == (other.plain, other.entities)


def format_text(raw: str, parse_mode: str | None, entities: object = None) -> FormattedText:
    """Parse `raw` as the Bot API would for `parse_mode` (HTML validated, Markdown kept raw)."""
    mode = (parse_mode or "").strip()
    if mode.lower() == "html":
        try:
            plain, parsed = parse_html(raw)
        except HtmlError as error:
            raise bad_request(f"can't parse entities: {error}") from error
        return _trimmed(plain, parsed, raw, "HTML")
    if mode.lower() in {"markdown", "markdownv2"}:
        return _trimmed(raw, [], raw, mode)
    if mode:
        raise bad_request("unsupported parse_mode")
    return _trimmed(raw, _explicit_entities(entities), raw, None)


def plain_text(text: str) -> FormattedText:
    """A text typed by a user; a leading /command gets its bot_command entity."""
    formatted = _trimmed(text, [], text, None)
    match = _COMMAND.match(formatted.plain)
    if match is None:
        return formatted
    command = Entity("bot_command", 0, utf16_len(match.group()))
    return FormattedText(formatted.plain, (command,), text, None)


def check_message_text(text: FormattedText) -> None:
    if not text.plain:
        raise bad_request("message text is empty")
    if len(text.plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")


def check_caption(caption: FormattedText) -> None:
    if len(caption.plain) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")


def raw_html(text: FormattedText) -> str:
    """The text as sent when it was HTML, otherwise the plain text escaped."""
    return text.raw if text.parse_mode == "HTML" else escape(text.plain, quote=False)


def _explicit_entities(entities: object) -> list[Entity]:
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    try:
        return [Entity.from_api(_as_dict(item)) for item in entities]
    except (KeyError, TypeError, ValueError) as error:
        raise bad_request("can't parse entities JSON object") from error


def _as_dict(item: object) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise TypeError("entity must be an object")
    return item


def _trimmed(plain: str, entities: list[Entity], raw: str, mode: str | None) -> FormattedText:
    stripped_left = plain.lstrip(_TRIMMED)
    delta = utf16_len(plain[: len(plain) - len(stripped_left)])
    result = stripped_left.rstrip(_TRIMMED)
    limit = utf16_len(result)
    kept = (entity.shifted(delta, limit) for entity in entities)
    clean = tuple(entity for entity in kept if entity is not None)
    return FormattedText(result, clean, raw, mode)
