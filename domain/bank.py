"""Russian bank details: BIK, KPP, and the control key of a 20-digit account.

The account key (Bank of Russia regulation 579-П, appendix) is checked on 23 digits: three
digits taken from the BIK, then the account. For an account at a credit institution (a
settlement account) those are the BIK's last three digits; for a correspondent account at
the Bank of Russia they are «0» and the BIK's 5th and 6th digits. Each digit is multiplied
by the weights 7, 1, 3 in turn, the last digit of every product is summed, and the sum must
end in 0.
"""

from __future__ import annotations

import re

_WEIGHTS = (7, 1, 3) * 8
_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
KEY_POSITION = 8  # the 9th digit of an account is its control key


def _digits(value: str, count: int) -> bool:
    return len(value) == count and value.isascii() and value.isdigit()


def _key_sum(digits: str) -> int:
    return sum(int(d) * w % 10 for d, w in zip(digits, _WEIGHTS, strict=False)) % 10


def bik_problem(bik: str) -> str | None:
    """None for a well-formed BIK (9 digits, a Russian one starts with 04)."""
    if not _digits(bik, 9):
        return f"БИК {bik[:20]} — должен состоять из 9 цифр"
    if not bik.startswith("04"):
        return f"БИК {bik} — российский БИК начинается с 04"
    return None


def kpp_problem(kpp: str) -> str | None:
    """None for a well-formed KPP: 9 characters, the 5th and 6th may be capital letters."""
    if not _KPP.match(kpp):
        return f"КПП {kpp[:20]} — 9 символов: цифры (5-й и 6-й могут быть буквами A–Z)"
    return None


def account_problem(account: str, bik: str) -> str | None:
    """None when the settlement ``account`` passes its control key with this ``bik``."""
    return _account_problem(account, bik, bik[-3:], "Счёт")


def correspondent_problem(account: str, bik: str) -> str | None:
    """None when the correspondent ``account`` (301…) passes its control key with ``bik``."""
    if _digits(account, 20) and not account.startswith("301"):
        return f"Корсчёт {account} — корреспондентский счёт начинается с 301"
    return _account_problem(account, bik, "0" + bik[4:6], "Корсчёт")


def _account_problem(account: str, bik: str, prefix: str, title: str) -> str | None:
    if not _digits(account, 20):
        return f"{title} {account[:30]} — должен состоять из 20 цифр"
    if bik_problem(bik) is not None:
        return f"{title} {account} — не проверить без верного БИК"
    if _key_sum(prefix + account) != 0:
        return f"{title} {account} — не сходится контрольный ключ с БИК {bik}"
    return None


def complete_account(account: str, bik: str, *, correspondent: bool = False) -> str:
    """``account`` with its control key (the 9th digit) set to match ``bik``: for examples
    and tests. The digit given in the key position is ignored."""
    if not _digits(account, 20):
        raise ValueError("account must have 20 digits")
    prefix = "0" + bik[4:6] if correspondent else bik[-3:]
    blank = account[:KEY_POSITION] + "0" + account[KEY_POSITION + 1 :]
    # The key's weight (position 12 of 23) is 3; 3 * k mod 10 covers every residue.
    remainder = _key_sum(prefix + blank)
    key = next(k for k in range(10) if (remainder + k * 3 % 10) % 10 == 0)
    return account[:KEY_POSITION] + str(key) + account[KEY_POSITION + 1 :]
