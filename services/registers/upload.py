"""Upload a payment register by file (PRODUCT §3 «Upload»): the file is read off the bot's
process (`services.registers.parsers`) while its payments are stored, and a clean file
becomes a draft in one transaction; a file with errors stores nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from contextlib import AsyncExitStack

from domain.errors import N_
from formats.registers import RegisterFileError
from formats.registers.limits import check_file_size
from services.errors import NotAllowed
from services.ports import Clock, PersonView
from services.register_ports import DealerCenterRef, NewRegisterFile, RegisterUowFactory
from services.registers.model import (
    DraftReady,
    FileRefused,
    NeedDealerCenter,
    RegisterRules,
    Rejected,
    UploadOutcome,
)
from services.registers.parse_job import (
    Finished,
    Items,
    ParseJob,
    ReadClean,
    Refused,
    RowErrors,
)
from services.registers.parsers import ParseRun, RegisterParser, ThreadParser
from services.registers.storing import DraftStore


class UploadRegister:
    """An accountant sends a register file.

    Only a person who keeps the books of a DC may upload, and only for such a DC (``dc_id``,
    needed when they serve several). ``parser`` reads the file off the event loop (a worker
    process in the bot) and passes the payments on while it reads; a clean file becomes a
    draft (register, items, original file, audit entry) in one transaction, and a file
    with errors stores nothing.
    """

    def __init__(
        self,
        uow: RegisterUowFactory,
        clock: Clock,
        rules: RegisterRules,
        parser: RegisterParser | None = None,
    ) -> None:
        self._uow, self._clock, self._rules = uow, clock, rules
        self._parser = parser or ThreadParser()

    async def precheck(self, actor: PersonView, size: int | None) -> None:
        """Refuse early, before the file is downloaded: who may upload, and the size cap."""
        await self._served(actor)
        if size is not None and size > self._rules.limits.max_file_bytes:
            raise FileRefused(
                N_("Файл слишком большой: {size} МБ, предел — {limit} МБ."),
                size=_mb(size), limit=_mb(self._rules.limits.max_file_bytes),
            )  # fmt: skip

    async def __call__(
        self,
        actor: PersonView,
        filename: str,
        data: bytes,
        dc_id: int | None = None,
        *,
        telegram_file_id: str | None = None,
    ) -> UploadOutcome:
        served = await self._served(actor)
        dc = _pick(served, dc_id)
        try:
            check_file_size(data, self._rules.limits)
        except RegisterFileError as error:
            return _rejected(filename, (error.message,))
        upload = NewRegisterFile(
            filename, data, hashlib.sha256(data).hexdigest(), telegram_file_id
        )
        now = self._clock.now()
        rules = self._rules
        job = ParseJob(
            filename, data, rules.limits, now.astimezone(rules.cutoff.head_office_tz).date(),
            rules.ceo_threshold, stream=dc is not None,
        )  # fmt: skip
        store = DraftStore(self._uow, rules, actor, dc, upload, now) if dc is not None else None
        try:
            async with self._parser.run(job) as run, AsyncExitStack() as stack:
                if store is not None:
                    await store.open(stack)
                return await _follow(run, store, filename, served)
        except RegisterFileError as error:
            return _rejected(filename, (error.message,))

    async def _served(self, actor: PersonView) -> Sequence[DealerCenterRef]:
        async with self._uow() as uow:
            served = await uow.registers.dealer_centers_served_by(actor.id) if actor.active else ()
            if served:
                return served
            accountants = await uow.registers.accountants_for(actor.id)
        raise _who_can(accountants)


async def _follow(
    run: ParseRun, store: DraftStore | None, filename: str, served: Sequence[DealerCenterRef]
) -> UploadOutcome:
    """The parser's messages, in order, as they come (see `services.registers.parse_job`);
    returning without the store's commit rolls the draft back."""
    while True:
        message = await run.next()
        if isinstance(message, Items):
            if store is not None:
                await store.items(message)
        elif isinstance(message, ReadClean):
            if store is None:  # clean, but for which DC? Nothing is stored meanwhile.
                run.reply(None)
                return NeedDealerCenter(tuple(served))
            twin = await store.answer(run)
            if twin is not None:
                return DraftReady(twin)
        elif isinstance(message, Finished):
            assert store is not None
            return DraftReady(await store.finish(message))
        elif isinstance(message, Refused):
            return _rejected(filename, (message.message,))
        else:
            assert isinstance(message, RowErrors)
            return _rejected(filename, message.messages)


def _pick(served: Sequence[DealerCenterRef], dc_id: int | None) -> DealerCenterRef | None:
    if dc_id is not None:
        chosen = next((dc for dc in served if dc.id == dc_id), None)
        if chosen is None:
            raise NotAllowed(N_("Вы не ведёте учёт этого дилерского центра — выберите свой."))
        return chosen
    return served[0] if len(served) == 1 else None


def _who_can(accountants: Sequence[tuple[str, str]]) -> NotAllowed:
    by_person: dict[str, list[str]] = {}
    for name, dc in accountants:
        by_person.setdefault(name, []).append(dc)
    if not by_person:
        return NotAllowed(
            N_(
                "Реестры платежей загружают бухгалтеры дилерских центров. Вы не указаны "
                "бухгалтером ни одного ДЦ. Если это ошибка, обратитесь к администратору."
            )
        )
    names = "; ".join(f"{name} ({', '.join(dcs)})" for name, dcs in list(by_person.items())[:10])
    return NotAllowed(
        N_(
            "Реестры платежей загружают бухгалтеры дилерских центров. Вы не указаны "
            "бухгалтером ни одного ДЦ. Бухгалтеры ваших ДЦ: {names}. Если это ошибка, "
            "обратитесь к администратору."
        ),
        names=names,
    )


def _rejected(filename: str, errors: tuple[str, ...]) -> Rejected:
    return Rejected(filename, errors, rejection_report(filename, errors))


def rejection_report(filename: str, errors: Iterable[str]) -> str:
    """The plain-text report of a refused file (sent as a .txt when it is long)."""
    lines = list(errors)
    head = f"Реестр «{filename}» не принят. Ошибок: {len(lines)}."
    tail = "Исправьте файл и отправьте его снова: реестр с ошибками не сохраняется."
    return "\n".join([head, "", *lines, "", tail]) + "\n"


def _mb(size: int) -> str:
    text = f"{size / (1024 * 1024):.1f}".replace(".", ",")
    return text.removesuffix(",0")
