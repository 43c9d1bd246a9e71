"""Route table of the control API (documented in the package docstring)."""

from __future__ import annotations

from aiohttp import web

from sandbox.telegram.control import admin, callbacks, chats, users
from sandbox.telegram.control.common import PREFIX


def add_routes(app: web.Application) -> None:
    user = f"{PREFIX}/users/{{user_id}}"
    app.router.add_routes(
        [
            web.get(f"{PREFIX}/health", admin.health),
            web.get(f"{PREFIX}/bots", admin.list_bots),
            web.post(f"{PREFIX}/reset", admin.reset),
            web.get(f"{PREFIX}/flood", admin.get_flood),
            web.put(f"{PREFIX}/flood", admin.set_flood),
            web.post(f"{PREFIX}/flood", admin.set_flood),
            web.get(f"{PREFIX}/calls", admin.list_calls),
            web.delete(f"{PREFIX}/calls", admin.clear_calls),
            web.get(f"{PREFIX}/faults", admin.list_faults),
            web.post(f"{PREFIX}/faults", admin.add_fault),
            web.delete(f"{PREFIX}/faults", admin.clear_faults),
            web.post(f"{PREFIX}/updates", admin.push_update),
            web.get(f"{PREFIX}/users", users.list_users),
            web.post(f"{PREFIX}/users", users.create_user),
            web.get(user, users.get_user),
            web.post(f"{user}/messages", users.send_text),
            web.post(f"{user}/documents", users.send_document),
            web.post(f"{user}/photos", users.send_photo),
            web.post(f"{user}/contacts", users.send_contact),
            web.post(f"{user}/reply-button", users.press_reply_button),
            web.post(f"{user}/block", users.block),
            web.post(f"{user}/unblock", users.unblock),
            web.post(f"{user}/press", callbacks.press),
            web.get(f"{user}/callbacks", callbacks.list_callbacks),
            web.get(f"{user}/chat", chats.get_chat),
            web.get(f"{PREFIX}/callbacks/{{callback_id}}", callbacks.get_callback),
            web.get(f"{PREFIX}/files/{{file_id}}", chats.get_file),
        ]
    )
