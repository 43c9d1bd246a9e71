"""INN (taxpayer number): 10 digits for organisations, 12 for individuals, with check digits.

The official algorithm: weighted digit sums modulo 11, then modulo 10. Because a remainder of
10 folds to 0, a single-digit change in the body is not detected in the rare case where the
remainder moves between 0 and 10; a changed check digit is always detected.
"""

from __future__ import annotations

from functools import lru_cache
from operator import mul

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def inn_check_digit(body: str, weights: tuple[int, ...]) -> int:
    """The check digit for `body` (its first len(weights) ASCII digits) under `weights`."""
    # Digits as byte values: subtracting 48 * sum(weights) removes the ord("0") offsets.
    total: int = sum(map(mul, body.encode("ascii"), weights))
    return (total - 48 * sum(weights)) % 11 % 10


def is_valid_inn(inn: str) -> bool:
    """True for a 10- or 12-digit INN whose check digits match and whose region is not 00."""
    return inn_problem(inn) is None


@lru_cache(maxsize=8192)
def inn_problem(inn: str) -> str | None:
    """None for a valid INN, else a Russian phrase: «ИНН 7707083894 — неверная контрольная сумма».

    Cached: registers repeat the same counterparties on many rows.
    """
    if not inn:
        return "не указан ИНН"
    if not (inn.isascii() and inn.isdigit()) or len(inn) not in (10, 12):
        return f"ИНН {_shown(inn)} — должен состоять из 10 или 12 цифр"
    if inn.startswith("00"):
        return f"ИНН {inn} — неверный код региона 00"
    if len(inn) == 10:
        ok = inn_check_digit(inn, _W10) == int(inn[9])
    else:
        ok = inn_check_digit(inn, _W11) == int(inn[10]) and inn_check_digit(inn, _W12) == int(
            inn[11]
        )
    return None if ok else f"ИНН {inn} — неверная контрольная сумма"


def complete_inn(body: str) -> str:
    """Append the check digit(s) to a 9- or 10-digit body (used to make valid test INNs)."""
    if len(body) == 9:
        return body + str(inn_check_digit(body, _W10))
    if len(body) == 10:
        eleven = body + str(inn_check_digit(body, _W11))
        return eleven + str(inn_check_digit(eleven, _W12))
    raise ValueError("body must have 9 or 10 digits")


def _shown(inn: str) -> str:
    return inn if len(inn) <= 20 else inn[:20] + "…"
