"""``viza run`` with no Telegram token: the local sandbox.

Starts the built-in Telegram Bot API emulator on 127.0.0.1, defines the sample org's people
as its users, and runs the real bot against it through ``telegram.api_server`` — exactly
the setting production uses. The database defaults to ``var/sandbox.sqlite3`` and the org
to the sample shipped in ``sandbox/samples/org.toml`` unless the config names others.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pydantic import SecretStr

from bot.app import run_bot
from bot.application import Application
from bot.config import Settings
from domain.org import OrgDirectory, load_org_toml
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator

log = logging.getLogger("viza.sandbox")
SANDBOX_TOKEN = "100000001:sandbox-token-for-the-local-emulator"
SAMPLE_ORG = Path(__file__).resolve().parent.parent / "sandbox" / "samples" / "org.toml"
DEFAULT_PORT = 8081


async def run_sandbox(settings: Settings) -> int:
    port = int(os.environ.get("VIZA_SANDBOX_PORT", DEFAULT_PORT))
    emulator = TelegramEmulator([f"{SANDBOX_TOKEN}@viza_sandbox_bot"])
    await emulator.start("127.0.0.1", port)
    settings = _sandbox_settings(settings, emulator.url)
    org_file = settings.org.file or SAMPLE_ORG
    directory = load_org_toml(org_file.read_text(encoding="utf-8"))
    await _define_users(emulator.url, directory)
    app = await Application.open(settings)
    try:
        await app.usecases.import_org(directory)
        _print_welcome(emulator.url, directory, settings)
        await run_bot(app)
    finally:
        await app.close()
        await emulator.stop()
    return 0


def _sandbox_settings(settings: Settings, api_server: str) -> Settings:
    telegram = settings.telegram.model_copy(
        update={"token": SecretStr(SANDBOX_TOKEN), "api_server": api_server, "mode": "polling"}
    )
    database = settings.database
    if "VIZA_DATABASE__URL" not in os.environ and database.url == Settings().database.url:
        database = database.model_copy(update={"url": "sqlite+aiosqlite:///./var/sandbox.sqlite3"})
    return settings.model_copy(update={"telegram": telegram, "database": database})


async def _define_users(url: str, directory: OrgDirectory) -> None:
    async with SandboxTelegramClient(url) as client:
        for person in directory.people:
            if person.telegram_id is None:
                continue
            last, _, first = person.name.partition(" ")
            await client.create_user(
                first or last,
                user_id=person.telegram_id,
                last_name=last if first else None,
                language_code=person.language,
                phone_number=person.phone,
            )


def _print_welcome(url: str, directory: OrgDirectory, settings: Settings) -> None:
    linked = [p for p in directory.people if p.telegram_id is not None]
    lines = [
        "",
        "Viza sandbox is running (no Telegram token set).",
        f"  Telegram emulator: {url}   (the bot's telegram.api_server)",
        f"  Database:          {settings.database.url}",
        f"  Org:               {len(directory.people)} people, "
        f"{len(directory.dealer_centers)} dealer centers",
        "",
        "Act as a person through the emulator's control API, e.g.:",
        f"  curl -s -X POST {url}/sandbox/users/{linked[0].telegram_id}/messages "
        "-H 'Content-Type: application/json' -d '{\"text\": \"/start\"}'",
        f"  curl -s {url}/sandbox/users/{linked[0].telegram_id}/chat",
        "People (Telegram id: name):",
        *(f"  {p.telegram_id}: {p.name}" for p in linked),
        "Stop with Ctrl+C.",
        "",
    ]
    print("\n".join(lines), flush=True)
