"""Batch commands and their results.

A batch request carries at most 50 commands; larger batches are split into consecutive
chunks of 50, one HTTP request each. ``$result[key][field]`` references inside a chunk are
resolved by the portal; references to a command of an earlier chunk are resolved here, from
the results already received, with the portal's rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import Bitrix24Error, error_from_payload

MAX_COMMANDS = 50
UPLOAD_METHODS = frozenset({"disk.folder.uploadfile", "disk.storage.uploadfile"})
_KEY = re.compile(r"^[A-Za-z0-9_.-]+$")
_REF = re.compile(r"\$result\[([^\]]+)\]((?:\[[^\]]*\])*)")

Params = Mapping[str, Any]
Commands = Mapping[str, tuple[str, Params | None]] | Sequence[tuple[str, Params | None]]


@dataclass(frozen=True)
class Command:
    key: str
    method: str
    params: Params


def prepare(commands: Commands) -> list[Command]:
    """Validate commands; a sequence gets keys ``"0"``, ``"1"``, ... by position."""
    pairs = commands.items() if isinstance(commands, Mapping) else (
        (str(index), command) for index, command in enumerate(commands))  # fmt: skip
    prepared = []
    for key, (method, params) in pairs:
        if not _KEY.match(key):
            raise ValueError(f"batch key {key!r} may use only letters, digits, '_', '.', '-'")
        name = method.strip().lower().removesuffix(".json")
        if name == "batch" or name in UPLOAD_METHODS:
            raise ValueError(f"{method} cannot run inside a batch; call it directly")
        prepared.append(Command(key, method.strip(), dict(params or {})))
    return prepared


def chunks(commands: list[Command], size: int = MAX_COMMANDS) -> Iterator[list[Command]]:
    for start in range(0, len(commands), size):
        yield commands[start : start + size]


def _lookup(results: Mapping[str, Any], key: str, path: str) -> tuple[bool, Any]:
    if key not in results:
        return False, None
    node = results[key]
    for part in re.findall(r"\[([^\]]*)\]", path):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def resolve_refs(value: Any, results: Mapping[str, Any]) -> Any:
    """Replace ``$result[key]...`` for keys present in ``results``; leave the others."""
    if isinstance(value, Mapping):
        return {k: resolve_refs(v, results) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [resolve_refs(v, results) for v in value]
    if not isinstance(value, str) or "$result[" not in value:
        return value
    whole = _REF.fullmatch(value)
    if whole:
        found, resolved = _lookup(results, whole.group(1), whole.group(2))
        return resolved if found else value

    def text(match: re.Match[str]) -> str:
        found, resolved = _lookup(results, match.group(1), match.group(2))
        return str(resolved) if found else match.group(0)

    return _REF.sub(text, value)


def keyed(value: Any) -> dict[str, Any]:
    """A batch result section as a dict: PHP sends ``[]`` when empty and a list for 0..n-1."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    return {}


@dataclass(frozen=True)
class BatchResult:
    """Per-command outcome of :meth:`Bitrix24Client.batch`.

    Invariant: every command key is in exactly one of ``results``, ``errors`` and
    ``skipped`` (not run: after a failure with ``halt``, or after a chunk whose HTTP call
    failed - that chunk's commands all carry the chunk's error).
    """

    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Bitrix24Error] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    nexts: dict[str, int] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    http_calls: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.skipped

    def get(self, key: str) -> Any:
        """The result of ``key``; raises its error, or ``KeyError`` if it did not run."""
        if key in self.errors:
            raise self.errors[key]
        if key not in self.results:
            raise KeyError(f"batch command {key!r} was not run")
        return self.results[key]


@dataclass
class BatchCollector:
    """Accumulates chunk answers into one :class:`BatchResult`."""

    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Bitrix24Error] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    nexts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    http_calls: int = 0
    stopped: bool = False

    def add_answer(self, chunk: list[Command], answer: Any, halt: bool) -> None:
        self.http_calls += 1
        body = answer if isinstance(answer, dict) else {}
        results, errors = keyed(body.get("result")), keyed(body.get("result_error"))
        totals, nexts = keyed(body.get("result_total")), keyed(body.get("result_next"))
        for command in chunk:
            key = command.key
            if key in errors:
                payload = errors[key] if isinstance(errors[key], dict) else {}
                self.errors[key] = error_from_payload(payload, method=command.method)
            elif key in results:
                self.results[key] = results[key]
                self._count(key, totals, nexts)
            else:
                self.skipped.append(key)
        self.stopped = halt and bool(self.errors)

    def _count(self, key: str, totals: dict[str, Any], nexts: dict[str, Any]) -> None:
        if isinstance(totals.get(key), int):
            self.totals[key] = totals[key]
        if isinstance(nexts.get(key), int):
            self.nexts[key] = nexts[key]

    def add_failure(self, chunk: list[Command], error: Bitrix24Error) -> None:
        self.http_calls += 1
        for command in chunk:
            self.errors[command.key] = error
        self.stopped = True

    def skip(self, chunk: list[Command]) -> None:
        self.skipped.extend(command.key for command in chunk)

    def result(self) -> BatchResult:
        return BatchResult(
            dict(self.results), dict(self.errors), dict(self.totals), dict(self.nexts),
            tuple(self.skipped), self.http_calls,
        )  # fmt: skip
