"""User-facing texts made in the core and shown by the Telegram side in the reader's
language: a Russian template, marked for the catalogs, and the values that fill it.

The core has no i18n machinery: ``N_`` only marks a template so that ``make i18n``
extracts it; the handlers translate it when they show it (`Text.render` with their
gettext). Values may themselves be `Text` (a stage's name, say), rendered the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def N_(template: str) -> str:  # noqa: N802 - the gettext convention for «mark, do not translate»
    """Marks ``template`` for the catalogs; returns it unchanged."""
    return template


def _same(template: str) -> str:
    return template


@dataclass(frozen=True)
class Text:
    """A Russian template (``str.format`` fields, literal braces doubled when it has
    values) and its values. ``str()`` is the Russian text."""

    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str]) -> str:
        # gettext("") is the catalog's header, never a message
        translated = gettext(self.template) if self.template else ""
        if not self.params:
            return translated
        values = {
            name: value.render(gettext) if isinstance(value, Text) else value
            for name, value in self.params.items()
        }
        return translated.format(**values)

    def __str__(self) -> str:
        return self.render(_same)
