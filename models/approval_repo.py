"""The register approval in SQL: load a register with its items and current decisions
(row-locked on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), write back only
what changed, and answer who decides where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    not_,
    or_,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from domain.org_model import Substitute
from domain.register_approval import (
    Decision,
    Item,
    ItemStatus,
    RegisterApproval,
    RegisterStatus,
)
from domain.register_route import HOME_CURRENCY, Stage
from domain.roles import Role
from models.approval_tables import RegisterCard, RegisterDecision
from models.org_repo import SqlOrgRepository
from models.register_tables import Register, RegisterItem
from models.tables import (
    City,
    DcAccountant,
    DealerCenter,
    Department,
    Person,
    Substitution,
)
from services.approval_ports import (
    CardItem,
    CardMessage,
    CardScope,
    CardTally,
    ItemRecord,
    RegisterContext,
    RegisterRecord,
)
from services.ports import PersonView

# Aliases of ``person`` for the joins below, built once: making them costs more than
# running the query they appear in.
_BY, _BEHALF = aliased(Person, name="by"), aliased(Person, name="behalf")
_DC_DIRECTOR, _DEPT_DIRECTOR = aliased(Person, name="dcd"), aliased(Person, name="dd")
_UPLOADER = aliased(Person, name="up")
_ABSENT, _SUBSTITUTE = aliased(Person, name="p"), aliased(Person, name="s")
_UNDECIDED: tuple[None, None, None, None] = (None, None, None, None)
_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class _Snapshot:
    status: str
    stage: str | None
    route: str | None
    round: int
    version: int
    items: dict[int, ItemRecord]


class SqlApprovalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._org = SqlOrgRepository(session)
        self._snapshots: dict[int, _Snapshot] = {}
        self._person_ids: dict[str, int] = {}

    # --- the aggregate -------------------------------------------------------------------

    async def load(
        self, register_id: int, *, lock: bool, item_ids: Sequence[int] | None = None
    ) -> RegisterRecord | None:
        query = (
            select(Register, DealerCenter.code)
            .join(DealerCenter, col(DealerCenter.id) == Register.dc_id)
            .where(col(Register.id) == register_id)
        )
        if lock:
            query = query.with_for_update(of=Register)
        row = (await self._session.execute(query)).first()
        if row is None:
            return None
        register, dc_code = row
        route = _route(register.route)
        stage = Stage(register.stage) if register.stage else None
        items = await self._items(register_id, register.round, stage, item_ids)
        self._snapshots[register_id] = _Snapshot(
            register.status, register.stage, register.route, register.round, register.version,
            {i.id: i for i in items},
        )  # fmt: skip
        return RegisterRecord(
            id=register_id,
            status=RegisterStatus(register.status),
            stage=stage,
            route=route,
            round=register.round,
            version=register.version,
            dc_code=dc_code,
            items=tuple(items),
        )

    async def _items(
        self, register_id: int, round_: int, stage: Stage | None, ids: Sequence[int] | None
    ) -> list[ItemRecord]:
        if ids is not None and stage is not None:
            return await self._few_items(register_id, round_, stage, ids)
        decided = await self._decisions(register_id, round_, stage, ids)
        query = (
            sa_select(
                col(RegisterItem.id), col(RegisterItem.position), col(RegisterItem.amount),
                col(RegisterItem.currency), col(RegisterItem.status),
                col(RegisterItem.over_threshold),
            )
            .where(col(RegisterItem.register_id) == register_id)
            .order_by(col(RegisterItem.position))
        )  # fmt: skip
        if ids is not None:
            query = query.where(col(RegisterItem.id).in_(ids))
        rows = await self._session.execute(query)
        records = []
        for item_id, position, amount, currency, status, over in rows.tuples():
            assert item_id is not None
            decided_as = decided.get(item_id) or _UNDECIDED
            records.append(ItemRecord(item_id, position, amount, currency, ItemStatus(status),
                                      over, *decided_as))  # fmt: skip
        return records

    async def _few_items(
        self, register_id: int, round_: int, stage: Stage, ids: Sequence[int]
    ) -> list[ItemRecord]:
        """The few items a tap touches with their decisions at ``stage`` in one query (at a
        stage an item has at most one decision: the unique key)."""
        by, behalf = _BY, _BEHALF
        query = (
            sa_select(
                col(RegisterItem.id), col(RegisterItem.position), col(RegisterItem.amount),
                col(RegisterItem.currency), col(RegisterItem.status),
                col(RegisterItem.over_threshold), col(RegisterDecision.decision),
                col(by.code), col(RegisterDecision.reason), col(behalf.code),
            )
            .outerjoin(RegisterDecision, and_(
                col(RegisterDecision.register_id) == register_id,
                col(RegisterDecision.item_id) == RegisterItem.id,
                col(RegisterDecision.round) == round_,
                col(RegisterDecision.stage) == stage.value))
            .outerjoin(by, col(by.id) == RegisterDecision.decided_by_id)
            .outerjoin(behalf, col(behalf.id) == RegisterDecision.on_behalf_of_id)
            .where(col(RegisterItem.register_id) == register_id,
                   col(RegisterItem.id).in_(ids))
            .order_by(col(RegisterItem.position))
        )  # fmt: skip
        records = []
        for row in (await self._session.execute(query)).tuples():
            item_id, position, amount, currency, status, over, *decision_columns = row
            assert item_id is not None
            decided_as = _joined_decision(decision_columns) or _UNDECIDED
            records.append(ItemRecord(item_id, position, amount, currency, ItemStatus(status),
                                      over, *decided_as))  # fmt: skip
        return records

    async def _decisions(
        self, register_id: int, round_: int, stage: Stage | None, ids: Sequence[int] | None
    ) -> dict[int, tuple[Decision, str, str | None, str | None]]:
        """Decisions of the round at ``stage``; with no stage, each item's latest one (of
        ``ids`` only, when given)."""
        by, behalf = _BY, _BEHALF
        query = (
            sa_select(
                col(RegisterDecision.item_id), col(RegisterDecision.decision), col(by.code),
                col(RegisterDecision.reason), col(behalf.code),
            )
            .join(by, col(by.id) == RegisterDecision.decided_by_id)
            .outerjoin(behalf, col(behalf.id) == RegisterDecision.on_behalf_of_id)
            .where(col(RegisterDecision.register_id) == register_id,
                   col(RegisterDecision.round) == round_)
            .order_by(col(RegisterDecision.decided_at), col(RegisterDecision.id))
        )  # fmt: skip
        if stage is not None:
            query = query.where(col(RegisterDecision.stage) == stage.value)
        if ids is not None:
            query = query.where(col(RegisterDecision.item_id).in_(ids))
        found: dict[int, tuple[Decision, str, str | None, str | None]] = {}
        for item_id, decision, decided_by, reason, on_behalf in (
            await self._session.execute(query)
        ).tuples():
            found[item_id] = (Decision(decision), decided_by, reason, on_behalf)
        return found

    async def save(self, approval: RegisterApproval, now: datetime) -> None:
        before = self._snapshots[approval.id]
        route = ",".join(approval.route)
        stage = approval.stage.value if approval.stage else None
        await self._session.execute(
            update(Register)
            .where(col(Register.id) == approval.id)
            .values(status=approval.status.value, stage=stage, route=route,
                    round=approval.round, version=approval.version, updated_at=now)
        )  # fmt: skip
        # One statement per new status and one DELETE + one INSERT for all changed
        # decisions: «Одобрить все оставшиеся» or a send-on touches hundreds of items.
        moved: dict[ItemStatus, list[int]] = {}
        for item in approval.items:
            if item.status is not before.items[item.id].status:
                moved.setdefault(item.status, []).append(item.id)
        for status, ids in moved.items():
            await self._session.execute(
                update(RegisterItem)
                .where(col(RegisterItem.id).in_(ids))
                .values(status=status.value)
            )
        # Decisions belong to one stage of one round; a move that changes the stage
        # (send-on, return, resubmit) records no decision of its own.
        if before.stage == stage and before.round == approval.round and stage is not None:
            await self._save_decisions(approval, before, now)

    async def _save_decisions(
        self, approval: RegisterApproval, before: _Snapshot, now: datetime
    ) -> None:
        assert approval.stage is not None
        changed = [i for i in approval.items if _decided(i) != _decided(before.items[i.id])]
        if not changed:
            return
        # Only items that had a decision have a row to replace: the snapshot was read
        # under the register's lock, so it is what the table holds (a tap's first
        # decision, the usual case, skips the DELETE).
        replaced = [i.id for i in changed if before.items[i.id].decision is not None]
        if replaced:
            await self._session.execute(
                delete(RegisterDecision).where(
                    col(RegisterDecision.item_id).in_(replaced),
                    col(RegisterDecision.round) == approval.round,
                    col(RegisterDecision.stage) == approval.stage.value,
                )
            )
        rows = [
            {
                "register_id": approval.id,
                "item_id": item.id,
                "round": approval.round,
                "stage": approval.stage.value,
                "decision": item.decision.value,
                "reason": item.reason,
                "decided_by_id": await self._person_id(item.decided_by),
                "on_behalf_of_id": (
                    await self._person_id(item.on_behalf_of) if item.on_behalf_of else None
                ),
                "decided_at": now,
            }
            for item in changed
            if item.decision is not None and item.decided_by is not None
        ]
        if rows:
            await self._session.execute(insert(RegisterDecision), rows)

    def know_person(self, person: PersonView) -> None:
        self._person_ids[person.code] = person.id

    async def _person_id(self, code: str) -> int:
        if code not in self._person_ids:
            found = await self._session.scalar(
                select(col(Person.id)).where(col(Person.code) == code)
            )
            assert found is not None, f"unknown person {code}"
            self._person_ids[code] = found
        return self._person_ids[code]

    # --- who is around -------------------------------------------------------------------

    async def context(self, register_id: int) -> RegisterContext:
        dc_director, dept_director, uploader = _DC_DIRECTOR, _DEPT_DIRECTOR, _UPLOADER
        row = (
            await self._session.execute(
                sa_select(
                    col(Register.dc_id), col(DealerCenter.code), col(DealerCenter.name),
                    col(City.name), col(City.timezone), col(dc_director.code),
                    col(dept_director.code), col(uploader.code), col(Register.payment_date),
                )
                .join(DealerCenter, col(DealerCenter.id) == Register.dc_id)
                .join(City, col(City.id) == DealerCenter.city_id)
                .join(Department, col(Department.id) == DealerCenter.department_id)
                .outerjoin(dc_director, col(dc_director.id) == DealerCenter.director_id)
                .outerjoin(dept_director, col(dept_director.id) == Department.director_id)
                .join(uploader, col(uploader.id) == Register.uploaded_by_id)
                .where(col(Register.id) == register_id)
            )
        ).one()  # fmt: skip
        dc_id, dc_code, dc_name, city, zone, director, dept_head, uploaded_by, day = row
        accountants = await self._session.scalars(
            select(col(Person.code))
            .join(DcAccountant, col(DcAccountant.person_id) == Person.id)
            .where(col(DcAccountant.dc_id) == dc_id, col(Person.active).is_(True))
            .order_by(col(Person.code))
        )
        return RegisterContext(
            register_id=register_id, dc_id=dc_id, dc_code=dc_code, dc_name=dc_name, city=city,
            dc_timezone=zone, dc_director=director, department_director=dept_head,
            uploaded_by=uploaded_by, payment_date=day, accountants=tuple(accountants),
        )  # fmt: skip

    async def holders(self, stage: Stage, context: RegisterContext) -> Sequence[str]:
        if stage is Stage.DC_DIRECTOR:
            return [context.dc_director] if context.dc_director else []
        if stage is Stage.DEPARTMENT_DIRECTOR:
            return [context.department_director] if context.department_director else []
        return [p.code for p in await self._org.people_with_role(Role(stage.value))]

    async def substitutes(self, day: date) -> Sequence[Substitute]:
        person, substitute = _ABSENT, _SUBSTITUTE
        rows = await self._session.execute(
            select(col(person.code), col(substitute.code), col(Substitution.date_from),
                   col(Substitution.date_to))
            .join(person, col(person.id) == Substitution.person_id)
            .join(substitute, col(substitute.id) == Substitution.substitute_id)
            .where(col(Substitution.date_from) <= day, col(Substitution.date_to) >= day)
        )  # fmt: skip
        return [Substitute(*row) for row in rows.tuples()]

    async def people(self, codes: Sequence[str]) -> Sequence[PersonView]:
        return await self._org.people_by_codes(codes)

    async def timezone_of(self, person_id: int) -> str | None:
        """The zone of the DCs a person directs or keeps the books of, or of their home
        DC, or of their department's DCs when those share one zone."""
        zones = set(
            await self._session.scalars(
                select(col(City.timezone))
                .join(DealerCenter, col(DealerCenter.city_id) == City.id)
                .outerjoin(DcAccountant, col(DcAccountant.dc_id) == DealerCenter.id)
                .outerjoin(Department, col(Department.id) == DealerCenter.department_id)
                .where(
                    (col(DealerCenter.director_id) == person_id)
                    | (col(DcAccountant.person_id) == person_id)
                    | (col(Department.director_id) == person_id)
                    | (col(DealerCenter.id).in_(
                        select(col(Person.home_dc_id)).where(col(Person.id) == person_id)))
                )
                .distinct()
            )
        )  # fmt: skip
        return zones.pop() if len(zones) == 1 else None

    async def candidate_registers(self, person_code: str) -> Sequence[int]:
        """Registers in approval whose current stage this person might decide (the use case
        checks each precisely, substitutes included)."""
        query = (
            select(col(Register.id))
            .where(col(Register.status) == RegisterStatus.IN_APPROVAL.value)
            .order_by(col(Register.payment_date), col(Register.id))
        )
        return list(await self._session.scalars(query))

    # --- cards -----------------------------------------------------------------------------

    async def card_items(
        self,
        register_id: int,
        round_: int,
        stage: Stage | None,
        item_ids: Sequence[int] | None = None,
    ) -> Sequence[CardItem]:
        query = sa_select(*_CARD_COLUMNS).where(col(RegisterItem.register_id) == register_id)
        if item_ids is not None:
            query = query.where(col(RegisterItem.id).in_(item_ids))
        return await self._card_lines(query, register_id, round_, stage)

    async def card_page(
        self, scope: CardScope, *, at_stage_only: bool, offset: int, limit: int
    ) -> Sequence[CardItem]:
        query = sa_select(*_CARD_COLUMNS).where(col(RegisterItem.register_id) == scope.register_id)
        if at_stage_only:
            query = query.where(_at_stage(scope))
        query = query.order_by(col(RegisterItem.position)).offset(offset).limit(limit)
        if scope.stage is None:
            return await self._card_lines(query, scope.register_id, scope.round, None)
        return await self._page_with_decisions(query, scope.register_id, scope.round, scope.stage)

    async def _card_lines(
        self, query: Select[Any], register_id: int, round_: int, stage: Stage | None
    ) -> list[CardItem]:
        # Plain rows, not ORM objects: building an entity per item cost more than the query.
        rows = (await self._session.execute(query.order_by(col(RegisterItem.position)))).all()
        decided = await self._decisions(register_id, round_, stage, [row[0] for row in rows])
        return [_card_item(row, decided.get(row[0])) for row in rows]

    async def _page_with_decisions(
        self, page_query: Select[Any], register_id: int, round_: int, stage: Stage
    ) -> list[CardItem]:
        """A page of card lines with their decisions at ``stage`` in one query: at a stage
        an item has at most one (the unique key). The page is cut first, in a subquery,
        and only its few items are joined: joined before the LIMIT, PostgreSQL (estimating
        one item where there were 410) looped over every item of the register for every
        decision, 5 ms and growing with each tap."""
        page = page_query.subquery("page")
        by, behalf = _BY, _BEHALF
        query = (
            sa_select(*page.c, col(RegisterDecision.decision), col(by.code),
                      col(RegisterDecision.reason), col(behalf.code))
            .select_from(page)
            .outerjoin(RegisterDecision, and_(
                col(RegisterDecision.register_id) == register_id,  # never other registers'
                col(RegisterDecision.item_id) == page.c.id,
                col(RegisterDecision.round) == round_,
                col(RegisterDecision.stage) == stage.value))
            .outerjoin(by, col(by.id) == RegisterDecision.decided_by_id)
            .outerjoin(behalf, col(behalf.id) == RegisterDecision.on_behalf_of_id)
            .order_by(page.c.position)
        )  # fmt: skip
        width = len(_CARD_COLUMNS)
        return [
            _card_item(row[:width], _joined_decision(row[width:]))
            for row in (await self._session.execute(query)).all()
        ]

    async def card_tally(self, scope: CardScope) -> CardTally:
        """The header figures in one aggregate query: counting hundreds of items in SQL
        costs less than loading them for every tap. «Undecided» asks, per item at the
        stage, for its decision by the unique (item, round, stage) key: an outer join here
        let PostgreSQL, on fresh statistics, rescan the decisions once per item."""
        at_stage, rub = _at_stage(scope), col(RegisterItem.currency) == HOME_CURRENCY
        decided = (
            sa_select(literal(1))
            .where(
                col(RegisterDecision.item_id) == RegisterItem.id,
                col(RegisterDecision.round) == scope.round,
                col(RegisterDecision.stage) == (scope.stage.value if scope.stage else None),
            )
            .exists()
        )
        row = (
            await self._session.execute(
                sa_select(
                    func.count(),
                    func.sum(case((rub, col(RegisterItem.amount)))),
                    func.sum(case((at_stage, 1), else_=0)),
                    func.sum(case((and_(at_stage, rub), col(RegisterItem.amount)))),
                    func.sum(case((and_(at_stage, not_(decided)), 1), else_=0)),
                ).where(col(RegisterItem.register_id) == scope.register_id)
            )
        ).one()
        count, total, at_count, at_total, open_count = row
        return CardTally(count, total or _ZERO, at_count or 0, at_total or _ZERO, open_count or 0)

    async def card_message(self, register_id: int, person_id: int) -> CardMessage | None:
        row = await self._session.get(RegisterCard, (register_id, person_id))
        return _card_message(row) if row else None

    async def card_messages(self, register_id: int) -> Sequence[CardMessage]:
        rows = await self._session.scalars(
            select(RegisterCard).where(col(RegisterCard.register_id) == register_id)
        )
        return [_card_message(row) for row in rows]

    async def remember_card(self, card: CardMessage, now: datetime) -> None:
        row = await self._session.get(RegisterCard, (card.register_id, card.person_id))
        if row is None:
            row = RegisterCard(
                register_id=card.register_id,
                person_id=card.person_id,
                chat_id=card.chat_id,
                message_id=card.message_id,
                updated_at=now,
            )
        else:
            row.chat_id, row.message_id, row.updated_at = card.chat_id, card.message_id, now
        self._session.add(row)
        await self._session.flush()


