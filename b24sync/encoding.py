"""Parameter encodings Bitrix24 understands: a JSON body, and PHP's ``http_build_query``
(``fields[TITLE]=x&fields[UF][0]=a``) for the ``method?query`` commands inside ``batch``.

Decimal goes out as its exact text (never a float), dates and datetimes as ISO 8601.
In a query, ``True``/``False`` become ``1``/``0`` (as in PHP) and ``None`` or an empty list
becomes an empty value, which Bitrix24 reads as "clear the field".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot send {type(value).__name__} to Bitrix24")


def json_body(params: Mapping[str, Any]) -> bytes:
    """The JSON request body for ``params``."""
    return json.dumps(params, default=_default, ensure_ascii=False).encode("utf-8")


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | datetime | date):
        return str(_default(value))
    return str(value)


def _walk(prefix: str, value: Any, pairs: list[tuple[str, str]]) -> None:
    if isinstance(value, Mapping):
        items = [(str(key), item) for key, item in value.items()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = [(str(index), item) for index, item in enumerate(value)]
    else:
        pairs.append((prefix, _scalar(value)))
        return
    if not items:
        pairs.append((prefix, ""))
    for key, item in items:
        _walk(f"{prefix}[{key}]", item, pairs)


def build_query(params: Mapping[str, Any]) -> str:
    """``params`` as a PHP-style query string."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        _walk(str(key), value, pairs)
    return urlencode(pairs)
