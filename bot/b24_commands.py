"""``viza b24 ...``: the Bitrix24 commands, and the relay that ``viza run`` starts.

viza b24 sync-org [--dry-run]   read users and departments from Bitrix24, update people
viza b24 reconcile [--no-people]  compare with Bitrix24, re-queue what differs
viza b24 relay [--once]          deliver the outbox (``--once``: what is due now, then exit)

Heavy imports happen inside the functions, so ``viza --help`` stays fast.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings

if TYPE_CHECKING:
    from b24sync.client import Bitrix24Client
    from b24sync.org_sync import OrgSync
    from b24sync.reconcile import CheckReport
    from b24sync.relay import Relay, RoundReport
    from bot.application import Application
    from services.b24_org import BitrixOrgChanges
    from services.b24_ports import SyncAlerts
    from services.register_mirror import RegisterSnapshot


def add_b24_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    b24 = sub.add_parser("b24", help="Bitrix24: org sync, reconcile, outbox relay")
    commands = b24.add_subparsers(dest="b24_command", required=True)
    sync = commands.add_parser("sync-org", help="update people and unit heads from Bitrix24")
    sync.add_argument("--dry-run", action="store_true", help="only show what would change")
    rec = commands.add_parser("reconcile", help="compare with Bitrix24 and re-queue drift")
    rec.add_argument("--no-people", action="store_true", help="skip the people check")
    relay = commands.add_parser("relay", help="deliver the outbox to Bitrix24")
    relay.add_argument("--once", action="store_true", help="deliver what is due, then exit")


async def b24(settings: Settings, args: argparse.Namespace) -> int:
    if settings.bitrix24.webhook_url is None:
        raise ConfigError("bitrix24.webhook_url не задан: команды b24 не к чему подключать.")
    from b24sync.errors import Bitrix24Error
    from bot.application import Application

    app = await Application.open(settings)
    client = make_client(settings)
    try:
        if args.b24_command == "sync-org":
            return await _sync_org(app, client, dry_run=args.dry_run)
        if args.b24_command == "reconcile":
            return await _reconcile(app, client, people=not args.no_people)
        return await _relay(app, client, once=args.once)
    except Bitrix24Error as exc:
        print(f"Bitrix24 недоступен или отказал: {client.mask(str(exc))}", file=sys.stderr)
        return 1
    finally:
        await client.close()
        await app.close()


def make_client(settings: Settings) -> Bitrix24Client:
    from b24sync.client import Bitrix24Client, ClientOptions

    section = settings.bitrix24
    assert section.webhook_url is not None
    options = ClientOptions(
        rate_per_second=section.rate_per_second,
        burst=section.burst,
        max_retries=section.relay.max_retries,
        timeout=section.relay.timeout,
    )
    return Bitrix24Client(section.webhook_url.get_secret_value(), options)


def make_relay(
    app: Application, client: Bitrix24Client, alerts: SyncAlerts | None = None
) -> Relay:
    from datetime import timedelta

    from b24sync.delivery import HandlerRegistry
    from b24sync.relay import Relay, RelayOptions
    from models.outbox_repo import SqlOutboxStore

    section = app.settings.bitrix24.relay
    options = RelayOptions(
        claim_limit=section.claim,
        max_attempts=section.max_attempts,
        retry_base=section.retry_base,
        retry_cap=section.retry_cap,
        lease=timedelta(seconds=section.lease),
        poll_seconds=section.poll,
    )
    store = SqlOutboxStore(app.database)
    return Relay(store, client, HandlerRegistry.discover(), app.clock, options, alerts=alerts)


async def run_relay_forever(
    app: Application, *, alerts: SyncAlerts | None = None, stop: asyncio.Event | None = None
) -> None:
    """Deliver the outbox until cancelled; for ``viza run`` when ``bitrix24.webhook_url``
    is set (``alerts``: the bot's admin alerts in Telegram; default: the log)."""
    client = make_client(app.settings)
    try:
        await make_relay(app, client, alerts).run_forever(stop)
    finally:
        await client.close()


def make_org_sync(app: Application, client: Bitrix24Client) -> OrgSync:
    from b24sync.org_sync import OrgMapping, OrgSync
    from models.b24_org_repo import SqlBitrixOrgUnitOfWork
    from services.b24_org import ApplyBitrixOrg

    org = app.settings.bitrix24.org
    apply = ApplyBitrixOrg(lambda: SqlBitrixOrgUnitOfWork(app.database), app.clock)
    return OrgSync(client, apply, OrgMapping(org.departments, org.dealer_centers))


async def _sync_org(app: Application, client: Bitrix24Client, *, dry_run: bool) -> int:
    changes = await make_org_sync(app, client)(dry_run=dry_run)
    print(describe_org_changes(changes, dry_run=dry_run))
    return 0


def describe_org_changes(changes: BitrixOrgChanges, *, dry_run: bool = False) -> str:
    head = "Изменилось бы" if dry_run else "Синхронизация с Bitrix24"
    lines = [
        f"{head}: создано {len(changes.created)}, обновлено {len(changes.updated)}, "
        f"отключено {len(changes.deactivated)}, руководителей сменилось {len(changes.heads)}"
    ]
    for title, codes in (
        ("созданы", changes.created),
        ("обновлены", changes.updated),
        ("отключены", changes.deactivated),
        ("руководители", changes.heads),
    ):
        if codes:
            lines.append(f"  {title}: " + ", ".join(codes))
    lines.extend(f"  внимание: {warning}" for warning in changes.warnings)
    return "\n".join(lines)


async def _reconcile(app: Application, client: Bitrix24Client, *, people: bool) -> int:
    from b24sync.reconcile import (
        DeadLetterCheck,
        PeopleCheck,
        ReconcileCheck,
        ReconcileContext,
        discovered_checks,
        reconcile,
    )
    from models.outbox_repo import SqlOutboxStore

    checks: list[ReconcileCheck] = [DeadLetterCheck(), *discovered_checks()]
    if people:
        checks.append(PeopleCheck(make_org_sync(app, client)))
    store = SqlOutboxStore(app.database)
    ctx = ReconcileContext(client, store, app.clock, registers=stored_registers(app))
    reports = await reconcile(ctx, checks)
    print(describe_reconcile(reports))
    return 0


def stored_registers(app: Application) -> RegisterSnapshot | None:
    """The registers as stored, for the register mirror's reconcile check."""
    from bot.application import approval_rules
    from models.uow import SqlUnitOfWork
    from services.approvals.mirror import MirrorSnapshot

    rules = approval_rules(app.settings)
    if rules.mirror is None:
        return None
    return MirrorSnapshot(lambda: SqlUnitOfWork(app.database), app.clock, rules)


def describe_reconcile(reports: list[CheckReport]) -> str:
    lines = ["Сверка с Bitrix24:"]
    for report in reports:
        lines.append(
            f"  {report.name}: проверено {report.checked}, расхождений {report.drift}, "
            f"снова в очереди {len(report.requeued)}"
        )
        lines.extend(f"    {note}" for note in report.notes)
    return "\n".join(lines)


async def _relay(app: Application, client: Bitrix24Client, *, once: bool) -> int:
    relay = make_relay(app, client)
    if not once:
        await relay.run_forever()
        return 0
    print(describe_relay(await relay.drain()))
    return 0


def describe_relay(report: RoundReport) -> str:
    return (
        f"Доставлено: {report.delivered}, отложено: {report.retried}, "
        f"в «мёртвых»: {report.dead}, HTTP-запросов: {report.http_calls}"
    )
