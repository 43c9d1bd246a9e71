"""What the memo use cases need from storage, and what they give the Telegram side.

The SQL adapter is `models.memo_repo.SqlMemoRepository` (``uow.memos``). Repositories
never commit: each use case's unit of work does, once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from domain.errors import Text
from domain.memo import Memo, MemoStatus, StepStatus
from domain.org_model import OrgDirectory
from domain.roles import Role
from formats.memo_pdf import MemoDocument
from services.outbox_ports import OutboxUnitOfWork
from services.ports import PersonView


@dataclass(frozen=True)
class NewAttachment:
    """A file the author attached in the dialog, with its bytes."""

    name: str
    mime: str
    content: bytes
    telegram_file_id: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class KeptAttachment:
    """An attachment stored with the memo already, kept when the author revises it."""

    id: int


@dataclass(frozen=True)
class StoredAttachment:
    """An attachment as stored (without its bytes)."""

    id: int
    name: str
    mime: str
    size: int
    sha256: str
    telegram_file_id: str | None = None


@dataclass(frozen=True)
class MemoDraft:
    """What the dialog gathered: person codes for the executor and the approvers (in
    order), and the attachments in the order the author sent them."""

    title: str
    text: str
    executor: str
    approvers: tuple[str, ...] = ()
    with_general_director: bool = False
    attachments: tuple[NewAttachment | KeptAttachment, ...] = ()


@dataclass
class LoadedMemo:
    """A memo loaded in a unit of work: the aggregate plus what only storage knows.
    ``attachments`` are in the order of ``memo.attachments``."""

    memo: Memo
    attachments: tuple[StoredAttachment, ...] = ()
    bitrix_task_id: str | None = None
    pdf_sha256: str | None = None
    audit_hash: str | None = None
    b24_state: str | None = None


@dataclass(frozen=True)
class MemoRow:
    """One line of «Мои записки» or of the approver's waiting list."""

    memo_id: int
    number: str | None
    title: str
    status: MemoStatus
    round: int
    created_at: datetime
    author: str
    executor: str
    awaiting: str | None = None
    bitrix_task_id: str | None = None


@dataclass(frozen=True)
class UploadItem:
    """A file the executor's Bitrix24 task gets: ``ref`` names it for `file_content`
    («pdf:<memo id>» or «att:<attachment id>»); ``b24_file_id`` once uploaded."""

    ref: str
    name: str
    size: int
    b24_file_id: int | None = None


class MemoRepository(Protocol):
    async def by_pdf(self, sha256: str) -> tuple[str, str] | None:
        """(number, audit hash) of the memo whose stored PDF has this sha256."""
        ...

    async def org_directory(self, timezone: str) -> OrgDirectory:
        """The org directory from the tables (head office in ``timezone``); read once
        per unit of work."""
        ...

    async def people(self, codes: Sequence[str]) -> list[PersonView]: ...
    async def by_dialog_key(self, key: str) -> int | None: ...

    async def add(
        self, memo: Memo, attachments: Sequence[NewAttachment], dialog_key: str | None
    ) -> tuple[int, bool]:
        """Store a new draft with its files: ``(memo id, True)``; ``(id, False)`` when a
        draft with ``dialog_key`` exists already (a repeated tap that raced the first)."""
        ...

    async def load(self, memo_id: int, *, lock: bool) -> LoadedMemo | None:
        """The memo (``lock``: hold its row until commit)."""
        ...

    async def save(self, memo: Memo) -> None:
        """Write the memo's fields and every step (new ones added, changed ones updated)."""
        ...

    async def replace_attachments(
        self,
        memo_id: int,
        keep: Sequence[int],
        new: Sequence[NewAttachment],
        now: datetime,
    ) -> tuple[StoredAttachment, ...]:
        """Keep the listed attachments, drop the others, add ``new`` after them."""
        ...

    async def next_number(self, year: int) -> int:
        """The next number of ``year``, taken under a row lock in this transaction."""
        ...

    async def attachment_content(self, memo_id: int, attachment_id: int) -> bytes | None: ...
    async def mark_finished(self, memo_id: int, audit_hash: str, b24_state: str) -> None: ...

    async def store_pdf(
        self, memo_id: int, pdf: bytes, sha256: str, audit_hash: str, now: datetime
    ) -> bool:
        """Store the PDF unless the memo has one already; False then."""
        ...

    async def pdf(self, memo_id: int) -> bytes | None: ...
    async def memos_of(self, person_code: str, limit: int) -> list[MemoRow]: ...
    async def awaiting(self, approver_codes: Sequence[str]) -> list[int]:
        """Memos in approval whose current step belongs to one of ``approver_codes``."""
        ...

    async def in_state(self, b24_state: str, limit: int) -> list[int]: ...
    async def upload_items(self, memo_id: int) -> list[UploadItem]: ...
    async def file_content(self, ref: str) -> bytes | None: ...
    async def record_upload(self, ref: str, b24_file_id: int) -> None: ...
    async def move_state(self, memo_id: int, old: str, new: str) -> bool: ...
    async def delivered_tasks(self, kind: str, limit: int) -> list[tuple[int, str]]:
        """(memo id, Bitrix24 task id) of queued memos whose ``kind`` message arrived."""
        ...

    async def set_task(self, memo_id: int, task_id: str) -> bool: ...


