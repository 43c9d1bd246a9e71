"""Value types of a memo: its number, attachments, approval steps, and the content limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.errors import N_
from domain.memo_errors import InvalidMemoNumber, MemoContentError, ReasonRequired
from domain.memo_states import StepKind, StepStatus
from domain.roles import Role

MEMO_NUMBER_PREFIX = "СЗ"
TITLE_MAX = 200
TEXT_MAX = 10_000
COMMENT_MAX = 1_000
ATTACHMENTS_MAX = 20
_SEQ_MAX = 999_999
_NUMBER_RE = re.compile(r"СЗ-(\d{4})-(\d{6})")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")


def format_memo_number(year: int, seq: int) -> str:
    """«СЗ-<year>-<6 digits>», e.g. ``format_memo_number(2026, 123) == "СЗ-2026-000123"``.

    ``seq`` is the memo's place in the year's numbering (1..999999), assigned by storage.
    """
    if not 1000 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    if not 1 <= seq <= _SEQ_MAX:
        raise ValueError(f"memo sequence number out of range: {seq}")
    return f"{MEMO_NUMBER_PREFIX}-{year}-{seq:06d}"


def parse_memo_number(text: str) -> tuple[int, int]:
    """``(year, seq)`` of a memo number; `InvalidMemoNumber` for anything else. Accepts
    surrounding spaces, a Latin «SZ»-less typo is not guessed."""
    match = _NUMBER_RE.fullmatch(text.strip())
    if match is None or int(match[2]) == 0:
        raise InvalidMemoNumber(text)
    return int(match[1]), int(match[2])


@dataclass(frozen=True)
class Attachment:
    """A file attached to a memo (the bytes live in the file store, keyed by ``sha256``).

    Invariants: ``name`` is not blank; ``size`` >= 0 bytes; ``sha256`` is 64 lowercase hex
    digits.
    """

    name: str
    size: int
    sha256: str
    mime: str = "application/octet-stream"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise MemoContentError(N_("У вложения нет имени файла."))
        if self.size < 0:
            raise MemoContentError(
                N_("Размер вложения «{name}» не может быть отрицательным."), name=self.name
            )
        if not _SHA256_RE.fullmatch(self.sha256):
            raise MemoContentError(
                N_("Контрольная сумма вложения «{name}» повреждена."), name=self.name
            )


@dataclass
class ApprovalStep:
    """One approval step of one round, as a row.

    Invariants: ``key`` is unique within the memo and never reused; ``(round, position)``
    is unique, positions run 1..n within a round; ``decided_by`` and ``decided_at`` (UTC)
    are set exactly when ``status`` is approved, rejected or returned; ``on_behalf_of`` is
    ``approver`` when a substitute decided, else None; ``added_by`` names who inserted the
    step with «Добавить согласующего» (None for a planned step).
    """

    key: int
    round: int
    position: int
    approver: str
    kind: StepKind
    role: Role | None = None
    status: StepStatus = StepStatus.PENDING
    decided_by: str | None = None
    on_behalf_of: str | None = None
    comment: str | None = None
    decided_at: datetime | None = None
    added_by: str | None = None

    @property
    def is_decided(self) -> bool:
        """True once someone approved, rejected or returned at this step."""
        return self.decided_at is not None


def utc(now: datetime) -> datetime:
    """``now`` in UTC; a naive datetime is a programming error."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def clean_title(title: str) -> str:
    """The title without surrounding spaces; `MemoContentError` if blank or too long."""
    cleaned = title.strip()
    if not cleaned:
        raise MemoContentError(N_("Укажите тему записки."))
    if len(cleaned) > TITLE_MAX:
        raise MemoContentError(N_("Тема записки длиннее {limit} символов."), limit=TITLE_MAX)
    return cleaned


def clean_text(text: str) -> str:
    """The text without surrounding blank space; `MemoContentError` if blank or too long."""
    cleaned = text.strip()
    if not cleaned:
        raise MemoContentError(N_("Напишите текст записки."))
    if len(cleaned) > TEXT_MAX:
        raise MemoContentError(N_("Текст записки длиннее {limit} символов."), limit=TEXT_MAX)
    return cleaned


def check_attachments(attachments: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    """``attachments`` unchanged; `MemoContentError` when there are too many."""
    if len(attachments) > ATTACHMENTS_MAX:
        raise MemoContentError(
            N_("К записке можно приложить не больше {limit} файлов."), limit=ATTACHMENTS_MAX
        )
    return attachments


def clean_comment(comment: str | None) -> str | None:
    """A decision comment without surrounding spaces, None if blank; too long is refused."""
    cleaned = (comment or "").strip()
    if len(cleaned) > COMMENT_MAX:
        raise MemoContentError(N_("Комментарий длиннее {limit} символов."), limit=COMMENT_MAX)
    return cleaned or None


def required_reason(reason: str | None, missing: str) -> str:
    """A reason that must be given: `ReasonRequired` with ``missing`` (a template marked
    ``N_``) when blank."""
    cleaned = clean_comment(reason)
    if cleaned is None:
        raise ReasonRequired(missing)
    return cleaned
