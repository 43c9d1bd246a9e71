"""Shared machinery of the approval use cases: load a register under lock, decide who the
actor acts as, record events in the audit log, build the actor's card, and address the
people to tell afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from domain.calendar import CutoffPolicy
from domain.errors import N_
from domain.org_model import Substitute
from domain.register_approval import RegisterApproval, RegisterStatus
from domain.register_route import (
    ActingAs,
    RoutePolicy,
    decides_items,
    resolve_actor,
)
from domain.roles import Role
from services.approval_ports import (
    ApprovalUnitOfWork,
    ApprovalUowFactory,
    Card,
    CardScope,
    Notice,
    RegisterContext,
)
from services.approvals.records import audit_entry, build_approval
from services.errors import NOT_THE_ACCOUNTANT, NotAllowed
from services.ports import Clock, PersonView
from services.register_mirror import RegisterMirror
from services.registers.model import RegisterNotFound

OVERSEERS = frozenset(
    {Role.CHIEF_ACCOUNTANT, Role.FINANCE_DIRECTOR, Role.GENERAL_DIRECTOR, Role.TREASURER}
)


@dataclass(frozen=True)
class ApprovalRules:
    """The route policy, the cutoff policy and the card's page size (5–8 per PRODUCT §3).

    ``mirror``: set only when Bitrix24 is configured; then every move also queues its
    Bitrix24 mirror messages (``services.register_mirror``) in its own transaction.
    """

    route: RoutePolicy
    cutoff: CutoffPolicy
    page_size: int = 6
    mirror: RegisterMirror | None = None


class CutoffPassed(NotAllowed):
    """The register's payment-date cutoff has passed: decisions are closed."""


@dataclass
class Loaded:
    """A register loaded inside a unit of work, with its surroundings."""

    approval: RegisterApproval
    context: RegisterContext
    acting: ActingAs | None


