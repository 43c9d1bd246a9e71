"""One tap on a register's review card, and what a move may do with it: answer the tap,
show the card (through the card editor), tell others, or wait for a typed reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from domain.register_route import Stage
from handlers import approval_keyboards as keyboards
from handlers import approval_views as views
from handlers.approval_dialogs import start_dialog
from handlers.card_editor import CardEditor
from services.approval_ports import Card, Notice, NoticeSender
from services.approvals import ApprovalCases
from services.ports import PersonView
from services.usecases import UseCases


@dataclass(frozen=True)
class Tap:
    """One tap on a card: who, on which register, item and page, and what to call."""

    query: CallbackQuery
    person: PersonView
    usecases: UseCases
    state: FSMContext
    notices: NoticeSender | None
    editor: CardEditor
    register_id: int
    item_id: int = 0
    page: int = 0
    version: int = 0
    seen: tuple[int, Stage] | None = None  # the (round, stage) the tapped card showed

    @property
    def cases(self) -> ApprovalCases:
        return self.usecases.approvals

    @property
    def screen(self) -> tuple[int, int] | None:
        """The card's chat and message: taps batched together share one render per card."""
        message = self.query.message
        return (message.chat.id, message.message_id) if message is not None else None

    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        await self.query.answer(views.alert(text) if text else None, show_alert=alert)

    async def show(self, card: Card | None) -> None:
        if card is None:
            card = await self.cases.open_card(self.person, self.register_id, self.page)
        await self.edit(*keyboards.screen(card, self.person), version=card.version)

    async def edit(
        self, text: str, markup: InlineKeyboardMarkup | None, *, version: int | None = None
    ) -> None:
        if isinstance(self.query.message, Message):
            await self.editor.edit(self.query.message, text, markup, version)

    async def tell(self, notices: Sequence[Notice]) -> None:
        if self.notices is not None and notices:
            await self.notices.deliver(notices)

    async def wait_for_text(self, dialog: State, **extra: int) -> None:
        """The next message of this person is the text ``dialog`` asks for."""
        assert dialog.state is not None
        message, register_id, page = self.query.message, self.register_id, self.page
        await start_dialog(self.state, dialog.state, message, register_id, page, **extra)
