"""The hash-chained audit log core: canonical content, chain hashes, chain verification."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeAlias
from uuid import UUID

from domain.errors import AuditError

JsonValue: TypeAlias = "bool | int | str | list[JsonValue] | dict[str, JsonValue] | None"

GENESIS = "0" * 64
"""The prev_hash of the first entry of a chain."""

SYSTEM_ACTOR = "system"
_HASH_RE = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class AuditEntry:
    """The hashed content of one audit event.

    Invariants (enforced by `validate`, called by `seal`): ``seq`` >= 1; ``occurred_at`` is
    timezone-aware; ``actor`` is a person code or ``"system"``; ``old``/``new`` hold only
    JSON-able values (see `jsonable`): no floats.
    """

    seq: int
    occurred_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    on_behalf_of: str | None = None
    old: Mapping[str, object] | None = None
    new: Mapping[str, object] | None = None
    reason: str | None = None

    def validate(self) -> None:
        """Raise `AuditError` unless the invariants hold (checked on `seal`, not on load, so
        that a tampered row can still be loaded and reported by `verify_chain`)."""
        if isinstance(self.seq, bool) or not isinstance(self.seq, int) or self.seq < 1:
            raise AuditError(f"Номер записи аудита должен быть целым числом ≥ 1: {self.seq!r}.")
        if self.occurred_at.tzinfo is None or self.occurred_at.utcoffset() is None:
            raise AuditError("Время записи аудита должно быть с часовым поясом (UTC).")
        if not self.actor:
            raise AuditError("В записи аудита не указан автор действия.")
        self.document()

    def document(self) -> dict[str, JsonValue]:
        """The content as the JSON document that is hashed."""
        return {
            "seq": self.seq,
            "occurred_at": _utc_iso(self.occurred_at),
            "actor": self.actor,
            "on_behalf_of": self.on_behalf_of,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "old": jsonable(self.old),
            "new": jsonable(self.new),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class StoredEntry:
    """An audit entry as stored: its content, the previous entry's hash and its own hash.

    Invariant of a sound chain: ``hash == chain_hash(prev_hash, entry)`` and ``prev_hash``
    equals the previous entry's ``hash`` (or `GENESIS` for the first).
    """

    entry: AuditEntry
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of `verify_chain`.

    ``checked`` counts the entries found sound before the first broken one (all of them when
    ``ok``); ``first_broken_seq`` is the stored seq of the first broken entry; ``reason`` is
    a Russian explanation; ``last_hash`` is the hash of the last sound entry.
    """

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None
    last_hash: str | None = None


def jsonable(value: object) -> JsonValue:
    """Convert ``value`` to a deterministic JSON value: Decimal, UUID -> str; datetime -> UTC
    ISO string; date -> ISO string; tuples -> lists. Floats, sets and other types are refused
    with `AuditError`. Store what this returns so that a storage round trip keeps the hash."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)  # a StrEnum becomes its plain value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        return _utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _jsonable_mapping(value)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, float):
        raise AuditError("В записи аудита недопустимы дробные числа float: используйте Decimal.")
    raise AuditError(f"Значение типа {type(value).__name__} нельзя записать в аудит.")


def _jsonable_mapping(value: Mapping[object, object]) -> dict[str, JsonValue]:
    result: dict[str, JsonValue] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise AuditError(f"Ключи данных аудита должны быть строками: {key!r}.")
        result[str(key)] = jsonable(item)
    return result


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise AuditError("Время в записи аудита должно быть с часовым поясом.")
    return moment.astimezone(UTC).isoformat()


def canonical_bytes(content: AuditEntry) -> bytes:
    """Deterministic bytes of ``content``: sorted keys, compact separators, UTF-8."""
    text = json.dumps(
        content.document(),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    return text.encode("utf-8", errors="surrogatepass")


def chain_hash(prev_hash: str, content: AuditEntry) -> str:
    """The hex SHA-256 over ``prev_hash`` and the canonical bytes of ``content``."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii", errors="replace"))
    digest.update(b"\n")
    digest.update(canonical_bytes(content))
    return digest.hexdigest()


def seal(content: AuditEntry, prev_hash: str) -> StoredEntry:
    """Chain ``content`` after the entry whose hash is ``prev_hash`` (`GENESIS` for the first)."""
    content.validate()
    return StoredEntry(entry=content, prev_hash=prev_hash, hash=chain_hash(prev_hash, content))


def verify_chain(
    entries: Iterable[StoredEntry], *, start_prev_hash: str = GENESIS, start_seq: int = 1
) -> VerifyResult:
    """Walk ``entries`` in storage order and report the first entry that breaks the chain.

    Detects a change to any stored field, gaps and reordering of seq, and deletion anywhere
    but at the very end (a truncated tail needs an external anchor, e.g. a hash in a PDF).
    ``start_prev_hash``/``start_seq`` allow verifying from a trusted checkpoint.
    """
    expected_prev, expected_seq, checked = start_prev_hash, start_seq, 0
    for stored in entries:
        problem = _problem(stored, expected_prev, expected_seq)
        if problem is not None:
            last = expected_prev if checked else None
            return VerifyResult(False, checked, stored.entry.seq, problem, last)
        expected_prev, expected_seq, checked = stored.hash, expected_seq + 1, checked + 1
    return VerifyResult(True, checked, None, None, expected_prev if checked else None)


def _problem(stored: StoredEntry, expected_prev: str, expected_seq: int) -> str | None:
    seq = stored.entry.seq
    if seq != expected_seq:
        return (
            f"запись №{seq}: ожидалась запись №{expected_seq} "
            "(пропуск, удаление или перестановка записей)"
        )
    if stored.prev_hash != expected_prev:
        return f"запись №{seq}: prev_hash не совпадает с хешем предыдущей записи"
    if not _HASH_RE.fullmatch(stored.hash):
        return f"запись №{seq}: хеш повреждён (не 64 шестнадцатеричных символа)"
    try:
        actual = chain_hash(stored.prev_hash, stored.entry)
    except AuditError as error:
        return f"запись №{seq}: содержимое не поддаётся проверке ({error.message})"
    if actual != stored.hash:
        return f"запись №{seq}: хеш не совпадает с содержимым (запись изменена)"
    return None
