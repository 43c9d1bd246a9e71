"""What the approval use cases need from storage, and what they hand to the Telegram side.

The SQL adapter is `models.approval_repo.SqlApprovalRepository` (``uow.approvals``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.org_model import Substitute
from domain.register_approval import Decision, ItemStatus, RegisterApproval, RegisterStatus
from domain.register_route import Stage
from services.outbox_ports import OutboxUnitOfWork
from services.ports import PersonView
from services.register_ports import RegisterUnitOfWork


@dataclass(frozen=True)
class RegisterContext:
    """Who is around a register: its DC, the people the DC-scoped stages go to, the
    uploader, and when its payment date's cutoff is."""

    register_id: int
    dc_id: int
    dc_code: str
    dc_name: str
    city: str
    dc_timezone: str
    dc_director: str | None
    department_director: str | None
    uploaded_by: str
    payment_date: date
    accountants: tuple[str, ...] = ()

    def kept_by(self, code: str) -> bool:
        """Whether the person ``code`` keeps this register's books: they sent it, or they
        are an (active) accountant of its DC."""
        return code == self.uploaded_by or code in self.accountants

    def held_by(self, stage: Stage, person: PersonView) -> bool:
        """Whether ``stage`` of this register is ``person``'s by position: they direct its
        DC or its department, or hold the stage's company role (absences aside)."""
        if stage is Stage.DC_DIRECTOR:
            return person.code == self.dc_director
        if stage is Stage.DEPARTMENT_DIRECTOR:
            return person.code == self.department_director
        return stage.role in person.roles


@dataclass(frozen=True)
class ItemRecord:
    """An item as stored, with its decision at the register's current round and stage."""

    id: int
    position: int
    amount: Decimal
    currency: str
    status: ItemStatus
    over_threshold: bool
    decision: Decision | None = None
    decided_by: str | None = None
    reason: str | None = None
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class RegisterRecord:
    """A register as stored; ``route`` is None until it is submitted."""

    id: int
    status: RegisterStatus
    stage: Stage | None
    route: tuple[Stage, ...] | None
    round: int
    version: int
    dc_code: str
    items: tuple[ItemRecord, ...]


@dataclass(frozen=True)
class CardItem:
    """One line of a review card."""

    id: int
    position: int
    counterparty: str
    inn: str
    amount: Decimal
    currency: str
    purpose: str
    urgent: bool
    over_threshold: bool
    duplicate_note: str | None
    status: ItemStatus
    decision: Decision | None
    decided_by: str | None
    reason: str | None
    invoice_number: str | None = None
    invoice_date: date | None = None
    category: str | None = None
    due_date: date | None = None
    comment: str | None = None


@dataclass(frozen=True)
class CardScope:
    """Which items of a register a card counts as «at the stage»: alive ones of the kinds
    ``stage`` decides (``regular``: items that do not go to the general director;
    ``large``: items that do), with their decisions of ``round`` at ``stage``. With no
    stage no item is at it, and each item shows its latest decision of the round."""

    register_id: int
    round: int
    stage: Stage | None
    regular: bool
    large: bool


@dataclass(frozen=True)
class CardTally:
    """A card's header figures, counted by the database (a register has hundreds of
    items; a tap shows one page of them)."""

    item_count: int
    total: Decimal
    at_stage_count: int
    at_stage_total: Decimal
    undecided: int
    foreign_count: int = 0  # items in another currency: counted, but in no rouble total


@dataclass(frozen=True)
class Card:
    """A register as one approver sees it now: header figures, one page of items, and what
    the buttons may offer. ``can_decide`` is False when the viewer is not the approver of
    the current stage (then the card is read-only)."""

    register_id: int
    version: int
    status: RegisterStatus
    stage: Stage | None
    context: RegisterContext
    item_count: int
    total: Decimal
    at_stage_count: int
    at_stage_total: Decimal
    undecided: int
    page: int
    pages: int
    items: tuple[CardItem, ...]
    cutoff_at: datetime
    viewer_timezone: str
    can_decide: bool
    acting_for: str | None = None  # the name of whom a substitute decides for
    note: str | None = None
    as_of: datetime | None = None  # when the card was read (the use case's clock)
    foreign_count: int = 0  # items in another currency, left out of the rouble totals
    office_timezone: str = "Europe/Moscow"  # the head office's: the cutoff is told in it
    round: int = 1  # which submission of the register the card shows (after returns: 2, …)


