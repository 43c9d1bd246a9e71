"""``viza run`` with no Telegram token: the local sandbox.

Starts the built-in Telegram Bot API emulator and the Bitrix24 emulator on 127.0.0.1,
defines the sample org's people as users of both, and runs the real bot against them
through ``telegram.api_server`` and ``bitrix24.webhook_url`` — exactly the settings
production uses (registers are mirrored, memos become Bitrix24 tasks). The database
defaults to ``var/sandbox.sqlite3`` and the org to the sample shipped in
``sandbox/samples/org.toml`` unless the config names others.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pydantic import SecretStr

from bot.app import run_bot
from bot.application import Application
from bot.config import Bitrix24Settings, Settings
from domain.org import OrgDirectory, load_org_toml
from sandbox.bitrix24 import Bitrix24Emulator, EmulatorConfig
from sandbox.telegram import SandboxTelegramClient, TelegramEmulator

log = logging.getLogger("viza.sandbox")
SANDBOX_TOKEN = "100000001:sandbox-token-for-the-local-emulator"
SAMPLE_ORG = Path(__file__).resolve().parent.parent / "sandbox" / "samples" / "org.toml"
DEFAULT_PORT = 8081  # the Bitrix24 emulator takes the next port
SANDBOX_SPA = 1038


async def run_sandbox(settings: Settings) -> int:
    port = int(os.environ.get("VIZA_SANDBOX_PORT", DEFAULT_PORT))
    emulator = TelegramEmulator([f"{SANDBOX_TOKEN}@viza_sandbox_bot"])
    await emulator.start("127.0.0.1", port)
    org_file = settings.org.file or SAMPLE_ORG
    directory = load_org_toml(org_file.read_text(encoding="utf-8"))
    portal = await _start_portal(port + 1, directory)
    settings = _sandbox_settings(settings, emulator.url, portal)
    await _define_users(emulator.url, directory)
    app = await Application.open(settings)
    try:
        await app.usecases.import_org(directory)
        _print_welcome(emulator.url, portal, directory, settings)
        await run_bot(app)
    finally:
        await app.close()
        await emulator.stop()
        await portal.stop()
    return 0


async def _start_portal(port: int, directory: OrgDirectory) -> Bitrix24Emulator:
    """The Bitrix24 emulator with the org's people as its users."""
    portal = Bitrix24Emulator(EmulatorConfig(secret="sandbox-secret"), port=port)
    await portal.start()
    users = [{"ID": p.bitrix_id, "NAME": p.name} for p in directory.people if p.bitrix_id]
    portal.seed(users)
    return portal


def _mirror_settings() -> dict[str, object]:
    """A smart process for the register mirror on the emulated portal."""
    route = ("dc_director", "department_director", "chief_accountant", "finance_director",
             "general_director")  # fmt: skip
    register_keys = (*route, "returned", "approved", "rejected", "withdrawn", "closed")
    item_keys = (*route, "approved", "rejected", "withdrawn", "missed", "returned")
    return {
        "entity_type_id": SANDBOX_SPA,
        "id_field": f"ufCrm{SANDBOX_SPA}VizaId",
        "register_field": f"ufCrm{SANDBOX_SPA}VizaRegister",
        "register_stages": {k: f"DT{SANDBOX_SPA}_3:{k.upper()}" for k in register_keys},
        "item_stages": {k: f"DT{SANDBOX_SPA}_4:{k.upper()}" for k in item_keys},
    }


def _sandbox_settings(settings: Settings, api_server: str, portal: Bitrix24Emulator) -> Settings:
    telegram = settings.telegram.model_copy(
        update={"token": SecretStr(SANDBOX_TOKEN), "api_server": api_server, "mode": "polling"}
    )
    bitrix24 = Bitrix24Settings.model_validate(
        {"webhook_url": portal.webhook_url, "rate_per_second": 2.0, "burst": 20,
         "registers": _mirror_settings()}
    )  # fmt: skip
    database = settings.database
    if "VIZA_DATABASE__URL" not in os.environ and database.url == Settings().database.url:
        database = database.model_copy(update={"url": "sqlite+aiosqlite:///./var/sandbox.sqlite3"})
    update = {"telegram": telegram, "database": database, "bitrix24": bitrix24}
    return settings.model_copy(update=update)


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


def _print_welcome(
    url: str, portal: Bitrix24Emulator, directory: OrgDirectory, settings: Settings
) -> None:
    linked = [p for p in directory.people if p.telegram_id is not None]
    lines = [
        "",
        "Viza sandbox is running (no Telegram token set).",
        f"  Telegram emulator: {url}   (the bot's telegram.api_server)",
        f"  Bitrix24 emulator: {portal.base_url}   (state: {portal.base_url}/sandbox/state)",
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
