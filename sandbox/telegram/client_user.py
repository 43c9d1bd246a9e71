"""`TelegramUser`: one user bound to a `SandboxTelegramClient`, for readable tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sandbox.telegram.client_types import CallbackAnswer, ChatMessage, ChatView, Sent, UserInfo

if TYPE_CHECKING:
    from sandbox.telegram.client import SandboxTelegramClient


class TelegramUser:
    """`anna.send_text("hi")` is `client.send_text(anna.id, "hi")`; same for every
    user-side method of the client. `info` is None for a handle made from a bare id."""

    def __init__(self, client: SandboxTelegramClient, user: UserInfo | int) -> None:
        self.client = client
        self.info = user if isinstance(user, UserInfo) else None
        self.id = user.id if isinstance(user, UserInfo) else user

    def __repr__(self) -> str:
        name = self.info.first_name if self.info else "?"
        return f"TelegramUser(id={self.id}, first_name={name!r})"

    async def send_text(self, text: str) -> Sent:
        return await self.client.send_text(self.id, text)

    async def send_command(self, command: str, payload: str | None = None) -> Sent:
        return await self.client.send_command(self.id, command, payload)

    async def send_document(
        self,
        filename: str,
        data: bytes,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> Sent:
        return await self.client.send_document(
            self.id, filename, data, mime_type=mime_type, caption=caption
        )

    async def send_photo(self, data: bytes | None = None, *, caption: str | None = None) -> Sent:
        return await self.client.send_photo(self.id, data, caption=caption)

    async def send_contact(
        self,
        phone_number: str,
        *,
        contact_user_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        without_user_id: bool = False,
    ) -> Sent:
        return await self.client.send_contact(
            self.id, phone_number, contact_user_id=contact_user_id, first_name=first_name,
            last_name=last_name, without_user_id=without_user_id,
        )  # fmt: skip

    async def press_reply_button(self, text: str) -> Sent:
        return await self.client.press_reply_button(self.id, text)

    async def press(
        self,
        message_id: int,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        crafted: bool = False,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> CallbackAnswer | None:
        return await self.client.press(
            self.id, message_id, callback_data, text=text, crafted=crafted, timeout=timeout
        )

    async def block(self) -> None:
        await self.client.block(self.id)

    async def unblock(self) -> None:
        await self.client.unblock(self.id)

    async def chat(self) -> list[ChatMessage]:
        return await self.client.chat(self.id)

    async def chat_view(self) -> ChatView:
        return await self.client.chat_view(self.id)

    async def last_message(self) -> ChatMessage | None:
        return await self.client.last_message(self.id)

    async def callback_answers(self) -> list[CallbackAnswer]:
        return await self.client.callback_answers(self.id)

    async def wait_for_message(
        self,
        predicate: Callable[[ChatMessage], bool] | None = None,
        *,
        contains: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        since: int | None = None,
    ) -> ChatMessage:
        return await self.client.wait_for_message(
            self.id, predicate, contains=contains, timeout=timeout, since=since
        )

    async def wait_for_edit(
        self,
        message_id: int,
        predicate: Callable[[ChatMessage], bool] | None = None,
        *,
        contains: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        since: int | None = None,
    ) -> ChatMessage:
        return await self.client.wait_for_edit(
            self.id, message_id, predicate, contains=contains, timeout=timeout, since=since
        )
