"""The approved payments as a `1CClientBankExchange` file (format 1.03) a bank client
imports: Windows-1251, CRLF line ends, a header section, one
``СекцияДокумент=Платежное поручение`` … ``КонецДокумента`` per payment, ``КонецФайла``.

The payer's side (account, bank, BIK, correspondent account, INN/KPP) comes from each DC's
settings; a payment whose DC has none, or in a currency other than roubles (a rouble payment
order cannot carry it), is left out and reported. The recipient's account is not known to
Viza (registers carry INN and name only), so ``ПолучательСчет`` is left empty for the
treasurer to complete in the bank client. Values are single lines; characters Windows-1251
lacks become «?»; the purpose is cut to the 210 characters a payment order holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from formats.exports.model import ApprovedPayment, PayerDetails

ENCODING = "windows-1251"
PURPOSE_LIMIT = 210
_NAME_LIMIT = 160
_HOME_CURRENCY = "RUB"


@dataclass(frozen=True)
class OnecExport:
    """The file and what went into it. ``data`` is None when no payment could go in.

    Invariant: ``included`` + ``without_payer`` + ``foreign_currency`` are all the payments
    given, each in exactly one of them.
    """

    data: bytes | None
    included: tuple[ApprovedPayment, ...]
    without_payer: tuple[ApprovedPayment, ...]
    foreign_currency: tuple[ApprovedPayment, ...]

    @property
    def total(self) -> Decimal:
        return sum((p.amount for p in self.included), Decimal("0.00"))


def onec_exchange(
    payments: Sequence[ApprovedPayment],
    payers: Mapping[str, PayerDetails],
    *,
    day: date,
    created_at: datetime,
    sender: str = "Viza",
) -> OnecExport:
    """Payment orders dated ``day`` for every rouble payment of a DC with payer details;
    ``created_at`` (timezone-aware, in head-office time) is written in the header as is."""
    foreign = tuple(p for p in payments if p.currency != _HOME_CURRENCY)
    roubles = [p for p in payments if p.currency == _HOME_CURRENCY]
    included = tuple(p for p in roubles if p.dc_code in payers)
    missing = tuple(p for p in roubles if p.dc_code not in payers)
    if not included:
        return OnecExport(None, (), missing, foreign)
    lines = _header(included, payers, day, created_at, sender)
    for number, payment in enumerate(included, start=1):
        lines += _document(number, payment, payers[payment.dc_code], day)
    lines.append("КонецФайла")
    text = "\r\n".join(lines) + "\r\n"
    return OnecExport(text.encode(ENCODING, errors="replace"), included, missing, foreign)


def _header(
    included: Sequence[ApprovedPayment],
    payers: Mapping[str, PayerDetails],
    day: date,
    created_at: datetime,
    sender: str,
) -> list[str]:
    accounts = dict.fromkeys(payers[p.dc_code].account for p in included)
    return [
        "1CClientBankExchange",
        "ВерсияФормата=1.03",
        "Кодировка=Windows",
        f"Отправитель={_line(sender, 60)}",
        "Получатель=",
        f"ДатаСоздания={created_at:%d.%m.%Y}",
        f"ВремяСоздания={created_at:%H:%M:%S}",
        f"ДатаНачала={day:%d.%m.%Y}",
        f"ДатаКонца={day:%d.%m.%Y}",
        *(f"РасчСчет={account}" for account in accounts),
        "Документ=Платежное поручение",
    ]


def _document(number: int, payment: ApprovedPayment, payer: PayerDetails, day: date) -> list[str]:
    payer_name = _line(payer.payer, _NAME_LIMIT)
    recipient = _line(payment.counterparty, _NAME_LIMIT)
    bank_city = f"г. {_line(payer.bank_city, 60)}" if payer.bank_city else ""
    return [
        "СекцияДокумент=Платежное поручение",
        f"Номер={number}",
        f"Дата={day:%d.%m.%Y}",
        f"Сумма={payment.amount.quantize(Decimal('0.01')):f}",
        f"ПлательщикСчет={payer.account}",
        f"Плательщик=ИНН {payer.inn} {payer_name}",
        f"ПлательщикИНН={payer.inn}",
        f"ПлательщикКПП={payer.kpp}",
        f"Плательщик1={payer_name}",
        f"ПлательщикРасчСчет={payer.account}",
        f"ПлательщикБанк1={_line(payer.bank, _NAME_LIMIT)}",
        f"ПлательщикБанк2={bank_city}",
        f"ПлательщикБИК={payer.bik}",
        f"ПлательщикКорсчет={payer.correspondent_account}",
        "ПолучательСчет=",
        f"Получатель=ИНН {payment.inn} {recipient}",
        f"ПолучательИНН={payment.inn}",
        f"Получатель1={recipient}",
        f"ВидПлатежа={'срочно' if payment.urgent else 'электронно'}",
        "ВидОплаты=01",
        "Очередность=5",
        f"НазначениеПлатежа={_line(payment.purpose, PURPOSE_LIMIT)}",
        "КонецДокумента",
    ]


def _line(value: str | None, limit: int) -> str:
    """One line of at most ``limit`` characters: line breaks and runs of spaces collapse."""
    text = " ".join((value or "").split())
    return text[:limit]
