"""aiohttp application keys shared by the Bot API and the control API routes."""

from __future__ import annotations

from aiohttp import web

from sandbox.telegram.state import Emulator

EMULATOR_KEY = web.AppKey("telegram_emulator", Emulator)
