"""Reading chats and waiting for the bot: the half of the client that observes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import ClientSession

from sandbox.telegram.client_http import ControlApiSession
from sandbox.telegram.client_types import CallbackAnswer, ChatMessage, ChatView, Sent, WaitTimeout

T = TypeVar("T")
MessagePredicate = Callable[[ChatMessage], bool]
LONG_POLL_SLICE = 20.0


class ChatReader(ControlApiSession):
    """Reads users' chats and waits for the bot; remembers each user's last action
    (`_acted`) as the default starting point of the waits."""

    def __init__(
        self,
        base_url: str,
        *,
        bot: str | None = None,
        timeout: float = 5.0,
        session: ClientSession | None = None,
    ) -> None:
        super().__init__(base_url, bot=bot, timeout=timeout, session=session)
        self._action_marks: dict[int, int] = {}  # user id -> seq after their last action
        self._read_marks: dict[int, int] = {}  # ... or of the last message waited for

    def _acted(self, user_id: int, body: dict[str, Any]) -> Sent:
        self._action_marks[user_id] = self._read_marks[user_id] = int(body["seq"])
        return Sent(body.get("message_id"), body.get("update_id"), int(body["seq"]))

    # Reading -----------------------------------------------------------------------

    async def chat_view(
        self, user_id: int, *, since: int | None = None, wait: float = 0
    ) -> ChatView:
        """The chat; with `since` it first waits up to `wait` s for a newer change."""
        params = {} if since is None else {"since": str(since), "wait": str(wait)}
        body = await self._request("GET", f"/users/{user_id}/chat", params=params)
        return ChatView.parse(body)

    async def chat(self, user_id: int) -> list[ChatMessage]:
        return list((await self.chat_view(user_id)).messages)

    async def last_message(self, user_id: int) -> ChatMessage | None:
        """The bot's latest message in the chat."""
        messages = (await self.chat_view(user_id)).bot_messages
        return messages[-1] if messages else None

    async def callback_answers(self, user_id: int) -> list[CallbackAnswer]:
        items = await self._request("GET", f"/users/{user_id}/callbacks")
        return [CallbackAnswer.parse(item) for item in items]

    # Waiting -----------------------------------------------------------------------

    async def wait_for(
        self,
        user_id: int,
        check: Callable[[ChatView], T | None],
        *,
        timeout: float | None = None,  # noqa: ASYNC109
        what: str = "the expected change",
    ) -> T:
        """Re-read the chat on every change until `check` returns something not None."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.timeout if timeout is None else timeout)
        view = await self.chat_view(user_id)
        while (found := check(view)) is None:
            left = deadline - loop.time()
            if left <= 0:
                raise WaitTimeout(
                    f"no {what} in the chat of user {user_id} within the timeout; "
                    f"the chat now:\n{view.transcript()}"
                )
            view = await self.chat_view(user_id, since=view.seq, wait=min(left, LONG_POLL_SLICE))
        return found

    async def wait_for_message(
        self,
        user_id: int,
        predicate: MessagePredicate | None = None,
        *,
        contains: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        since: int | None = None,
    ) -> ChatMessage:
        """The first new bot message matching `predicate` and containing `contains`."""
        after = self._read_marks.get(user_id, 0) if since is None else since
        match = _matcher(predicate, contains)

        def check(view: ChatView) -> ChatMessage | None:
            fresh = (m for m in view.bot_messages if m.created_seq > after and match(m))
            return next(fresh, None)

        found = await self.wait_for(
            user_id, check, timeout=timeout, what=_describe("new bot message", contains)
        )
        self._read_marks[user_id] = max(self._read_marks.get(user_id, 0), found.created_seq)
        return found

    async def wait_for_edit(
        self,
        user_id: int,
        message_id: int,
        predicate: MessagePredicate | None = None,
        *,
        contains: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
        since: int | None = None,
    ) -> ChatMessage:
        """Message `message_id` once edited after the user's last action (or `since`)."""
        after = self._action_marks.get(user_id, 0) if since is None else since
        match = _matcher(predicate, contains)

        def check(view: ChatView) -> ChatMessage | None:
            message = view.message(message_id)
            if message is None or not message.edited or message.updated_seq <= after:
                return None
            return message if match(message) else None

        what = _describe(f"edit of message {message_id}", contains)
        return await self.wait_for(user_id, check, timeout=timeout, what=what)

    async def wait_for_deletion(
        self,
        user_id: int,
        message_id: int,
        *,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> None:
        def check(view: ChatView) -> bool | None:
            return True if view.message(message_id) is None else None

        what = f"deletion of message {message_id}"
        await self.wait_for(user_id, check, timeout=timeout, what=what)


def _matcher(predicate: MessagePredicate | None, contains: str | None) -> MessagePredicate:
    def match(message: ChatMessage) -> bool:
        if contains is not None and contains not in message.body:
            return False
        return predicate is None or predicate(message)

    return match


def _describe(what: str, contains: str | None) -> str:
    return what if contains is None else f"{what} containing {contains!r}"
