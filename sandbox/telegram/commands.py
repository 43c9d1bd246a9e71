"""Bot commands per scope and language (setMyCommands), and the list a user's client shows.

A scope is stored under its canonical JSON (`{"type": "default"}` when none was given) and
a language under its code ("" for all languages). A private chat shows the first non-empty
list of: chat scope, all_private_chats, default — each with the user's language first.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.telegram.errors import bad_request
from sandbox.telegram.model import UserProfile
from sandbox.telegram.state import BotState

MAX_COMMANDS = 100
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = {
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
    "chat_administrators", "chat_member",
}  # fmt: skip


def scope_key(scope: object) -> str:
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    chat_id = scope.get("chat_id")
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        scope = {**scope, "chat_id": int(chat_id)}
    return json.dumps(scope, sort_keys=True, ensure_ascii=False)


def validate_commands(commands: object) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    return [_command(item) for item in commands]


def _command(item: Any) -> dict[str, str]:
    if not isinstance(item, dict):
        raise bad_request("can't parse BotCommand JSON object")
    command, description = item.get("command"), item.get("description")
    if not isinstance(command, str) or not _COMMAND.fullmatch(command):
        raise bad_request("BOT_COMMAND_INVALID")
    if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": command, "description": description}


def commands_for(bot: BotState, user: UserProfile) -> list[dict[str, str]]:
    """The command menu `user` sees in the private chat with `bot`."""
    scopes = [
        {"type": "chat", "chat_id": user.id},
        {"type": "all_private_chats"},
        {"type": "default"},
    ]
    languages = [user.language_code, ""] if user.language_code else [""]
    for scope in scopes:
        for language in languages:
            found = bot.commands.get((scope_key(scope), language or ""))
            if found:
                return found
    return []
