"""Memos through the use cases on SQLite and PostgreSQL: gap-free numbering under
concurrent submits, the final approver of every path, the add-approver limits, rejection,
return -> edit -> resubmit rounds, repeated and stale taps, and the PDF of the history."""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import func, select

from domain.errors import DomainError
from domain.memo import ApproverRefused, MemoStatus, NotYourTurn, ReasonRequired, StepStatus
from domain.org import load_org_toml
from models.memo_tables import MemoRow
from models.tables import AuditLog
from services.errors import NotAllowed
from services.linking import IdentifyUser
from services.memos import MemoCases, MemoRules, ThreadRenderer
from services.memos.ports import KeptAttachment, MemoDraft, MemoOutcome, NewAttachment
from services.org_admin import ImportOrg, VerifyAuditChain
from services.ports import PersonView
from tests.conftest import FIXTURES
from tests.unit.memo.pdf_helpers import pdf_text

EGOROV, IVANOVA, SIDOROV, PETROV = 500040, 500033, 500022, 500011
FINDIR, GENDIR, GLAVBUH, SOKOLOV, SMIRNOVA = 500002, 500001, 500003, 500023, 500030


@dataclass
class Office:
    memos: MemoCases
    identify: IdentifyUser
    uow: object
    database: object

    async def who(self, telegram_id: int) -> PersonView:
        person = await self.identify(telegram_id)
        assert person is not None
        return person

    async def sent(
        self,
        author: int = EGOROV,
        *,
        executor: str = "ivanova",
        approvers: tuple[str, ...] = ("sidorov", "petrov"),
        gd: bool = False,
        files: tuple[NewAttachment, ...] = (),
        key: str | None = None,
    ) -> MemoOutcome:
        person = await self.who(author)
        draft = MemoDraft("Ремонт шоурума", "Прошу согласовать ремонт.", executor, approvers,
                          gd, files)  # fmt: skip
        memo_id = await self.memos.create(person, draft, key or f"k-{id(draft)}")
        return await self.memos.submit(person, memo_id)

    async def approve(self, telegram_id: int, outcome: MemoOutcome) -> MemoOutcome:
        card = await self.memos.open(await self.who(telegram_id), outcome.card.memo_id)
        assert card.current_step_key is not None
        return await self.memos.approve(await self.who(telegram_id), card.memo_id,
                                        card.current_step_key)  # fmt: skip


@pytest.fixture
async def office(uow_factory, clock, database) -> Office:
    org = load_org_toml((FIXTURES / "org.toml").read_text(encoding="utf-8"))
    await ImportOrg(uow_factory, clock)(org)
    memos = MemoCases.build(uow_factory, clock, MemoRules(max_approvers=4), ThreadRenderer())
    return Office(memos, IdentifyUser(uow_factory), uow_factory, database)


def file(name: str, body: bytes) -> NewAttachment:
    return NewAttachment(name, "application/pdf", body)


async def test_concurrent_submits_take_consecutive_numbers_without_gaps(office: Office):
    egorov = await office.who(EGOROV)
    draft = MemoDraft("Тема", "Текст", "ivanova", ("sidorov",))
    ids = [await office.memos.create(egorov, draft, f"key-{n}") for n in range(8)]
    outcomes = await asyncio.gather(*(office.memos.submit(egorov, i) for i in ids))
    numbers = sorted(o.card.number or "" for o in outcomes)
    assert numbers == [f"СЗ-2026-{n:06d}" for n in range(1, 9)]
    with pytest.raises(DomainError):  # a refused submission takes no number
        await office.memos.submit(await office.who(IVANOVA),
                                  await office.memos.create(egorov, draft, "key-x"))  # fmt: skip
    last = await office.sent()
    assert last.card.number == "СЗ-2026-000009"


async def test_the_same_dialog_key_gives_the_same_draft(office: Office):
    egorov = await office.who(EGOROV)
    draft = MemoDraft("Тема", "Текст", "ivanova")
    first, second = await asyncio.gather(
        office.memos.create(egorov, draft, "one-key"),
        office.memos.create(egorov, draft, "one-key"),
    )
    assert first == second
    submitted = await office.memos.submit(egorov, first)
    again = await office.memos.submit(egorov, first)
    assert again.card.number == submitted.card.number and again.message is not None


async def test_an_accountant_executor_makes_the_finance_director_final(office: Office):
    outcome = await office.sent(executor="ivanova")
    assert [n.person.code for n in outcome.notices] == ["sidorov"]
    steps = outcome.card.steps
    assert [(s.approver, s.final) for s in steps] == [
        ("Сидоров Николай Викторович", False), ("Петров Сергей Иванович", False),
        ("Фёдорова Елена Викторовна", True),
    ]  # fmt: skip
    outcome = await office.approve(SIDOROV, outcome)
    assert [n.person.code for n in outcome.notices] == ["petrov"]
    outcome = await office.approve(PETROV, outcome)
    done = await office.approve(FINDIR, outcome)
    assert done.card.status is MemoStatus.APPROVED and done.card.has_pdf
    told = {(n.kind, n.person.code) for n in done.notices}
    assert told == {("approved", "egorov"), ("approved", "ivanova")}
    assert all(n.pdf and n.pdf.startswith(b"%PDF") for n in done.notices)


