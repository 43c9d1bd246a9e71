"""✅ / ❌ on items, decided in batches: the taps one person makes on one register while an
earlier tap of theirs is being decided wait, and are then decided together in one
transaction (``services.batches``). A director tapping down a page fast (or two devices
at once) thus costs one lock of the register, one load, one audit append run and one card
per batch instead of per tap; a lone tap is decided at once. Each tap gets its own
answer: its decision, or the reason it was refused, as if decided alone in arrival order."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from domain.errors import DomainError
from domain.register_approval import Decision
from services.approval_ports import Card, Outcome
from services.approvals.base import ApprovalUseCase
from services.approvals.refusals import Seen, stale_card
from services.batches import Batches
from services.ports import PersonView


@dataclass(frozen=True)
class ItemTap:
    """One decision asked for: the item, the decision, its reason, and the card it came
    from (``screen``: an opaque key of the message, and the page it showed)."""

    item_id: int
    decision: Decision
    reason: str | None = None
    page: int = 0
    screen: Hashable = None
    seen: Seen | None = None  # the (round, stage) of the card tapped, when it says


TapResult = Outcome | DomainError


class DecideItems(ApprovalUseCase):
    """Several taps of one person on one register, in one transaction. A tap the domain
    refuses (decided by someone else, not at this stage, no reason) is answered with its
    error and the others go on; a refusal of the person (not theirs, moved on, cutoff
    passed) refuses them all. Each card shown is rendered once, on the page of the last
    tap made on it."""

    async def __call__(
        self, actor: PersonView, register_id: int, taps: Sequence[ItemTap]
    ) -> list[TapResult]:
        async with self._uow() as uow:
            ids = sorted({tap.item_id for tap in taps})
            loaded = await self._load(uow, register_id, actor, lock=True, item_ids=ids)
            acting = self._require_acting(loaded, actor)
            refusals: list[DomainError | None] = []
            for tap in taps:
                if stale := stale_card(loaded, tap.seen):
                    refusals.append(stale)
                    continue
                try:
                    loaded.approval.decide(tap.item_id, acting, tap.decision, tap.reason)
                    refusals.append(None)
                except DomainError as error:
                    refusals.append(error)
            if loaded.approval.events:
                await self._record(uow, loaded, actor)
            pages = {tap.screen: tap.page for tap in taps}  # the last tap's page wins
            cards: dict[Hashable, Card] = {}
            for screen, page in pages.items():
                cards[screen] = await self._card(uow, loaded, actor, page)
            await uow.commit()
        return [
            refusal or Outcome(cards[tap.screen])
            for tap, refusal in zip(taps, refusals, strict=True)
        ]


class DecideItem:
    """✅ / ❌ on one item (a rejection needs a reason), batched with the same person's
    other taps on the register that arrive while one is being decided (see the module
    docstring). Returns the card to show, or raises the refusal as a DomainError."""

    def __init__(self, decide_items: DecideItems) -> None:
        self._decide_items = decide_items
        self._batches: Batches[tuple[PersonView, int], ItemTap, Outcome] = Batches(self._serve)

    async def __call__(
        self,
        actor: PersonView,
        register_id: int,
        item_id: int,
        decision: Decision,
        *,
        reason: str | None = None,
        page: int = 0,
        screen: Hashable = None,
        seen: Seen | None = None,
    ) -> Outcome:
        tap = ItemTap(item_id, decision, reason, page, screen, seen)
        return await self._batches((actor, register_id), tap)

    async def _serve(
        self, key: tuple[PersonView, int], taps: list[ItemTap]
    ) -> Sequence[Outcome | Exception]:
        actor, register_id = key
        return await self._decide_items(actor, register_id, taps)
