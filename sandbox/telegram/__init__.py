"""A local emulator of the Telegram Bot API, for the sandbox and the end-to-end tests.

The bot talks to it unchanged (aiogram with `TelegramAPIServer.from_base(url)`); tests and
the sandbox page act as users through the control API under /sandbox
(`sandbox.telegram.control` documents it; `sandbox.telegram.client` wraps it).

    emulator = TelegramEmulator(["123456:TEST"], flood_control=False)
    await emulator.start()
    async with SandboxTelegramClient(emulator.url) as tg:
        ...
    await emulator.stop()
"""

from sandbox.telegram.client import SandboxTelegramClient, TelegramUser
from sandbox.telegram.server import TelegramEmulator, build_app, start_telegram_emulator
from sandbox.telegram.state import BotSpec, Emulator, EmulatorConfig

__all__ = [
    "BotSpec",
    "Emulator",
    "EmulatorConfig",
    "SandboxTelegramClient",
    "TelegramEmulator",
    "TelegramUser",
    "build_app",
    "start_telegram_emulator",
]