async def test_another_executor_ends_with_the_department_director(office: Office):
    outcome = await office.sent(executor="egorov", approvers=("sidorov",))
    assert [s.approver for s in outcome.card.steps if s.final] == ["Петров Сергей Иванович"]


async def test_the_general_director_toggle_adds_him_after_the_default_final(office: Office):
    outcome = await office.sent(executor="ivanova", approvers=("sidorov",), gd=True)
    finals = [s.approver for s in outcome.card.steps if s.final]
    assert finals == ["Фёдорова Елена Викторовна", "Васильев Андрей Николаевич"]
    for telegram_id in (SIDOROV, FINDIR):
        outcome = await office.approve(telegram_id, outcome)
    assert outcome.card.status is MemoStatus.IN_APPROVAL
    assert [n.person.code for n in outcome.notices] == ["gendir"]
    done = await office.approve(GENDIR, outcome)
    assert done.card.status is MemoStatus.APPROVED


async def test_adding_approvers_stops_at_the_limit_and_says_why(office: Office):
    outcome = await office.sent(approvers=("sidorov", "petrov", "glavbuh"))
    sidorov = await office.who(SIDOROV)
    key = outcome.card.current_step_key
    assert key is not None
    memo_id = outcome.card.memo_id
    for person, why in (("egorov", "Автор"), ("petrov", "уже есть")):
        with pytest.raises(ApproverRefused, match=why):
            await office.memos.add_approver(sidorov, memo_id, key, person)
    added = await office.memos.add_approver(sidorov, memo_id, key, "sokolov")
    names = [s.approver for s in added.card.steps]
    assert names[:2] == ["Сидоров Николай Викторович", "Соколов Игорь Дмитриевич"]
    with pytest.raises(ApproverRefused, match="4 из 4"):
        await office.memos.add_approver(sidorov, memo_id, key, "kuznetsov")
    after = await office.approve(SIDOROV, added)
    assert [n.person.code for n in after.notices] == ["sokolov"]


async def test_a_rejection_ends_the_memo_and_tells_the_author_why(office: Office):
    outcome = await office.sent()
    sidorov = await office.who(SIDOROV)
    key = outcome.card.current_step_key
    assert key is not None
    with pytest.raises(ReasonRequired):
        await office.memos.reject(sidorov, outcome.card.memo_id, key, "  ")
    rejected = await office.memos.reject(sidorov, outcome.card.memo_id, key, "Нет бюджета")
    assert rejected.card.status is MemoStatus.REJECTED
    [notice] = rejected.notices
    assert (notice.kind, notice.person.code, notice.reason) == (
        "rejected",
        "egorov",
        "Нет бюджета",
    )
    assert [s.status for s in rejected.card.steps] == [
        StepStatus.REJECTED, StepStatus.SKIPPED, StepStatus.SKIPPED]  # fmt: skip
    late = await office.memos.approve(sidorov, outcome.card.memo_id, key)
    assert str(late.message) == "Вы уже отклонили эту записку."


async def test_return_edit_and_resubmit_make_a_new_round(office: Office):
    outcome = await office.sent(files=(file("смета.pdf", b"v1"), file("план.pdf", b"plan")))
    memo_id = outcome.card.memo_id
    returned = await office.approve(SIDOROV, outcome)
    petrov = await office.who(PETROV)
    assert returned.card.current_step_key is not None
    returned = await office.memos.return_memo(petrov, memo_id, returned.card.current_step_key,
                                              "Приложите новую смету")  # fmt: skip
    assert returned.card.status is MemoStatus.RETURNED
    assert [(n.kind, n.reason) for n in returned.notices] == [
        ("returned", "Приложите новую смету")
    ]
    egorov = await office.who(EGOROV)
    view = await office.memos.edit(egorov, memo_id)
    kept = view.draft.attachments[1]
    assert isinstance(kept, KeptAttachment)
    draft = MemoDraft("Ремонт шоурума (смета 2)", view.draft.text, "ivanova", ("sidorov",),
                      False, (file("смета-2.pdf", b"v2"), kept))  # fmt: skip
    again = await office.memos.resubmit(egorov, memo_id, draft, view.round)
    repeat = await office.memos.resubmit(egorov, memo_id, draft, view.round)
    assert repeat.message is not None and repeat.card.round == again.card.round == 2
    card = again.card
    assert card.title == "Ремонт шоурума (смета 2)"
    assert [a.name for a in card.attachments] == ["план.pdf", "смета-2.pdf"]
    assert [(s.round, s.status) for s in card.steps] == [
        (1, StepStatus.APPROVED), (1, StepStatus.RETURNED), (1, StepStatus.SKIPPED),
        (2, StepStatus.PENDING), (2, StepStatus.PENDING),
    ]  # fmt: skip
    assert [n.person.code for n in again.notices] == ["sidorov"]