class MemoUnitOfWork(OutboxUnitOfWork, Protocol):
    @property
    def memos(self) -> MemoRepository: ...


MemoUowFactory = Callable[[], MemoUnitOfWork]


class PdfRenderer(Protocol):
    """Renders a memo document to PDF bytes away from the event loop."""

    async def __call__(self, document: MemoDocument) -> bytes: ...


@dataclass(frozen=True)
class CardStep:
    """One row of a memo's history as a card shows it (names, not codes; the role and the
    decision as values, worded in the viewer's language by the Telegram side). ``role`` is
    None for someone without a company role."""

    round: int
    position: int
    approver: str
    role: Role | None
    status: StepStatus
    final: bool
    decided_by: str | None = None
    on_behalf_of: str | None = None
    comment: str | None = None
    decided_at: datetime | None = None
    added_by: str | None = None
    pending: bool = False
    current: bool = False


@dataclass(frozen=True)
class MemoCard:
    """A memo as one person sees it now. ``can_decide``: the viewer decides the current
    step (``acting_for``: for whom, when a substitute); ``decided_at`` and ``created_at``
    are in the viewer's zone."""

    memo_id: int
    version: int
    number: str | None
    status: MemoStatus
    round: int
    title: str
    text: str
    author: str
    executor: str
    executor_role: Role | None
    with_general_director: bool
    created_at: datetime
    attachments: tuple[StoredAttachment, ...]
    steps: tuple[CardStep, ...]
    current_step_key: int | None = None
    current_approver: str | None = None
    can_decide: bool = False
    acting_for: str | None = None
    is_author: bool = False
    bitrix_task_id: str | None = None
    has_pdf: bool = False

    @property
    def can_resubmit(self) -> bool:
        return self.is_author and self.status is MemoStatus.RETURNED


@dataclass(frozen=True)
class MemoNotice:
    """Something to tell a person after a change (sent after the commit).

    ``kind``: «card» — the memo waits for ``person``: send their card; «approved» — to the
    author and the executor, with ``pdf``; «rejected» / «returned» — to the author, with
    ``reason`` and who decided (``actor``); «task» — the executor's Bitrix24 task
    ``task_id`` was created.
    """

    kind: str
    person: PersonView
    memo_id: int
    number: str | None
    title: str
    reason: str | None = None
    actor: str | None = None
    pdf: bytes | None = field(default=None, repr=False)
    task_id: str | None = None


@dataclass(frozen=True)
class MemoOutcome:
    """What a move did: the actor's refreshed card, who to tell, and a note for the actor
    (e.g. «уже решено»; the Telegram side words it in the actor's language)."""

    card: MemoCard
    notices: tuple[MemoNotice, ...] = ()
    message: Text | None = None


class MemoNoticeSender(Protocol):
    """Delivers memo notices after a use case committed (the Telegram side implements it)."""

    async def deliver(self, notices: Sequence[MemoNotice]) -> None: ...
