"""The simple part of Bitrix24 list filters and ordering.

Supported key prefixes: none/``=`` (equal), ``!``/``!=`` (not equal), ``@``/``!@`` (in, not
in), ``>``, ``>=``, ``<``, ``<=`` and ``%`` (substring). Field names match case-insensitively,
so ``RESPONSIBLE_ID`` finds a task's ``RESPONSIBLE_ID`` and ``stageId`` an item's ``stageId``.
Nested ``logic: OR`` groups are not supported (the emulator answers them as a bad filter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .protocol import RestError

_PREFIXES = ("!@", ">=", "<=", "!=", "!%", "@", "=", "!", ">", "<", "%")


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value).strip()
    lowered = text.lower()
    if lowered in {"y", "true"}:
        return "1"
    if lowered in {"n", "false"}:
        return "0"
    return text


def _number(value: Any) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


def _compare(left: Any, right: Any) -> int:
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    x, y = _norm(left), _norm(right)
    return (x > y) - (x < y)


def _values(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def _equal(actual: Any, expected: Any) -> bool:
    wanted = {_norm(item) for item in _values(expected)}
    return any(_norm(item) in wanted for item in _values(actual))


def _check(op: str, actual: Any, expected: Any) -> bool:
    checks: dict[str, Callable[[], bool]] = {
        "": lambda: _equal(actual, expected),
        "=": lambda: _equal(actual, expected),
        "@": lambda: _equal(actual, expected),
        "!": lambda: not _equal(actual, expected),
        "!=": lambda: not _equal(actual, expected),
        "!@": lambda: not _equal(actual, expected),
        ">": lambda: actual is not None and _compare(actual, expected) > 0,
        ">=": lambda: actual is not None and _compare(actual, expected) >= 0,
        "<": lambda: actual is not None and _compare(actual, expected) < 0,
        "<=": lambda: actual is not None and _compare(actual, expected) <= 0,
        "%": lambda: str(expected).lower() in str(actual or "").lower(),
        "!%": lambda: str(expected).lower() not in str(actual or "").lower(),
    }
    return checks[op]()


def split_key(key: str) -> tuple[str, str]:
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return prefix, key[len(prefix) :]
    return "", key


def matches(record: Mapping[str, Any], flt: Mapping[str, Any]) -> bool:
    """Whether ``record`` passes every condition of ``flt`` (AND)."""
    fields = {key.lower(): value for key, value in record.items()}
    for key, expected in flt.items():
        op, name = split_key(str(key))
        if not name or name.lower() == "logic" or (isinstance(expected, dict) and not op):
            raise RestError("INVALID_ARG_VALUE", f"Invalid filter: field '{key}' is not allowed")
        if not _check(op, fields.get(name.lower()), expected):
            return False
    return True


def select(records: list[dict[str, Any]], flt: Any) -> list[dict[str, Any]]:
    if not isinstance(flt, dict) or not flt:
        return list(records)
    return [record for record in records if matches(record, flt)]


def order_by(records: list[dict[str, Any]], order: Any, default: str) -> list[dict[str, Any]]:
    """Sort by an ``{"field": "ASC"|"DESC"}`` mapping (last key applied first)."""
    spec = order if isinstance(order, dict) and order else {default: "ASC"}
    result = list(records)
    for name, direction in reversed(list(spec.items())):
        lowered = str(name).lower()

        def key(record: dict[str, Any], field: str = lowered) -> tuple[int, float, str]:
            value = {k.lower(): v for k, v in record.items()}.get(field)
            number = _number(value) if value is not None else None
            return (0 if number is not None else 1, number or 0.0, _norm(value or ""))

        result.sort(key=key, reverse=str(direction).upper() == "DESC")
    return result
