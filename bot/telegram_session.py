"""aiogram's HTTP session, with the response models it builds kept alive.

aiogram validates every Bot API answer as ``Response[method.__returning__]``. pydantic
caches such parametrised generic models only weakly, so after a garbage collection each
call builds its model class again: a full schema build of several milliseconds, on every
tap's callback answer and card edit (it was the largest single cost of a tap in
``bench/approvals.py``'s profile). Holding one strong reference per return type makes the
cache hit; there are only as many as the Bot API methods we call.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType


class PinnedResponsesSession(AiohttpSession):
    """An `AiohttpSession` whose response model classes are built once per return type."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_models: dict[Any, type[Response[Any]]] = {}

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._response_models:
            self._response_models[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)
