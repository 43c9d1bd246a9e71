"""What an approver reads: a register's card, one item's details, the list of registers
waiting for them; and where their card message is, to edit it in place later."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.errors import N_
from domain.org_model import Substitute
from domain.register_route import resolve_actor
from domain.roles import Role
from services.approval_ports import Card, CardItem, CardMessage, WaitingRegister
from services.approvals.base import ApprovalUseCase
from services.errors import NotAllowed
from services.ports import PersonView


class OpenCard(ApprovalUseCase):
    """The card of a register for anyone who may see it; it offers decisions only to the
    approver (or substitute) of the current stage."""

    async def __call__(self, actor: PersonView, register_id: int, page: int = 0) -> Card:
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=False)
            self._require_view(loaded, actor)
            return await self._card(uow, loaded, actor, page)


class ItemDetails(ApprovalUseCase):
    async def __call__(self, actor: PersonView, register_id: int, item_id: int) -> CardItem:
        async with self._uow() as uow:
            loaded = await self._load(uow, register_id, actor, lock=False, item_ids=[item_id])
            self._require_view(loaded, actor)
            items = await uow.approvals.card_items(
                register_id, loaded.approval.round, loaded.approval.stage, [item_id]
            )
        found = items[0] if items else None
        if found is None:
            raise NotAllowed(N_("Такого платежа в реестре нет."))
        return found


class WaitingForMe(ApprovalUseCase):
    """Registers whose current stage waits for this person (as holder or substitute)."""

    async def __call__(self, actor: PersonView) -> list[WaitingRegister]:
        waiting: list[WaitingRegister] = []
        async with self._uow() as uow:
            subs = await uow.approvals.substitutes(self._today())
            codes = [actor.code, *_absent_for(actor, subs, self._today())]
            for register_id in await uow.approvals.candidate_registers(codes):
                # Who decides needs no items; the figures are counted by the database.
                loaded = await self._load(
                    uow, register_id, actor, lock=False, item_ids=[], subs=subs
                )
                if loaded.acting is None or self._cutoff_passed(loaded):
                    continue
                approval = loaded.approval
                assert approval.stage is not None
                tally = await uow.approvals.card_tally(self._scope(approval))
                waiting.append(
                    WaitingRegister(
                        register_id=register_id,
                        dc_name=loaded.context.dc_name,
                        payment_date=loaded.context.payment_date,
                        stage=approval.stage,
                        undecided=tally.undecided,
                        total=tally.at_stage_total,
                    )
                )
        return waiting

    async def stands_in_for(self, actor: PersonView) -> frozenset[Role]:
        """The roles of the active people ``actor`` stands in for today (their substitute
        while they are away, chains followed): whoever is anyone's substitute may find
        registers here even with no approver role of their own (PRODUCT §2)."""
        async with self._uow() as uow:
            subs = await uow.approvals.substitutes(self._today())
            absent = _absent_for(actor, subs, self._today())
            people = await uow.approvals.people(absent) if absent else []
        return frozenset(role for person in people if person.active for role in person.roles)


def _absent_for(actor: PersonView, subs: Sequence[Substitute], today: date) -> list[str]:
    """Whom ``actor`` stands in for today (chains of substitutes followed)."""
    return sorted(
        {s.person for s in subs
         if s.person != actor.code and resolve_actor(actor.code, [s.person], subs, today)}
    )  # fmt: skip


class RememberCard(ApprovalUseCase):
    """Where a person's card of a register now is (one card per register and person)."""

    async def __call__(self, card: CardMessage) -> None:
        async with self._uow() as uow:
            await uow.approvals.remember_card(card, self._clock.now())
            await uow.commit()

    async def where(self, register_id: int) -> list[CardMessage]:
        async with self._uow() as uow:
            return list(await uow.approvals.card_messages(register_id))

    async def of(self, register_id: int, person_id: int) -> CardMessage | None:
        async with self._uow() as uow:
            return await uow.approvals.card_message(register_id, person_id)
