"""Request parameters as Bitrix24 (PHP) sees them.

Bitrix24 accepts the same parameters as a JSON body, as a form (``fields[TITLE]=x``,
PHP-style nested keys), as multipart form data and as a query string (``batch`` commands are
``method?query``). Everything is turned into one nested ``dict``; a PHP array whose keys are
``0..n-1`` becomes a ``list``. Values that came through a form or a query are strings, exactly
as PHP would see them, so method handlers coerce with the helpers below.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import BodyPartReader, web

Params = dict[str, Any]

_KEY_PART = re.compile(r"\[([^\]]*)\]")


class BadParams(ValueError):
    """The request body could not be read as parameters."""


def _split_key(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    if not rest:
        return [key]
    return [head, *_KEY_PART.findall("[" + rest)]


def _insert(target: dict[str, Any], parts: list[str], value: Any) -> None:
    node = target
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        name = part if part != "" else str(len(node))
        if last:
            node[name] = value
            return
        child = node.get(name)
        if not isinstance(child, dict):
            child = {}
            node[name] = child
        node = child


def php_lists(value: Any) -> Any:
    """Turn dicts keyed ``"0".."n-1"`` into lists, recursively (PHP arrays -> JSON)."""
    if isinstance(value, dict):
        converted = {key: php_lists(item) for key, item in value.items()}
        if converted and list(converted) == [str(i) for i in range(len(converted))]:
            return list(converted.values())
        return converted
    if isinstance(value, list):
        return [php_lists(item) for item in value]
    return value


def parse_pairs(pairs: Iterable[tuple[str, Any]]) -> Params:
    """Build nested parameters from ``(key, value)`` pairs with PHP-style keys."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        _insert(result, _split_key(key), value)
    converted = php_lists(result)
    return converted if isinstance(converted, dict) else {}


def parse_query(query: str) -> Params:
    """Parse ``a=1&fields[TITLE]=x`` the way PHP's ``parse_str`` does."""
    return parse_pairs(parse_qsl(query, keep_blank_values=True))


async def read_params(request: web.Request) -> Params:
    """Read parameters from the query string and the body of any supported content type."""
    params = parse_query(request.query_string)
    ctype = request.content_type
    if request.method != "POST" or not request.can_read_body:
        return params
    if ctype == "application/json":
        params.update(await _read_json(request))
    elif ctype == "application/x-www-form-urlencoded":
        params.update(parse_query(await request.text()))
    elif ctype.startswith("multipart/"):
        params.update(await _read_multipart(request))
    return params


async def _read_json(request: web.Request) -> Params:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadParams("Invalid JSON body") from exc
    if not isinstance(body, dict):
        raise BadParams("JSON body must be an object")
    return body


async def _read_multipart(request: web.Request) -> Params:
    pairs: list[tuple[str, Any]] = []
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = await part.read(decode=False)
        if part.filename:  # a file part arrives as [name, base64], like fileContent
            pairs.append((part.name, [part.filename, base64.b64encode(data).decode()]))
        else:
            pairs.append((part.name, data.decode("utf-8", "replace")))
    return parse_pairs(pairs)


def as_int(value: Any, default: int | None = None) -> int | None:
    """Coerce ``"12"``, ``12``, ``12.0`` to ``12``; anything else gives ``default``."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        try:
            return int(float(str(value)))
        except (TypeError, ValueError):
            return default


def as_bool(value: Any) -> bool:
    """PHP-ish truthiness for flags: ``true``, ``1``, ``"Y"``, ``"true"``."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "y", "yes", "true", "on"}


def as_list(value: Any) -> list[Any]:
    """A multiple value as a list (a scalar becomes a one-item list, ``""`` an empty one)."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return [value]


def pick(params: Params, *names: str) -> Any:
    """The first present parameter among ``names``, ignoring case (PHP code often does)."""
    lowered = {key.lower(): value for key, value in params.items()}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None
