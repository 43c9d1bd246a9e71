"""Run the Telegram Bot API emulator standalone.

    python -m sandbox.telegram --host 127.0.0.1 --port 8081 --token 123:ABC[,456:DEF@name]

Without --token any token is accepted. The bot uses it with
`TelegramAPIServer.from_base("http://127.0.0.1:8081")`; people and tests act as users
through the control API under /sandbox (see `sandbox.telegram.control`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence

from sandbox.telegram.server import TelegramEmulator


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox.telegram", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--token",
        default="",
        help="accepted bot tokens, comma-separated, each TOKEN or TOKEN@username "
        "(default: any token)",
    )
    parser.add_argument(
        "--no-flood-control", action="store_true", help="never answer 429 Too Many Requests"
    )
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    tokens = [token for token in args.token.split(",") if token.strip()]
    emulator = TelegramEmulator(tokens, flood_control=not args.no_flood_control)
    await emulator.start(args.host, args.port)
    accepted = ", ".join(bot.username for bot in emulator.state.bots.values()) or "any token"
    logging.getLogger("sandbox.telegram").info(
        "Telegram Bot API emulator on %s (bots: %s)", emulator.url, accepted
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(stop_signal, stop.set)
    try:
        await stop.wait()
    finally:
        await emulator.stop()


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
