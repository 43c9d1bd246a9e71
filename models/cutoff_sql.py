"""Tables and helpers shared by the daily jobs' SQL (`models.cutoff_repo` and friends)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, case, func, literal_column, type_coerce

from domain.register_approval import ItemStatus, RegisterStatus
from models.approval_tables import RegisterDecision
from models.register_tables import Money, Register, RegisterItem
from models.tables import DcAccountant, DealerCenter, Department, Person

ZERO = Decimal("0.00")
REG = cast(Table, Register.__table__)  # type: ignore[attr-defined]
ITEM = cast(Table, RegisterItem.__table__)  # type: ignore[attr-defined]
DECISION = cast(Table, RegisterDecision.__table__)  # type: ignore[attr-defined]
DC = cast(Table, DealerCenter.__table__)  # type: ignore[attr-defined]
DEPT = cast(Table, Department.__table__)  # type: ignore[attr-defined]
PERSON = cast(Table, Person.__table__)  # type: ignore[attr-defined]
ACC = cast(Table, DcAccountant.__table__)  # type: ignore[attr-defined]

CLOSABLE = (RegisterStatus.IN_APPROVAL.value, RegisterStatus.RETURNED.value)
NOT_PAID = (RegisterStatus.DRAFT.value, RegisterStatus.CANCELLED.value)
PENDING, MISSED = ItemStatus.PENDING.value, ItemStatus.MISSED.value
RUB = "RUB"
_ID_SLICE = 1000  # ids per IN (...) list: far below both drivers' bind-parameter caps


def rub_amount(amount: Any, currency: Any) -> Any:
    """The amount of a RUB item, 0 for any other currency (to be summed)."""
    return case((currency == RUB, amount), else_=literal_column("0"))


def rub_sum(amount: Any, currency: Any) -> Any:
    """SUM of the RUB amounts, read back as Money (integer kopecks on SQLite)."""
    return type_coerce(func.sum(rub_amount(amount, currency)), Money())


def slices(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start : start + _ID_SLICE] for start in range(0, len(ids), _ID_SLICE)]


def money(value: Decimal | None) -> Decimal:
    return value if value is not None else ZERO
