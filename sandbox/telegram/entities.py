"""Message entities (bold, links, code...) with offsets in UTF-16 code units.

`render_html` turns plain text and entities back into Telegram HTML, the way a client
renders a message; the sandbox page and the chat view show that normalized form.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

_TAGS = {
    "bold": "b", "italic": "i", "underline": "u", "strikethrough": "s", "spoiler": "tg-spoiler",
    "code": "code", "pre": "pre", "blockquote": "blockquote",
}  # fmt: skip


@dataclass(frozen=True)
class Entity:
    """One formatting span; `offset` and `length` count UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None
    user_id: int | None = None

    @property
    def end(self) -> int:
        return self.offset + self.length

    def shifted(self, delta: int, limit: int) -> Entity | None:
        """The entity moved left by `delta` and clipped to `[0, limit)`, or None if empty."""
        start = max(self.offset - delta, 0)
        end = min(self.end - delta, limit)
        if end <= start:
            return None
        return Entity(
            self.type, start, end - start, self.url, self.language, self.custom_emoji_id,
            self.user_id,
        )  # fmt: skip

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "offset": self.offset, "length": self.length}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        if self.custom_emoji_id is not None:
            data["custom_emoji_id"] = self.custom_emoji_id
        if self.user_id is not None:
            data["user"] = {"id": self.user_id, "is_bot": False, "first_name": str(self.user_id)}
        return data

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Entity:
        """Build from a Bot API MessageEntity object; raises KeyError/TypeError/ValueError."""
        user = data.get("user")
        return cls(
            type=str(data["type"]),
            offset=int(data["offset"]),
            length=int(data["length"]),
            url=data.get("url"),
            language=data.get("language"),
            custom_emoji_id=data.get("custom_emoji_id"),
            user_id=int(user["id"]) if isinstance(user, dict) else None,
        )


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render_html(plain: str, entities: tuple[Entity, ...] | list[Entity]) -> str:
    """Telegram HTML for `plain` with `entities`; overlapping spans are clipped to nest."""
    units = plain.encode("utf-16-le")
    ordered = sorted(entities, key=lambda entity: (entity.offset, -entity.length))
    return _render(units, 0, len(units) // 2, ordered)


def _slice(units: bytes, start: int, end: int) -> str:
    return escape(units[2 * start : 2 * end].decode("utf-16-le", errors="replace"), quote=False)


def _render(units: bytes, start: int, end: int, entities: list[Entity]) -> str:
    parts: list[str] = []
    pos, index = start, 0
    while index < len(entities):
        entity = entities[index]
        entity_start = max(entity.offset, pos)
        entity_end = min(entity.end, end)
        children: list[Entity] = []
        index += 1
        while index < len(entities) and entities[index].offset < entity_end:
            children.append(entities[index])
            index += 1
        if entity_end <= entity_start:
            continue
        opening, closing = _tags(entity)
        parts.append(_slice(units, pos, entity_start))
        inner = _render(units, entity_start, entity_end, children)
        parts.append(f"{opening}{inner}{closing}")
        pos = entity_end
    parts.append(_slice(units, pos, end))
    return "".join(parts)


def _tags(entity: Entity) -> tuple[str, str]:
    if entity.type == "text_link" and entity.url:
        return f'<a href="{escape(entity.url)}">', "</a>"
    if entity.type == "text_mention" and entity.user_id is not None:
        return f'<a href="tg://user?id={entity.user_id}">', "</a>"
    if entity.type == "pre" and entity.language:
        return f'<pre><code class="language-{escape(entity.language)}">', "</code></pre>"
    if entity.type == "custom_emoji" and entity.custom_emoji_id:
        return f'<tg-emoji emoji-id="{escape(entity.custom_emoji_id)}">', "</tg-emoji>"
    if entity.type == "expandable_blockquote":
        return "<blockquote expandable>", "</blockquote>"
    tag = _TAGS.get(entity.type)
    if tag is None:
        return "", ""
    return f"<{tag}>", f"</{tag}>"
