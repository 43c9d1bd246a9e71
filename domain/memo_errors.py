"""Errors of the memo flow. Each is a `DomainError`: its ``message`` is Russian and safe to
show to the user as is; each is raised with a template marked ``N_`` and its values, so
the Telegram side can show it in the reader's language."""

from __future__ import annotations

from domain.errors import N_, DomainError


class TransitionNotAllowed(DomainError):
    """A move the transition table does not allow from the current status.

    ``status`` and ``action`` are the stable identifiers (enum values) of the refused pair;
    ``message`` is the marked template of the refusal and ``params`` its values.
    """

    def __init__(self, status: str, action: str, message: str, /, **params: object) -> None:
        super().__init__(message, **params)
        self.status = status
        self.action = action


class StaleDecision(DomainError):
    """A decision on a step that is no longer the current one (an old button): «уже решено»."""

    def __init__(self) -> None:
        super().__init__(N_("Уже решено: этот шаг согласования больше не ожидает решения."))


class NotYourTurn(DomainError):
    """The person may not act on the current step: they are neither its approver nor the
    approver's substitute today."""


class NotTheAuthor(DomainError):
    """Only the author edits, submits and resubmits a memo."""

    def __init__(self) -> None:
        super().__init__(N_("Изменять и отправлять записку может только её автор."))


class ReasonRequired(DomainError):
    """A rejection or a return without a reason."""


class MemoContentError(DomainError):
    """A title, text, comment or attachment that a memo cannot hold."""


class RouteError(DomainError):
    """An approval chain that breaks the rules (too long, repeats a person, holds the
    author, or has no final approver)."""


class NoFinalApprover(RouteError):
    """The org directory names nobody who could approve the memo last."""


class ApproverRefused(RouteError):
    """«Добавить согласующего» refused; the message says why."""


class InvalidMemoNumber(DomainError):
    """Text that is not a memo number «СЗ-<year>-<6 digits>»; ``typed`` is that text."""

    def __init__(self, typed: str) -> None:
        super().__init__(
            N_("«{typed}» не похоже на номер служебной записки (пример: СЗ-2026-000123)."),
            typed=typed,
        )
        self.typed = typed
