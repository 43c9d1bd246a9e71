"""Typed field readers for the org file that record problems instead of stopping at the first."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")


@dataclass(frozen=True)
class OrgError:
    """One problem of the org file: where (the entry), which field, what is wrong (Russian)."""

    where: str
    field: str | None
    problem: str

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        middle = f"{self.field} — " if self.field else ""
        return f"{head}{middle}{self.problem}"


def quote(value: object) -> str:
    """A value as shown in messages: strings in double quotes, others as TOML would print."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def suggest(value: str, known: Iterable[str]) -> str:
    """«; возможно, "x"?» when a close match exists, else an empty string."""
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.75)
    return f"; возможно, {quote(close[0])}?" if close else ""


def zone_problem(value: str) -> str | None:
    """Why ``value`` is not a usable IANA time zone name, or None when it is."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return (
            f'неизвестный часовой пояс {quote(value)} (нужно имя IANA, например "Europe/Moscow")'
        )
    return None


@dataclass
class Entry:
    """One table of the org file being read; problems go to the shared ``errors`` list."""

    where: str
    data: Mapping[str, object]
    errors: list[OrgError] = field(default_factory=list)

    def fail(self, name: str | None, problem: str) -> None:
        """Record a problem of field ``name`` (None for the entry as a whole)."""
        self.errors.append(OrgError(self.where, name, problem))

    def check_keys(self, allowed: Iterable[str]) -> None:
        """Record every key that is not in ``allowed`` (typos such as "rolse")."""
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                hint = suggest(key, allowed)
                self.fail(
                    None, f"неизвестный ключ {quote(key)}{hint}; допустимые: {', '.join(allowed)}"
                )

    def text(self, name: str, *, required: bool = True) -> str | None:
        """A non-empty string, or None (recorded as a problem when required or mistyped)."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "обязательное поле не заполнено")
            return None
        if not isinstance(value, str):
            self.fail(name, f"ожидается строка, получено {quote(value)}")
            return None
        if not value.strip():
            if required:
                self.fail(name, "обязательное поле не заполнено")
            return None
        return value.strip()

    def code(self, name: str, *, required: bool = True) -> str | None:
        """A code (Latin letters, digits, '-', '_', '.'; up to 64 characters)."""
        value = self.text(name, required=required)
        if value is not None and not _CODE_RE.fullmatch(value):
            self.fail(
                name,
                f"недопустимый код {quote(value)}: допустимы латинские буквы, цифры и «-_.»",
            )
            return None
        return value

    def positive_int(self, name: str) -> int | None:
        """An optional positive integer (ids)."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.fail(name, f"ожидается целое положительное число, получено {quote(value)}")
            return None
        return value

    def text_list(self, name: str) -> tuple[str, ...]:
        """An optional list of non-empty strings, duplicates dropped (order kept)."""
        value = self.data.get(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, f"ожидается список строк, получено {quote(value)}")
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value))

    def day(self, name: str) -> date | None:
        """A required date: a TOML date (2026-12-14) or the same as a string."""
        value = self.data.get(name)
        if value is None:
            self.fail(name, "обязательное поле не заполнено")
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(name, f"ожидается дата в виде ГГГГ-ММ-ДД, получено {quote(str(value))}")
        return None


def tables(
    data: Mapping[str, object], section: str, errors: list[OrgError]
) -> list[Mapping[str, object]]:
    """The tables of array section ``section`` ([[section]]); a mistyped section is recorded."""
    value = data.get(section)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        errors.append(OrgError(section, None, f"ожидается массив таблиц [[{section}]]"))
        return []
    return [item for item in value if isinstance(item, Mapping)]


def locate(section: str, index: int, data: Mapping[str, object], key: str = "code") -> str:
    """How an entry is named in messages: ``people[3] (code "ivanova")``, 1-based."""
    value = data.get(key)
    label = f" ({key} {quote(value)})" if isinstance(value, str) and value.strip() else ""
    return f"{section}[{index}]{label}"
