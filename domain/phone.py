"""Phone numbers: normalization to E.164 with Russian conventions."""

from __future__ import annotations

import re

from domain.errors import N_, InvalidPhoneError, Text

# Digits, an optional leading '+', and the separators people type or paste.
_ALLOWED = re.compile(r"\+?[0-9\s().\-]+")  # \s: pasted numbers carry no-break spaces
_MIN_INTERNATIONAL = 8
_MAX_E164 = 15
_NATIONAL_RU = 10


def normalize_phone(raw: str) -> str:
    """Return ``raw`` as E.164 (``+79120000001``); raise `InvalidPhoneError` otherwise.

    Russian forms: ``+7 (912) 000-00-01``, ``8 912 000 00 01``, ``79120000001`` (Telegram
    often omits the '+'), ``9120000001`` (ten national digits). Other international numbers
    keep their digits (``+44 20 7946 0958`` -> ``+442079460958``).
    """
    text = raw.strip()
    if not text:
        raise InvalidPhoneError(raw, Text(N_("пустой номер")))
    if not _ALLOWED.fullmatch(text):
        raise InvalidPhoneError(
            raw, Text(N_("допустимы только цифры, «+», пробелы, скобки, точки и дефисы"))
        )
    digits = "".join(ch for ch in text if ch in "0123456789")
    if text.startswith("+"):
        return _international(raw, digits)
    if len(digits) == _NATIONAL_RU:
        return _russian(raw, digits)
    if len(digits) == _NATIONAL_RU + 1 and digits[0] == "8":
        return _russian(raw, digits[1:])  # the Russian trunk prefix
    if len(digits) > _NATIONAL_RU:
        return _international(raw, digits)
    raise InvalidPhoneError(
        raw, Text(N_("слишком мало цифр ({count}), нужно не меньше 10"), {"count": len(digits)})
    )


def _russian(raw: str, national: str) -> str:
    # Zone +7 national numbers start with 3-9 (Russia 3xx/4xx/8xx/9xx, Kazakhstan 6xx/7xx).
    if national[0] in "012":
        raise InvalidPhoneError(
            raw, Text(N_("код города или оператора не может начинаться с 0, 1 или 2"))
        )
    return f"+7{national}"


def _international(raw: str, digits: str) -> str:
    if digits.startswith("7"):
        if len(digits) != _NATIONAL_RU + 1:
            raise InvalidPhoneError(raw, Text(N_("номер с кодом +7 должен содержать 11 цифр")))
        return _russian(raw, digits[1:])
    if digits.startswith("0"):
        raise InvalidPhoneError(raw, Text(N_("код страны не может начинаться с 0")))
    if not _MIN_INTERNATIONAL <= len(digits) <= _MAX_E164:
        raise InvalidPhoneError(
            raw,
            Text(
                N_("международный номер содержит от {least} до {most} цифр"),
                {"least": _MIN_INTERNATIONAL, "most": _MAX_E164},
            ),
        )
    return f"+{digits}"
