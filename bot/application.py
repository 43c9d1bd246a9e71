"""The application core: config -> database (migrated) -> use cases. Importing it does not
import aiogram, so CLI commands that do not talk to Telegram start fast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import SystemClock
from bot.config import Settings
from domain.register_route import RoutePolicy, parse_route
from models.db import Database, create_database
from models.migrate import upgrade_to_head
from models.register_items import encoder_for
from models.uow import SqlUnitOfWork
from services.approvals import ApprovalRules
from services.ports import Clock
from services.register_mirror import MirrorSettings, RegisterMirror
from services.registers import ProcessParser, RegisterRules
from services.usecases import UseCases


@dataclass
class Application:
    settings: Settings
    database: Database
    clock: Clock
    usecases: UseCases
    parser: ProcessParser  # reads uploaded registers in a worker process

    @classmethod
    async def open(cls, settings: Settings, clock: Clock | None = None) -> Application:
        database = create_database(settings.database.url, echo=settings.database.echo)
        await upgrade_to_head(database)
        parser = ProcessParser(encoder_for(database.dialect))
        clock = clock or SystemClock(
            timedelta(minutes=settings.clock.shift_minutes), settings.clock.now
        )
        usecases = UseCases.build(
            lambda: SqlUnitOfWork(database),
            clock,
            invite_ttl_hours=settings.invites.ttl_hours,
            register_rules=register_rules(settings),
            approval_rules=approval_rules(settings),
            bitrix24=settings.bitrix24.webhook_url is not None,
            reader=lambda: SqlUnitOfWork(database, read_only=True),
            register_parser=parser,
        )
        return cls(settings, database, clock, usecases, parser)

    async def close(self) -> None:
        self.usecases.memos.close()  # the PDF worker processes
        self.parser.close()  # the register parser's worker process
        await self.database.dispose()


def register_rules(settings: Settings) -> RegisterRules:
    return RegisterRules.from_config(
        max_file_mb=settings.registers.max_file_mb,
        max_rows=settings.registers.max_rows,
        ceo_threshold=settings.registers.ceo_threshold,
        timezone=settings.schedule.timezone,
        cutoff=settings.schedule.cutoff,
        holidays=settings.schedule.holidays,
        workdays=settings.schedule.workdays,
    )


def approval_rules(settings: Settings) -> ApprovalRules:
    registers = settings.registers
    policy = RoutePolicy(
        ceo_threshold=registers.ceo_threshold,
        default=parse_route(registers.route),
        overrides={dc: parse_route(stages) for dc, stages in registers.routes.items()},
    )
    cutoff = register_rules(settings).cutoff
    return ApprovalRules(policy, cutoff, registers.page_size, register_mirror(settings))


def register_mirror(settings: Settings) -> RegisterMirror | None:
    """The Bitrix24 mirror of registers, when Bitrix24 and its smart process are set."""
    section = settings.bitrix24.registers
    if settings.bitrix24.webhook_url is None or section.entity_type_id is None:
        return None
    return RegisterMirror(
        MirrorSettings(
            entity_type_id=section.entity_type_id,
            id_field=section.id_field,
            register_field=section.register_field,
            register_stages=dict(section.register_stages),
            item_stages=dict(section.item_stages),
            inn_field=section.inn_field,
            payment_date_field=section.payment_date_field,
        )
    )