async def test_a_double_tap_decides_once(office: Office):
    outcome = await office.sent()
    sidorov = await office.who(SIDOROV)
    key = outcome.card.current_step_key
    assert key is not None
    first, second = await asyncio.gather(
        office.memos.approve(sidorov, outcome.card.memo_id, key),
        office.memos.approve(sidorov, outcome.card.memo_id, key),
    )
    assert sorted([str(first.message or ""), str(second.message or "")]) == [
        "", "Вы уже согласовали эту записку."]  # fmt: skip
    async with office.database.sessions() as session:  # type: ignore[attr-defined]
        approvals = await session.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action == "memo.step_approved")
        )
    assert approvals == 1


async def test_stale_and_foreign_buttons_change_nothing(office: Office):
    outcome = await office.sent()
    memo_id, old_key = outcome.card.memo_id, outcome.card.current_step_key
    assert old_key is not None
    moved = await office.approve(SIDOROV, outcome)
    petrov = await office.who(PETROV)
    stale = await office.memos.approve(petrov, memo_id, old_key)
    assert stale.message is not None and "Уже решено" in str(stale.message)
    assert stale.card.current_step_key == moved.card.current_step_key
    glavbuh = await office.who(GLAVBUH)
    with pytest.raises(NotAllowed):  # not involved at all: the memo is not even shown
        await office.memos.open(glavbuh, memo_id)
    sidorov = await office.who(SIDOROV)
    assert moved.card.current_step_key is not None
    with pytest.raises(NotYourTurn):
        await office.memos.approve(sidorov, memo_id, moved.card.current_step_key)
    egorov = await office.who(EGOROV)
    with pytest.raises(NotYourTurn):
        await office.memos.reject(egorov, memo_id, moved.card.current_step_key, "сам")


async def test_a_substitute_decides_for_the_absent_approver(office: Office, clock):
    clock.moment = datetime.fromisoformat("2026-12-15T09:00:00+00:00")
    outcome = await office.sent(executor="egorov", approvers=("sokolov",))
    assert [n.person.code for n in outcome.notices] == ["petrov"]  # Соколов is away
    petrov = await office.who(PETROV)
    card = await office.memos.open(petrov, outcome.card.memo_id)
    assert card.can_decide and card.acting_for == "Соколов Игорь Дмитриевич"
    waiting = await office.memos.waiting(petrov)
    assert [c.memo_id for c in waiting] == [outcome.card.memo_id]
    approved = await office.approve(PETROV, outcome)
    step = approved.card.steps[0]
    assert (step.decided_by, step.on_behalf_of) == ("Петров Сергей Иванович",
                                                    "Соколов Игорь Дмитриевич")  # fmt: skip


async def test_the_pdf_holds_every_step_in_order_and_the_audit_hash(office: Office, clock):
    body = b"%PDF-1.4 attachment"
    outcome = await office.sent(files=(file("смета.pdf", body),))
    memo_id = outcome.card.memo_id
    outcome = await office.approve(SIDOROV, outcome)
    petrov = await office.who(PETROV)
    assert outcome.card.current_step_key is not None
    await office.memos.return_memo(petrov, memo_id, outcome.card.current_step_key, "Уточнить")
    egorov = await office.who(EGOROV)
    view = await office.memos.edit(egorov, memo_id)
    outcome = await office.memos.resubmit(egorov, memo_id, view.draft, view.round)
    for telegram_id in (SIDOROV, PETROV, FINDIR):
        outcome = await office.approve(telegram_id, outcome)
    pdf = await office.memos.pdf(egorov, memo_id)
    assert pdf is not None and pdf.name == "СЗ-2026-000001.pdf"
    text = pdf_text(pdf.content)
    async with office.database.sessions() as session:  # type: ignore[attr-defined]
        memo = await session.get(MemoRow, memo_id)
        last = await session.scalar(
            select(AuditLog.hash).where(AuditLog.entity_type == "memo",
                                        AuditLog.entity_id == str(memo_id))
            .order_by(AuditLog.seq.desc()).limit(1)  # type: ignore[attr-defined]
        )  # fmt: skip
    assert memo is not None and memo.pdf_sha256 == hashlib.sha256(pdf.content).hexdigest()
    assert last == memo.audit_hash and last in text.replace(" ", "")
    order = ["Сидоров", "Петров", "Уточнить", "Сидоров", "Петров", "Фёдорова"]
    positions, start = [], 0
    for word in order:
        start = text.index(word, start) + 1
        positions.append(start)
    assert positions == sorted(positions)
    assert hashlib.sha256(body).hexdigest() in text.replace(" ", "")
    assert (await VerifyAuditChain(office.uow)()).ok  # type: ignore[arg-type]