def _at_stage(scope: CardScope) -> ColumnElement[bool]:
    """Alive items of the kinds the scope's stage decides (see `CardScope`)."""
    goes_to_ceo = or_(
        col(RegisterItem.over_threshold).is_(True), col(RegisterItem.currency) != HOME_CURRENCY
    )
    kinds = [kind for kind, on in ((not_(goes_to_ceo), scope.regular), (goes_to_ceo, scope.large))
             if on]  # fmt: skip
    if scope.stage is None or not kinds:
        return false()
    return and_(col(RegisterItem.status) == ItemStatus.PENDING.value, or_(*kinds))


def _decided(item: Item | ItemRecord) -> tuple[object, ...]:
    return (item.decision, item.decided_by, item.reason, item.on_behalf_of)


def _route(text: str | None) -> tuple[Stage, ...] | None:
    return tuple(Stage(name) for name in text.split(",")) if text else None


_CARD_COLUMNS = tuple(
    col(getattr(RegisterItem, name))
    for name in (
        "id", "position", "counterparty", "inn", "amount", "currency", "purpose", "urgent",
        "over_threshold", "duplicate_note", "status", "invoice_number", "invoice_date",
        "category", "due_date", "comment",
    )
)  # fmt: skip


def _card_item(
    row: Sequence[Any], decided: tuple[Decision, str, str | None, str | None] | None
) -> CardItem:
    """A card line from a row of ``_CARD_COLUMNS`` (unpacked: attribute access on a row
    costs more than building the item)."""
    (item_id, position, counterparty, inn, amount, currency, purpose, urgent, over, note,
     status, invoice_number, invoice_date, category, due_date, comment) = row  # fmt: skip
    decision, decided_by, reason, _behalf = decided or _UNDECIDED
    return CardItem(
        id=item_id, position=position, counterparty=counterparty, inn=inn, amount=amount,
        currency=currency, purpose=purpose, urgent=urgent, over_threshold=over,
        duplicate_note=note, status=ItemStatus(status), decision=decision,
        decided_by=decided_by, reason=reason, invoice_number=invoice_number,
        invoice_date=invoice_date, category=category, due_date=due_date, comment=comment,
    )  # fmt: skip


def _joined_decision(
    columns: Sequence[Any],
) -> tuple[Decision, str, str | None, str | None] | None:
    decision, decided_by, reason, on_behalf = columns
    return None if decision is None else (Decision(decision), decided_by, reason, on_behalf)


def _card_message(row: RegisterCard) -> CardMessage:
    return CardMessage(row.register_id, row.person_id, row.chat_id, row.message_id)
