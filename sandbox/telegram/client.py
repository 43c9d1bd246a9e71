"""Async client of the emulator's control API, for tests and the sandbox page.

    async with SandboxTelegramClient(emulator_url) as tg:
        await tg.set_flood_control(enabled=False)
        anna = await tg.create_user("Анна", username="anna")
        await anna.send_command("/start", payload="invite-42")
        hello = await anna.wait_for_message(contains="Добро пожаловать")
        answer = await anna.press(hello.message_id, text="Согласовать")
        card = await anna.wait_for_edit(hello.message_id, contains="Согласовано")

Waiting is relative to the user's last action through this client: `wait_for_message`
returns the first bot message newer than both that action and the message the previous
`wait_for_message` for the user returned (so consecutive calls walk through the replies);
`wait_for_edit` waits for an edit made after that action. Pass `since=` (a `seq`) to choose
another starting point. On timeout they raise `WaitTimeout` (an AssertionError) showing
the chat's last messages.
"""

from __future__ import annotations

import base64
from typing import Any

from sandbox.telegram.client_reading import ChatReader
from sandbox.telegram.client_types import (
    ApiCall,
    Attachment,
    CallbackAnswer,
    ChatMessage,
    ChatView,
    FloodSettings,
    InlineButton,
    Press,
    ReplyKeyboard,
    SandboxError,
    Sent,
    UserInfo,
    WaitTimeout,
)
from sandbox.telegram.client_user import TelegramUser
from sandbox.telegram.samples import sample_png

__all__ = [
    "ApiCall", "Attachment", "CallbackAnswer", "ChatMessage", "ChatView", "FloodSettings",
    "InlineButton", "Press", "ReplyKeyboard", "SandboxError", "SandboxTelegramClient", "Sent",
    "TelegramUser", "UserInfo", "WaitTimeout", "sample_png",
]  # fmt: skip


class SandboxTelegramClient(ChatReader):
    """Acts as Telegram users and reads their chats with the bot (see the module doc)."""

    # Users -------------------------------------------------------------------------

    async def create_user(
        self,
        first_name: str = "Тест",
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
        phone_number: str | None = None,
    ) -> TelegramUser:
        """Define a user (or update one with this id) and return a handle acting as it."""
        fields = {
            "id": user_id, "first_name": first_name, "last_name": last_name,
            "username": username, "language_code": language_code, "phone_number": phone_number,
        }  # fmt: skip
        body = await self._request("POST", "/users", json=fields)
        return TelegramUser(self, UserInfo(**body))

    def user(self, user_id: int) -> TelegramUser:
        """A handle for a user id without a request (the user is created on first act)."""
        return TelegramUser(self, user_id)

    async def users(self) -> list[UserInfo]:
        return [UserInfo(**item) for item in await self._request("GET", "/users")]

    # Acting as a user --------------------------------------------------------------

    async def send_text(self, user_id: int, text: str) -> Sent:
        body = await self._request("POST", f"/users/{user_id}/messages", json={"text": text})
        return self._acted(user_id, body)

    async def send_command(self, user_id: int, command: str, payload: str | None = None) -> Sent:
        """`/start` with an optional deep-link payload: sends "/start payload"."""
        text = command if command.startswith("/") else f"/{command}"
        return await self.send_text(user_id, f"{text} {payload}" if payload else text)

    async def send_document(
        self,
        user_id: int,
        filename: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> Sent:
        fields = {"filename": filename, "mime_type": mime_type, "caption": caption}
        return await self._send_file(user_id, "documents", data, fields)

    async def send_photo(
        self, user_id: int, data: bytes | None = None, *, caption: str | None = None
    ) -> Sent:
        """Send a photo (a small sample PNG by default)."""
        return await self._send_file(user_id, "photos", data or sample_png(), {"caption": caption})

    async def _send_file(
        self, user_id: int, route: str, data: bytes, fields: dict[str, str | None]
    ) -> Sent:
        payload = {key: value for key, value in fields.items() if value is not None}
        payload["data_base64"] = base64.b64encode(data).decode("ascii")
        body = await self._request("POST", f"/users/{user_id}/{route}", json=payload)
        return self._acted(user_id, body)

    async def send_contact(
        self,
        user_id: int,
        phone_number: str,
        *,
        contact_user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        without_user_id: bool = False,
    ) -> Sent:
        """A contact card; its user_id is the sender's unless `contact_user_id` is given,
        and absent with `without_user_id` (a phone-book entry)."""
        payload: dict[str, Any] = {"phone_number": phone_number}
        if without_user_id:
            payload["user_id"] = None
        elif contact_user_id is not None:
            payload["user_id"] = contact_user_id
        payload.update({"first_name": first_name, "last_name": last_name})
        body = await self._request("POST", f"/users/{user_id}/contacts", json=payload)
        return self._acted(user_id, body)

    async def press_reply_button(self, user_id: int, text: str) -> Sent:
        """Tap a reply-keyboard button (a request_contact one shares the user's phone)."""
        body = await self._request("POST", f"/users/{user_id}/reply-button", json={"text": text})
        return self._acted(user_id, body)

    async def press_nowait(
        self,
        user_id: int,
        message_id: int,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        crafted: bool = False,
    ) -> Press:
        """Press an inline button (by text and/or callback_data) without waiting."""
        payload = {"message_id": message_id, "callback_data": callback_data, "text": text}
        payload["crafted"] = crafted
        body = await self._request("POST", f"/users/{user_id}/press", json=payload)
        self._acted(user_id, body)
        return Press(body["callback_query_id"], body["update_id"], body["data"], body["seq"])

    async def press(
        self,
        user_id: int,
        message_id: int,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        crafted: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> CallbackAnswer | None:
        """Press an inline button and wait for the bot's answerCallbackQuery; None if it
        did not answer in time. `crafted=True` sends callback_data no button carries."""
        pressed = await self.press_nowait(
            user_id, message_id, callback_data, text=text, crafted=crafted
        )
        answer = await self.callback_answer(pressed.callback_query_id, timeout=timeout)
        return answer if answer.answered else None

    async def callback_answer(
        self,
        callback_query_id: str,
        *,
        timeout: float | None = 0.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """The press and its answer, first waiting up to `timeout` s for the answer (None:
        the client's default timeout; 0: no wait)."""
        wait = self.timeout if timeout is None else timeout
        body = await self._request(
            "GET", f"/callbacks/{callback_query_id}", params={"wait": str(wait)}
        )
        return CallbackAnswer.parse(body)

    async def block(self, user_id: int) -> None:
        self._acted(user_id, await self._request("POST", f"/users/{user_id}/block"))

    async def unblock(self, user_id: int) -> None:
        self._acted(user_id, await self._request("POST", f"/users/{user_id}/unblock"))
