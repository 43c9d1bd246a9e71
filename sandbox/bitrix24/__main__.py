"""``python -m sandbox.bitrix24 --port 8081 --user 1 --secret s [--seed org.json]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from pathlib import Path

from .control import seed
from .portal import EmulatorConfig
from .server import Bitrix24Emulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox.bitrix24", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--user", type=int, default=1, help="webhook user id")
    parser.add_argument("--secret", default="sandbox-secret", help="webhook secret")
    parser.add_argument("--burst", type=float, default=50.0, help="leaky bucket size (0: off)")
    parser.add_argument("--drain", type=float, default=2.0, help="leaky bucket drain per second")
    parser.add_argument(
        "--seed", type=Path, help='JSON file {"users": [...], "departments": [...]}'
    )
    return parser


async def _serve(args: argparse.Namespace) -> None:
    config = EmulatorConfig(
        user_id=args.user, secret=args.secret, bucket_burst=args.burst, bucket_drain=args.drain
    )
    emulator = Bitrix24Emulator(config, host=args.host, port=args.port)
    if args.seed:
        seed(emulator.portal.state, json.loads(args.seed.read_text(encoding="utf-8")))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with emulator:
        sys.stdout.write(f"Bitrix24 emulator: port {emulator.port}\n")
        sys.stdout.write(f"webhook url: {emulator.webhook_url}\n")
        sys.stdout.flush()
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parser().parse_args(argv)))


if __name__ == "__main__":
    main()
