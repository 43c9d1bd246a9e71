"""The ``batch`` method: up to 50 commands ``method?query`` run in order in one request.

``halt`` stops at the first failing command. A value ``$result[cmd][field][0]`` in a
command's query is replaced by that part of an earlier command's result (inside a longer
string it is replaced by its text). Commands past the 50th fail with
ERROR_BATCH_LENGTH_EXCEEDED; ``batch`` and file uploads inside a batch fail with
ERROR_BATCH_METHOD_NOT_ALLOWED. The batch itself always answers 200.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .methods_disk import UPLOAD_METHODS
from .params import Params, as_bool, parse_query
from .protocol import MethodResult, RestError, Timing, php_array
from .state import CallContext

MAX_COMMANDS = 50
_REF = re.compile(r"\$result\[([^\]]+)\]((?:\[[^\]]*\])*)")

Execute = Callable[[str, Params, CallContext], tuple[MethodResult, Timing]]


def _resolve(results: dict[str, Any], key: str, path: str) -> tuple[bool, Any]:
    if key not in results:
        return False, None
    node = results[key]
    for part in re.findall(r"\[([^\]]*)\]", path):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def substitute(value: Any, results: dict[str, Any]) -> Any:
    """Replace ``$result[...]`` references in nested parameters."""
    if isinstance(value, dict):
        return {key: substitute(item, results) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, results) for item in value]
    if not isinstance(value, str) or "$result[" not in value:
        return value
    whole = _REF.fullmatch(value)
    if whole:
        found, resolved = _resolve(results, whole.group(1), whole.group(2))
        return resolved if found else value

    def text(match: re.Match[str]) -> str:
        found, resolved = _resolve(results, match.group(1), match.group(2))
        return str(resolved) if found else match.group(0)

    return _REF.sub(text, value)


def _commands(params: Params) -> list[tuple[str, Any]]:
    cmd = params.get("cmd")
    if isinstance(cmd, dict):
        return [(str(key), value) for key, value in cmd.items()]
    if isinstance(cmd, list):
        return [(str(index), value) for index, value in enumerate(cmd)]
    return []


def _prepare(index: int, command: Any, results: dict[str, Any]) -> tuple[str, Params]:
    if index >= MAX_COMMANDS:
        raise RestError("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded")
    if not isinstance(command, str) or not command.strip():
        raise RestError("ERROR_ARGUMENT", "A batch command must be a string 'method?query'")
    method, _, query = command.strip().partition("?")
    name = method.lower().removesuffix(".json")
    if name == "batch" or name in UPLOAD_METHODS:
        raise RestError("ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage")
    return name, substitute(parse_query(query), results)


def run_batch(
    params: Params, ctx: CallContext, execute: Execute, log: list[dict[str, Any]]
) -> MethodResult:
    """Run the commands; ``log`` receives ``{key, method, error}`` for each one attempted."""
    halt = as_bool(params.get("halt", False))
    results: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    totals: dict[str, Any] = {}
    nexts: dict[str, Any] = {}
    times: dict[str, Any] = {}
    for index, (key, command) in enumerate(_commands(params)):
        name = str(command).partition("?")[0].lower()
        try:
            name, sub_params = _prepare(index, command, results)
            outcome, timing = execute(name, sub_params, ctx)
        except RestError as exc:
            errors[key] = exc.body()
            log.append({"key": key, "method": name, "error": exc.code})
            if halt:
                break
            continue
        log.append({"key": key, "method": name, "error": None})
        results[key] = outcome.result
        times[key] = timing.as_dict()
        if outcome.total is not None:
            totals[key] = outcome.total
        if outcome.next is not None:
            nexts[key] = outcome.next
    return MethodResult(
        {
            "result": php_array(results),
            "result_error": php_array(errors),
            "result_total": php_array(totals),
            "result_next": php_array(nexts),
            "result_time": php_array(times),
        }
    )
