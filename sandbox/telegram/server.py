"""The emulator as an aiohttp application, and ways to run it in-process.

    emulator = TelegramEmulator(tokens=["123456:TEST"], flood_control=False)
    await emulator.start()              # 127.0.0.1, an ephemeral port
    bot_api_base = emulator.url         # TelegramAPIServer.from_base(emulator.url)
    ...
    await emulator.stop()

or `runner, port = await start_telegram_emulator(...)` and later `await runner.cleanup()`.
Long polls still waiting at shutdown are cut after `SHUTDOWN_GRACE` seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import TracebackType

from aiohttp import web

from sandbox.telegram.botapi.routes import add_routes as add_bot_api_routes
from sandbox.telegram.control.common import control_middleware
from sandbox.telegram.control.routes import add_routes as add_control_routes
from sandbox.telegram.flood import FloodSettings
from sandbox.telegram.keys import EMULATOR_KEY
from sandbox.telegram.state import BotSpec, Emulator, EmulatorConfig
from sandbox.telegram.webhook import WebhookDeliverer

MAX_REQUEST_BYTES = 64 * 1024 * 1024
SHUTDOWN_GRACE = 0.25
WEBHOOKS_KEY = web.AppKey("telegram_webhooks", WebhookDeliverer)


def build_app(emulator: Emulator | None = None) -> web.Application:
    """The Bot API under /bot<token>/..., files under /file/..., control under /sandbox."""
    emulator = emulator or Emulator()
    app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[control_middleware])
    app[EMULATOR_KEY] = emulator
    deliverer = WebhookDeliverer(emulator)
    emulator.on_webhook_set = deliverer.ensure_worker
    app[WEBHOOKS_KEY] = deliverer
    app.on_cleanup.append(_close_webhooks)
    add_bot_api_routes(app)
    add_control_routes(app)
    return app


async def _close_webhooks(app: web.Application) -> None:
    await app[WEBHOOKS_KEY].close()


def make_config(
    tokens: Sequence[str] = (), flood_control: bool = True, config: EmulatorConfig | None = None
) -> EmulatorConfig:
    """`config` with the given tokens ("TOKEN" or "TOKEN@username") and flood switch."""
    base = config or EmulatorConfig()
    bots = tuple(BotSpec.parse(token) for token in tokens) or base.bots
    flood: FloodSettings = replace(base.flood, enabled=flood_control and base.flood.enabled)
    return replace(base, bots=bots, flood=flood)


async def start_telegram_emulator(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    tokens: Sequence[str] = (),
    flood_control: bool = True,
    config: EmulatorConfig | None = None,
) -> tuple[web.AppRunner, int]:
    """Serve a new emulator; returns its runner (`await runner.cleanup()` stops it) and
    the actual port. No tokens: any token is accepted."""
    return await _serve(Emulator(make_config(tokens, flood_control, config)), host, port)


async def _serve(emulator: Emulator, host: str, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(build_app(emulator), shutdown_timeout=SHUTDOWN_GRACE)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    addresses = runner.addresses
    if not addresses:
        raise RuntimeError("the emulator is not listening")
    return runner, int(addresses[0][1])


class TelegramEmulator:
    """An emulator served in-process; `state` is its live `Emulator` for direct peeks."""

    def __init__(
        self,
        tokens: Sequence[str] = (),
        *,
        flood_control: bool = True,
        config: EmulatorConfig | None = None,
    ) -> None:
        self.state = Emulator(make_config(tokens, flood_control, config))
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Base URL for aiogram's `TelegramAPIServer.from_base` and for the client."""
        return f"http://{self.host}:{self.port}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._runner, self.port = await _serve(self.state, host, port)
        self.host = host
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