class ApprovalUseCase:
    def __init__(self, uow: ApprovalUowFactory, clock: Clock, rules: ApprovalRules) -> None:
        self._uow, self._clock, self._rules = uow, clock, rules

    # --- loading and rights ------------------------------------------------------------

    async def _load(
        self,
        uow: ApprovalUnitOfWork,
        register_id: int,
        actor: PersonView,
        *,
        lock: bool,
        item_ids: list[int] | None = None,
        subs: Sequence[Substitute] | None = None,
    ) -> Loaded:
        """The register with all its items, or only ``item_ids`` for a move on those
        alone (the card never reads the aggregate's items: it asks the database).
        ``subs``: today's absences, when the caller already read them (several registers)."""
        record = await uow.approvals.load(register_id, lock=lock, item_ids=item_ids)
        if record is None:
            raise RegisterNotFound()
        uow.approvals.know_person(actor)  # the decisions' author, without a lookup
        approval = build_approval(record, self._rules.route)
        context = await uow.approvals.context(register_id)
        acting = await self._acting(uow, approval, context, actor, subs)
        return Loaded(approval, context, acting)

    async def _acting(
        self,
        uow: ApprovalUnitOfWork,
        approval: RegisterApproval,
        context: RegisterContext,
        actor: PersonView,
        subs: Sequence[Substitute] | None = None,
    ) -> ActingAs | None:
        stage = approval.stage
        if stage is None or approval.status is not RegisterStatus.IN_APPROVAL or not actor.active:
            return None
        holders = await uow.approvals.holders(stage, context)
        today = self._today()
        if subs is None:
            subs = await uow.approvals.substitutes(today)
        return resolve_actor(actor.code, holders, subs, today)

    def _may_view(self, loaded: Loaded, actor: PersonView) -> bool:
        context = loaded.context
        directors = {context.dc_director, context.department_director}
        return (
            loaded.acting is not None
            or actor.code in directors
            or context.kept_by(actor.code)
            or bool(actor.roles & OVERSEERS)
        )

    def _require_view(self, loaded: Loaded, actor: PersonView) -> None:
        if not actor.active or not self._may_view(loaded, actor):
            raise NotAllowed(
                N_("Реестр №{number} — дилерского центра «{dc}»; он не на вашем согласовании."),
                number=loaded.approval.id, dc=loaded.context.dc_name,
            )  # fmt: skip

    def _require_acting(self, loaded: Loaded, actor: PersonView) -> ActingAs:
        self._require_view(loaded, actor)
        approval = loaded.approval
        if approval.status is RegisterStatus.IN_APPROVAL and self._cutoff_passed(loaded):
            raise CutoffPassed(N_("Срок согласования прошёл: решения по этому реестру закрыты."))
        if loaded.acting is None:
            approval.ensure_open()
            raise _why_not_yours(loaded, actor)
        return loaded.acting

    def _require_accountant(
        self,
        loaded: Loaded,
        actor: PersonView,
        late: str | None = N_("Срок согласования прошёл: изменить реестр уже нельзя."),
    ) -> None:
        """Only an accountant of the register's DC; before the cutoff unless ``late`` is
        None (the caller then checks the time itself)."""
        context = loaded.context
        if not actor.active or not context.kept_by(actor.code):
            raise NotAllowed(NOT_THE_ACCOUNTANT, number=loaded.approval.id, dc=context.dc_name)
        if late is not None and self._cutoff_passed(loaded):
            raise CutoffPassed(late)

    # --- time ----------------------------------------------------------------------------

    def _today(self) -> date:
        now = self._clock.now()
        return now.astimezone(self._rules.cutoff.head_office_tz).date()

    def cutoff_at(self, context: RegisterContext) -> datetime:
        return self._rules.cutoff.cutoff_moment(context.payment_date)

    def _cutoff_passed(self, loaded: Loaded) -> bool:
        return self._clock.now() >= self.cutoff_at(loaded.context)

    # --- recording -----------------------------------------------------------------------

    async def _record(self, uow: ApprovalUnitOfWork, loaded: Loaded, actor: PersonView) -> None:
        """Store the aggregate and one audit entry per domain event, in this transaction;
        with Bitrix24 configured, also the outbox messages that mirror the same events."""
        now = self._clock.now()
        await uow.approvals.save(loaded.approval, now)
        register_id = loaded.approval.id
        await uow.audit.append_many(
            [audit_entry(register_id, e) for e in loaded.approval.events], now
        )
        if self._rules.mirror is not None:
            await self._rules.mirror.record(uow, loaded.approval, loaded.context, now)

    # --- the card --------------------------------------------------------------------------

    async def _card(
        self, uow: ApprovalUnitOfWork, loaded: Loaded, viewer: PersonView, page: int
    ) -> Card:
        """The viewer's card: header figures counted by the database and one page of items:
        the stage's items while in approval, all of them afterwards, and all of them for the
        register's accountant, who follows the whole register and may withdraw any payment
        still alive or approved (not only those the current stage decides)."""
        approval, context = loaded.approval, loaded.context
        scope = self._scope(approval)
        tally = await uow.approvals.card_tally(scope)
        accountant = loaded.acting is None and context.kept_by(viewer.code)
        at_stage = approval.status is RegisterStatus.IN_APPROVAL and not accountant
        size = self._rules.page_size
        pages = max(1, -(-(tally.at_stage_count if at_stage else tally.item_count) // size))
        page = min(max(page, 0), pages - 1)
        items = await uow.approvals.card_page(
            scope, at_stage_only=at_stage, offset=page * size, limit=size
        )
        zone = await uow.approvals.timezone_of(viewer.id) or self._rules.cutoff.head_office_tz.key
        behalf = loaded.acting.on_behalf_of if loaded.acting else None
        if behalf is not None:  # a substitute's card names whom they decide for
            behalf = next((p.full_name for p in await uow.approvals.people([behalf])), behalf)
        return Card(
            register_id=approval.id,
            version=approval.version,
            status=approval.status,
            stage=approval.stage,
            context=context,
            item_count=tally.item_count,
            total=tally.total,
            at_stage_count=tally.at_stage_count,
            at_stage_total=tally.at_stage_total,
            undecided=tally.undecided,
            foreign_count=tally.foreign_count,
            page=page,
            pages=pages,
            items=tuple(items),
            cutoff_at=self.cutoff_at(context),
            viewer_timezone=zone,
            office_timezone=self._rules.cutoff.head_office_tz.key,
            round=approval.round,
            can_decide=loaded.acting is not None and not self._cutoff_passed(loaded),
            acting_for=behalf,
            as_of=self._clock.now(),
        )

    @staticmethod
    def _scope(approval: RegisterApproval) -> CardScope:
        """The items the register's current stage decides, for the database to count."""
        regular, large = decides_items(approval.route, approval.stage)
        return CardScope(approval.id, approval.round, approval.stage, regular, large)

    async def _notify_stage(
        self, uow: ApprovalUnitOfWork, loaded: Loaded, skip: PersonView | None = None
    ) -> list[Notice]:
        """Cards for everyone who decides at the register's (new) current stage: holders
        who are present, and the substitutes of those who are away."""
        stage = loaded.approval.stage
        if stage is None:
            return []
        holders = list(await uow.approvals.holders(stage, loaded.context))
        today = self._today()
        subs = await uow.approvals.substitutes(today)
        candidates = {*holders, *(s.substitute for s in subs if s.person in holders)}
        people = await uow.approvals.people(sorted(candidates))
        return [
            Notice("card", person, loaded.approval.id, context=loaded.context)
            for person in people
            if person.active
            and resolve_actor(person.code, holders, subs, today) is not None
            and (skip is None or person.id != skip.id)
        ]

    async def _notify_people(
        self, uow: ApprovalUnitOfWork, codes: set[str], notice: Notice
    ) -> list[Notice]:
        people = await uow.approvals.people(sorted(c for c in codes if c))
        return [replace(notice, person=p) for p in people if p.active]

    async def _notify_accountant(
        self, uow: ApprovalUnitOfWork, context: RegisterContext, notice: Notice
    ) -> list[Notice]:
        """The accountant who sent the register; if they are no longer active, the DC's
        active accountants, so that rejections and results always reach someone."""
        told = await self._notify_people(uow, {context.uploaded_by}, notice)
        return told or await self._notify_people(uow, set(context.accountants), notice)


def _why_not_yours(loaded: Loaded, actor: PersonView) -> NotAllowed:
    """Why a viewer may not decide: «ушёл дальше» only when this round passed a stage that is
    theirs by position (a stale card's tap; who decided it would take a query)."""
    approval = loaded.approval
    assert approval.stage is not None
    passed = approval.route[: approval.route.index(approval.stage)]
    if any(loaded.context.held_by(stage, actor) for stage in passed):
        return NotAllowed(
            N_("Реестр ушёл дальше: решение на этом этапе принимает другой человек.")
        )
    return NotAllowed(
        N_("Решение на этапе «{stage}» принимает другой человек."),
        stage=approval.stage.role.title_text,
    )
