"""getMe, answerCallbackQuery, bot commands, menu button, profile texts, close and logOut."""

from __future__ import annotations

from sandbox.telegram.botapi.context import CallContext, MethodSpec, parse_chat_id
from sandbox.telegram.commands import scope_key, validate_commands
from sandbox.telegram.errors import bad_request
from sandbox.telegram.model import unix_now

MAX_ANSWER_LENGTH = 200
_EXPIRED_QUERY = "query is too old and response timeout expired or query ID is invalid"


async def get_me(ctx: CallContext) -> object:
    return {
        **ctx.bot.to_api_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def answer_callback_query(ctx: CallContext) -> object:
    query_id = ctx.params.get_str("callback_query_id") or ""
    record = ctx.bot.callbacks.get(query_id)
    if record is None or record.answered.is_set():
        raise bad_request(_EXPIRED_QUERY)
    text = ctx.params.get_str("text")
    if text is not None and len(text) > MAX_ANSWER_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")
    record.text = text or None
    record.show_alert = ctx.params.get_bool("show_alert")
    record.url = ctx.params.get_str("url")
    record.answered_at = unix_now()
    record.answered.set()
    chat = ctx.bot.chats.get(record.user_id)
    if chat is not None:
        chat.touch(ctx.emulator.next_seq())
    return True


def _commands_key(ctx: CallContext) -> tuple[str, str]:
    scope = scope_key(ctx.params.get_json("scope"))
    return scope, ctx.params.get_str("language_code") or ""


async def set_my_commands(ctx: CallContext) -> object:
    commands = validate_commands(ctx.params.get_json("commands"))
    key = _commands_key(ctx)
    if commands:
        ctx.bot.commands[key] = commands
    else:
        ctx.bot.commands.pop(key, None)
    return True


async def get_my_commands(ctx: CallContext) -> object:
    return ctx.bot.commands.get(_commands_key(ctx), [])


async def delete_my_commands(ctx: CallContext) -> object:
    ctx.bot.commands.pop(_commands_key(ctx), None)
    return True


async def set_chat_menu_button(ctx: CallContext) -> object:
    button = ctx.params.get_json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or "type" not in button:
        raise bad_request("can't parse menu button JSON object")
    ctx.bot.menu_buttons[parse_chat_id(ctx.params)] = button
    return True


async def get_chat_menu_button(ctx: CallContext) -> object:
    buttons = ctx.bot.menu_buttons
    chat_id = parse_chat_id(ctx.params)
    return buttons.get(chat_id) or buttons.get(None) or {"type": "commands"}


def _profile_setter(field: str) -> MethodSpec:
    async def handler(ctx: CallContext) -> object:
        ctx.bot.profile[field] = ctx.params.get_str(field) or ""
        return True

    return MethodSpec(handler)


async def accept(ctx: CallContext) -> object:
    return True


METHODS = {
    "getme": MethodSpec(get_me),
    "answercallbackquery": MethodSpec(answer_callback_query),
    "setmycommands": MethodSpec(set_my_commands),
    "getmycommands": MethodSpec(get_my_commands),
    "deletemycommands": MethodSpec(delete_my_commands),
    "setchatmenubutton": MethodSpec(set_chat_menu_button),
    "getchatmenubutton": MethodSpec(get_chat_menu_button),
    "setmyname": _profile_setter("name"),
    "setmydescription": _profile_setter("description"),
    "setmyshortdescription": _profile_setter("short_description"),
    "close": MethodSpec(accept),
    "logout": MethodSpec(accept),
}
