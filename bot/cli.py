"""The ``viza`` command (also ``python -m bot``).

viza run                 the bot (with no Telegram token: the local sandbox)
viza migrate             apply database migrations
viza org import FILE     import the org directory (idempotent)
viza invite PERSON       print a one-time invite link for a person
viza audit verify        walk the audit hash chain
viza b24 sync-org|reconcile|relay   Bitrix24 org sync, reconcile, outbox relay
viza job run remind|cutoff|digest --date YYYY-MM-DD   a daily job by hand
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot.b24_commands import add_b24_parser
from bot.config import ConfigError, Settings, load_settings
from bot.job_commands import add_job_parser
from bot.logs import setup_logging

EXIT_CONFIG = 2
EXIT_FAILED = 1

Command = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="viza", description="Viza: approvals in Telegram")
    parser.add_argument("--config", help="TOML config file (default: $VIZA_CONFIG)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot (the sandbox when no token is set)")
    sub.add_parser("migrate", help="apply database migrations")
    org = sub.add_parser("org", help="org directory").add_subparsers(
        dest="org_command", required=True
    )
    org_import = org.add_parser("import", help="import an org TOML file")
    org_import.add_argument("file", type=Path)
    invite = sub.add_parser("invite", help="make a one-time invite link")
    invite.add_argument("person", help="the person's code in the org directory")
    audit = sub.add_parser("audit", help="audit log").add_subparsers(
        dest="audit_command", required=True
    )
    audit.add_parser("verify", help="verify the hash chain")
    verify_pdf = audit.add_parser("verify-pdf", help="verify a memo PDF against the database")
    verify_pdf.add_argument("file", type=Path)
    add_b24_parser(sub)
    add_job_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(
        settings.logging.level,
        json_lines=settings.logging.json_format,
        secrets=_secrets(settings),
    )
    command = _command(args)
    try:
        return asyncio.run(_until_signalled(command(settings, args)))
    except KeyboardInterrupt:
        return 0
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG


async def _until_signalled(work: Coroutine[Any, Any, int]) -> int:
    """SIGTERM (a service manager stopping us) or SIGINT cancels the command, so its
    ``finally`` blocks run: workers stop, the PDF processes end, the database closes."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    try:
        return await task
    except asyncio.CancelledError:
        return 0


def _command(args: argparse.Namespace) -> Command:
    from bot import b24_commands, commands, job_commands

    table: dict[str, Command] = {
        "run": commands.run,
        "migrate": commands.migrate,
        "org": commands.org_import,
        "invite": commands.invite,
        "audit": (
            commands.audit_verify_pdf
            if getattr(args, "audit_command", None) == "verify-pdf"
            else commands.audit_verify
        ),
        "b24": b24_commands.b24,
        "job": job_commands.job,
    }
    return table[args.command]


def _secrets(settings: Settings) -> list[str]:
    values = [
        settings.telegram.token,
        settings.telegram.webhook_secret,
        settings.bitrix24.webhook_url,
    ]
    return [value.get_secret_value() for value in values if value is not None]


if __name__ == "__main__":
    raise SystemExit(main())
