"""The CLI commands' bodies: each opens the application, does one thing, closes it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.application import Application
from bot.config import ConfigError, Settings
from domain.errors import DomainError
from domain.org import load_org_toml
from services.org_admin import ImportSummary


async def run(settings: Settings, _args: argparse.Namespace) -> int:
    if settings.telegram.token is None:
        from bot.sandbox_mode import run_sandbox

        return await run_sandbox(settings)
    from bot.app import run_bot

    app = await Application.open(settings)
    try:
        if settings.org.file:
            await _import(app, settings.org.file)
        await run_bot(app)
    finally:
        await app.close()
    return 0


async def migrate(settings: Settings, _args: argparse.Namespace) -> int:
    app = await Application.open(settings)  # opening applies the migrations
    await app.close()
    print("Схема базы данных актуальна.")
    return 0


async def org_import(settings: Settings, args: argparse.Namespace) -> int:
    app = await Application.open(settings)
    try:
        summary = await _import(app, args.file)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await app.close()
    print(describe_import(summary))
    return 0


async def _import(app: Application, path: Path) -> ImportSummary:
    try:
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Файл справочника {path} не прочитан: {exc.strerror}") from None
    return await app.usecases.import_org(load_org_toml(text))


def describe_import(summary: ImportSummary) -> str:
    counts = summary.counts
    lines = [
        f"Создано: {summary.created}, обновлено: {summary.updated}, "
        f"отключено: {len(counts.deactivated)}"
    ]
    lines.extend(
        f"  {kind}: создано {counts.created.get(kind, 0)}, обновлено {counts.updated.get(kind, 0)}"
        for kind in sorted(set(counts.created) | set(counts.updated))
    )
    if counts.deactivated:
        lines.append("  отключены: " + ", ".join(counts.deactivated))
    return "\n".join(lines)


async def invite(settings: Settings, args: argparse.Namespace) -> int:
    app = await Application.open(settings)
    try:
        username = settings.telegram.bot_username or await _bot_username(settings)
        issued = await app.usecases.create_invite(args.person, None, username)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await app.close()
    print(
        f"Приглашение для {issued.person.full_name} (одноразовое, действует "
        f"{settings.invites.ttl_hours} ч):"
    )
    print(issued.link or f"/start {issued.token}")
    return 0


async def audit_verify(settings: Settings, _args: argparse.Namespace) -> int:
    app = await Application.open(settings)
    try:
        result = await app.usecases.verify_audit()
    finally:
        await app.close()
    if result.ok:
        print(f"Цепочка аудита цела: проверено записей {result.checked}.")
        return 0
    print(f"Цепочка аудита нарушена: {result.reason} (после {result.checked} верных записей).")
    return 1


async def _bot_username(settings: Settings) -> str | None:
    """Ask Telegram for the bot's @username, for the deep link (None without a token)."""
    if settings.telegram.token is None:
        return None
    from bot.app import make_bot

    bot = make_bot(settings)
    try:
        return (await bot.get_me()).username
    finally:
        await bot.session.close()


async def audit_verify_pdf(settings: Settings, args: argparse.Namespace) -> int:
    """``viza audit verify-pdf FILE``: is this memo PDF ours, unchanged, and anchored in an
    intact audit chain?"""
    data = await asyncio.to_thread(Path(args.file).read_bytes)
    app = await Application.open(settings)
    try:
        verdict = await app.usecases.memos.verify_pdf(data)
    finally:
        await app.close()
    if verdict.number is None:
        print(
            f"PDF не найден среди служебных записок (sha256 {verdict.sha256}): файл изменён "
            "или выпущен не этой системой."
        )
        return 1
    if not verdict.chain_ok:
        print(
            f"PDF — служебная записка {verdict.number}, но цепочка аудита нарушена: "
            f"{verdict.reason}"
        )
        return 1
    if verdict.anchored_at is None:
        print(
            f"PDF — служебная записка {verdict.number}, но его хеш аудита "
            f"{verdict.audit_hash} не найден в цепочке."
        )
        return 1
    print(
        f"PDF подлинный: служебная записка {verdict.number}; хеш аудита {verdict.audit_hash} "
        f"— запись №{verdict.anchored_at} целой цепочки."
    )
    return 0
