"""The whole emulated world: bots (one per token), users, files, the call log.

`Emulator` is plain in-memory state driven from one event loop; handlers change it between
awaits, so it needs no locks. With no configured tokens it accepts any token and creates
the bot on its first call.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.calls import CallLog, FaultInjector
from sandbox.telegram.errors import ControlError
from sandbox.telegram.files import FileStore
from sandbox.telegram.flood import FloodControl, FloodSettings
from sandbox.telegram.model import CallbackQueryRecord, Chat, UserProfile, WebhookConfig
from sandbox.telegram.updates import UpdateQueue

FIRST_USER_ID = 100_001


@dataclass(frozen=True)
class BotSpec:
    """A bot token the emulator accepts, with the bot's public names."""

    token: str
    username: str | None = None
    first_name: str | None = None

    @classmethod
    def parse(cls, spec: str) -> BotSpec:
        """ "TOKEN" or "TOKEN@username"."""
        token, _, username = spec.strip().partition("@")
        return cls(token, username or None)


@dataclass(frozen=True)
class EmulatorConfig:
    bots: tuple[BotSpec, ...] = ()  # empty: any token is accepted
    flood: FloodSettings = field(default_factory=FloodSettings)
    webhook_retry_delays: tuple[float, ...] = (0.1, 0.25, 0.5, 1.0, 2.0)
    webhook_timeout: float = 10.0


@dataclass
class BotState:
    """One bot: its identity, its chats with users, its updates and its settings."""

    token: str
    id: int
    username: str
    first_name: str
    updates: UpdateQueue = field(default_factory=UpdateQueue)
    chats: dict[int, Chat] = field(default_factory=dict)
    callbacks: dict[str, CallbackQueryRecord] = field(default_factory=dict)
    webhook: WebhookConfig | None = None
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    profile: dict[str, str] = field(default_factory=dict)

    def chat(self, user_id: int) -> Chat:
        chat = self.chats.get(user_id)
        if chat is None:
            chat = self.chats[user_id] = Chat(user_id)
        return chat

    def to_api_user(self) -> dict[str, Any]:
        return {
            "id": self.id, "is_bot": True, "first_name": self.first_name,
            "username": self.username,
        }  # fmt: skip

    def forget_conversations(self) -> None:
        for chat in self.chats.values():
            chat.signal.notify()  # waiting readers re-read and see the chat is gone
        self.chats.clear()
        self.callbacks.clear()
        self.updates.clear()


def bot_id_of(token: str) -> int:
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 1_000_000_000 + zlib.crc32(token.encode())


class Emulator:
    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.bots: dict[str, BotState] = {}
        self.users: dict[int, UserProfile] = {}
        self.files = FileStore()
        self.calls = CallLog()
        self.faults = FaultInjector()
        self.flood = FloodControl(self.config.flood)
        self._seq = 0
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        # Set by the server: starts delivering a bot's updates to its new webhook.
        self.on_webhook_set: Callable[[BotState], None] = lambda bot: None
        for spec in self.config.bots:
            self._add_bot(spec)

    @property
    def seq(self) -> int:
        return self._seq

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def next_callback_id(self) -> str:
        return str(4_000_000_000_000_000_000 + next(self._callback_ids))

    def _add_bot(self, spec: BotSpec) -> BotState:
        bot_id = bot_id_of(spec.token)
        username = spec.username or f"sandbox_{bot_id}_bot"
        bot = BotState(spec.token, bot_id, username, spec.first_name or "Sandbox Bot")
        self.bots[spec.token] = bot
        return bot

    def bot_for_token(self, token: str) -> BotState | None:
        """The bot of `token`; created on first use when any token is accepted."""
        bot = self.bots.get(token)
        if bot is None and not self.config.bots and token:
            bot = self._add_bot(BotSpec(token))
        return bot

    def find_bot(self, selector: str | None) -> BotState:
        """A bot by token, id or username; without a selector the only (or first) bot."""
        if not selector:
            if not self.bots:
                raise ControlError(409, "no bot has connected yet; pass bot=<token>")
            return next(iter(self.bots.values()))
        for bot in self.bots.values():
            if selector in {bot.token, str(bot.id), bot.username, f"@{bot.username}"}:
                return bot
        created = self.bot_for_token(selector) if ":" in selector else None
        if created is None:
            raise ControlError(404, f"unknown bot {selector!r}")
        return created

    def user(self, user_id: int) -> UserProfile:
        user = self.users.get(user_id)
        if user is None:
            raise ControlError(404, f"unknown user {user_id}")
        return user

    def ensure_user(self, user_id: int) -> UserProfile:
        """The user, registered with a default name if the tests never defined it."""
        if user_id not in self.users:
            self.users[user_id] = UserProfile(user_id, f"User {user_id}")
        return self.users[user_id]

    def free_user_id(self) -> int:
        return max([FIRST_USER_ID - 1, *self.users]) + 1

    def reset(self, full: bool = False) -> None:
        """Forget users, chats, updates, files, calls and faults; `full` also forgets
        webhooks, commands, menu buttons and restores the configured flood settings."""
        self.users.clear()
        self.files.clear()
        self.calls.clear()
        self.faults.clear()
        self.flood.reset()
        for bot in self.bots.values():
            bot.forget_conversations()
            if full:
                bot.webhook = None
                bot.commands.clear()
                bot.menu_buttons.clear()
                bot.profile.clear()
        if full:
            self.flood.configure(self.config.flood)
