"""Telegram's HTML parse mode: plain text and message entities, or Telegram's error.

The walk follows tdlib's `parse_html` so that the error texts match the real server
("Unsupported start tag "p" at byte offset 0", "Can't find end tag corresponding to start
tag "b"", ...). Offsets of entities are UTF-16 code units, like the Bot API's.

One deliberate difference: Telegram shows a bare '&' literally, the emulator rejects it
("Unsupported HTML entity at byte offset N"). A bot that forgets to escape '&' in user data
forgets '<' too, and that one fails in production, so the sandbox fails early. Inside
attribute values (hrefs with query strings) a bare '&' stays allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sandbox.telegram.entities import Entity, utf16_len

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link",
    "code": "code", "pre": "pre", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}  # fmt: skip
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_SPACES = " \t\r\n\f\v"
_ATTRIBUTE_CHARS = re.compile(r"[A-Za-z0-9_-]+")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; the message is tdlib's wording."""


@dataclass
class _OpenTag:
    name: str
    start: int
    attributes: dict[str, str] = field(default_factory=dict)


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Return the plain text and the entities of `text`, or raise `HtmlError`."""
    return _Parser(text).run()


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """The character an HTML entity at `pos` stands for and the entity's length."""
    match = _HTML_ENTITY.match(text, pos)
    if match is None:
        return None
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named], match.end() - pos
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end() - pos


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[str] = []
        self.length = 0  # UTF-16 length of the output so far
        self.stack: list[_OpenTag] = []
        self.entities: list[Entity] = []

    def run(self) -> tuple[str, list[Entity]]:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "<":
                self._tag()
            elif char == "&":
                self._entity()
            else:
                self._emit(char)
                self.pos += 1
        if self.stack:
            name = self.stack[-1].name
            raise HtmlError(f'Can\'t find end tag corresponding to start tag "{name}"')
        self.entities.sort(key=lambda entity: (entity.offset, -entity.length))
        return "".join(self.out), self.entities

    def _emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.length += utf16_len(chunk)

    def _byte_offset(self, pos: int) -> int:
        return len(self.text[:pos].encode("utf-8"))

    def _entity(self) -> None:
        decoded = _decode_entity(self.text, self.pos)
        if decoded is None:
            offset = self._byte_offset(self.pos)
            raise HtmlError(f"Unsupported HTML entity at byte offset {offset}")
        self._emit(decoded[0])
        self.pos += decoded[1]

    def _tag(self) -> None:
        if self.text.startswith("</", self.pos):
            self._end_tag()
        else:
            self._start_tag()

    def _read_name(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _SPACES + ">":
            self.pos += 1
        return self.text[start : self.pos]

    def _skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _SPACES:
            self.pos += 1

    def _start_tag(self) -> None:
        begin = self.pos
        self.pos += 1
        name = self._read_name().lower()
        if self.pos >= len(self.text):
            raise HtmlError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        if name not in ALLOWED_TAGS:
            offset = self._byte_offset(begin)
            raise HtmlError(f'Unsupported start tag "{name}" at byte offset {offset}')
        tag = _OpenTag(name, self.length)
        self._read_attributes(tag, begin)
        self.pos += 1  # the '>'
        _check_required_attributes(tag)
        self.stack.append(tag)

    def _read_attributes(self, tag: _OpenTag, begin: int) -> None:
        while True:
            self._skip_spaces()
            if self.pos >= len(self.text):
                raise HtmlError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            if self.text[self.pos] == ">":
                return
            name_match = _ATTRIBUTE_CHARS.match(self.text, self.pos)
            if name_match is None:
                offset = self._byte_offset(begin)
                raise HtmlError(
                    f'Empty attribute name in the tag "{tag.name}" at byte offset {offset}'
                )
            self.pos = name_match.end()
            attribute = name_match.group().lower()
            tag.attributes[attribute] = self._read_attribute_value(tag, attribute, begin)

    def _read_attribute_value(self, tag: _OpenTag, attribute: str, begin: int) -> str:
        self._skip_spaces()
        if self.pos < len(self.text) and self.text[self.pos] != "=":
            if tag.name == "blockquote" and attribute == "expandable":
                return ""
            offset = self._byte_offset(begin)
            raise HtmlError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag.name}" at byte offset {offset}'
            )
        self.pos += 1
        self._skip_spaces()
        if self.pos >= len(self.text):
            raise HtmlError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        quote = self.text[self.pos]
        if quote in "\"'":
            end = self.text.find(quote, self.pos + 1)
            if end < 0:
                raise HtmlError(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            raw, self.pos = self.text[self.pos + 1 : end], end + 1
        else:
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos] not in _SPACES + ">":
                self.pos += 1
            raw = self.text[start : self.pos]
        return _decode_attribute(raw)

    def _end_tag(self) -> None:
        begin = self.pos
        if not self.stack:
            raise HtmlError(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        self.pos += 2
        name = self._read_name().lower()
        self._skip_spaces()
        if self.pos >= len(self.text) or self.text[self.pos] != ">":
            raise HtmlError(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        self.pos += 1
        tag = self.stack.pop()
        if name and name != tag.name:
            offset = self._byte_offset(begin)
            raise HtmlError(
                f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
                f'found "</{name}>"'
            )
        self._close(tag)

    def _close(self, tag: _OpenTag) -> None:
        length = self.length - tag.start
        css_class = tag.attributes.get("class", "")
        parent = self.stack[-1] if self.stack else None
        in_pre = tag.name == "code" and parent is not None and parent.name == "pre"
        if in_pre and parent is not None and css_class.startswith("language-"):
            parent.attributes["language"] = css_class.removeprefix("language-")
            return
        if length <= 0:
            return
        entity = _entity_for(tag, length)
        if entity is not None:
            self.entities.append(entity)


def _decode_attribute(raw: str) -> str:
    chunks: list[str] = []
    pos = 0
    while pos < len(raw):
        decoded = _decode_entity(raw, pos) if raw[pos] == "&" else None
        if decoded is None:
            chunks.append(raw[pos])
            pos += 1
        else:
            chunks.append(decoded[0])
            pos += decoded[1]
    return "".join(chunks)


def _check_required_attributes(tag: _OpenTag) -> None:
    if tag.name == "span" and tag.attributes.get("class") != "tg-spoiler":
        raise HtmlError('Tag "span" must have class "tg-spoiler"')
    if tag.name == "tg-emoji" and not tag.attributes.get("emoji-id", "").isdigit():
        raise HtmlError('Tag "tg-emoji" must have attribute "emoji-id" with a number')


def _entity_for(tag: _OpenTag, length: int) -> Entity | None:
    kind = _ENTITY_TYPES[tag.name]
    if kind == "text_link":
        href = tag.attributes.get("href", "")
        return Entity(kind, tag.start, length, url=href) if href else None
    if kind == "custom_emoji":
        return Entity(kind, tag.start, length, custom_emoji_id=tag.attributes["emoji-id"])
    if kind == "pre":
        return Entity(kind, tag.start, length, language=tag.attributes.get("language") or None)
    if kind == "blockquote" and "expandable" in tag.attributes:
        return Entity("expandable_blockquote", tag.start, length)
    return Entity(kind, tag.start, length)