@dataclass(frozen=True)
class Notice:
    """Something to tell a person after a change (sent after the commit).

    ``kind``: «card» — the register now waits for ``person``: send them its card;
    «rejected» — items of the accountant's register were rejected (``items`` with reasons);
    «approved» — the accountant's register passed its route; «rejected_all» — its route
    ended with no payment approved; «returned» — it came back to
    the accountant (``reason``); «withdrawn» — the accountant pulled it or some items;
    «refresh» — every stored card of the register except ``person``'s is out of date.
    """

    kind: str
    person: PersonView
    register_id: int
    items: tuple[CardItem, ...] = ()
    reason: str | None = None
    context: RegisterContext | None = None


@dataclass(frozen=True)
class Outcome:
    """What a move did: the actor's refreshed card (if they have one) and who to tell."""

    card: Card | None
    notices: tuple[Notice, ...] = field(default_factory=tuple)
    message: str | None = None


@dataclass(frozen=True)
class CardMessage:
    """Where a person's card of a register is, to edit it in place."""

    register_id: int
    person_id: int
    chat_id: int
    message_id: int


@dataclass(frozen=True)
class WaitingRegister:
    """A register waiting for the person's decision (the «На согласовании» list)."""

    register_id: int
    dc_name: str
    payment_date: date
    stage: Stage
    undecided: int
    total: Decimal


class ApprovalRepository(Protocol):
    async def load(
        self, register_id: int, *, lock: bool, item_ids: Sequence[int] | None = None
    ) -> RegisterRecord | None:
        """The register and its items, or only ``item_ids`` of them for a move that
        touches just those (``lock``: hold the register's row until commit)."""
        ...

    async def save(self, approval: RegisterApproval, now: datetime) -> None:
        """Write what changed since ``load``: register fields, item statuses, decisions."""
        ...

    def know_person(self, person: PersonView) -> None:
        """``person``'s id for their code: ``save`` need not look up the actor's id."""
        ...

    async def context(self, register_id: int) -> RegisterContext: ...
    async def holders(self, stage: Stage, context: RegisterContext) -> Sequence[str]: ...
    async def substitutes(self, day: date) -> Sequence[Substitute]: ...
    async def card_items(
        self,
        register_id: int,
        round_: int,
        stage: Stage | None,
        item_ids: Sequence[int] | None = None,
    ) -> Sequence[CardItem]:
        """Card lines of the register's items (or of ``item_ids``), in position order."""
        ...

    async def card_tally(self, scope: CardScope) -> CardTally: ...
    async def card_page(
        self, scope: CardScope, *, at_stage_only: bool, offset: int, limit: int
    ) -> Sequence[CardItem]:
        """Card lines ``offset`` .. ``offset + limit`` of the register's items (or of its
        items at the stage), in position order."""
        ...

    async def people(self, codes: Sequence[str]) -> Sequence[PersonView]: ...
    async def timezone_of(self, person_id: int) -> str | None: ...
    async def candidate_registers(self, codes: Sequence[str]) -> Sequence[int]: ...
    async def card_message(self, register_id: int, person_id: int) -> CardMessage | None: ...
    async def card_messages(self, register_id: int) -> Sequence[CardMessage]: ...
    async def remember_card(self, card: CardMessage, now: datetime) -> None: ...


class ApprovalUnitOfWork(RegisterUnitOfWork, OutboxUnitOfWork, Protocol):
    """Also writes outbox messages: the Bitrix24 mirror of a move goes in its transaction."""

    @property
    def approvals(self) -> ApprovalRepository: ...


ApprovalUowFactory = Callable[[], ApprovalUnitOfWork]


class NoticeSender(Protocol):
    """Delivers notices after a use case committed (the Telegram side implements it)."""

    async def deliver(self, notices: Sequence[Notice]) -> None: ...
