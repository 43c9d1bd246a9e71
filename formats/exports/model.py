"""What the exports are made of: an approved payment and a DC's payer details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ApprovedPayment:
    """A payment approved through its whole route, to be paid on ``payment_date``.

    Invariants: ``amount`` > 0 with kopecks (Decimal, never float); ``inn`` is a
    checksum-valid INN (it came through the register readers).
    """

    dc_code: str
    dc_name: str
    register_id: int
    position: int
    payment_date: date
    counterparty: str
    inn: str
    amount: Decimal
    purpose: str
    currency: str = "RUB"
    invoice_number: str | None = None
    invoice_date: date | None = None
    category: str | None = None
    due_date: date | None = None
    urgent: bool = False


@dataclass(frozen=True)
class PayerDetails:
    """The legal entity that pays for a DC and the account it pays from (config
    ``[dealer_centers.<code>]``; validated there: INN, KPP, BIK, account keys)."""

    payer: str
    inn: str
    kpp: str
    account: str
    bank: str
    bik: str
    correspondent_account: str
    bank_city: str | None = None
