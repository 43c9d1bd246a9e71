"""Short texts around the review card (Russian first, through the catalogs): button labels,
answers to taps, the prompts of its dialogs, the notices and the «На согласовании» list.
User text is escaped and every message stays within Telegram's limits."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from aiogram.utils.i18n import gettext as _

from domain.register_approval import RegisterStatus
from handlers.approval_views import REASON_LIMIT, esc, header, length, money, stage_name
from services.approval_ports import Card, CardItem, RegisterContext, WaitingRegister

_BUDGET = 3900
MAX_WAITING = 40
Totals = Sequence[tuple[str, Decimal]]  # (currency, sum) pairs

# --- buttons -------------------------------------------------------------------------------


def approve_button(position: int) -> str:
    return f"✅ {position}"


def reject_button(position: int) -> str:
    return f"❌ {position}"


def info_button(position: int) -> str:
    return f"ℹ️ {position}"


def withdraw_item_button(position: int) -> str:
    return f"↩ {position}"


def page_button(page: int, pages: int) -> str:
    return _("стр. {page}/{pages}").format(page=page + 1, pages=pages)


def approve_rest_button() -> str:
    return _("Одобрить все оставшиеся")


def send_on_button() -> str:
    return _("Отправить дальше")


def return_button() -> str:
    return _("Вернуть бухгалтеру")


def confirm_rest_button(count: int, totals: Totals) -> str:
    if len(totals) != 1:  # the sums of several currencies are in the message, not here
        return _("Да, одобрить {count}").format(count=count)
    currency, total = totals[0]
    return _("Да, одобрить {count} на сумму {total}").format(
        count=count, total=money(total, currency)
    )


def back_button() -> str:
    return _("Назад")


def back_to_list_button() -> str:
    return _("◀ Назад к списку")


def withdraw_register_button() -> str:
    return _("Отозвать реестр")


def confirm_withdraw_button() -> str:
    return _("Да, отозвать реестр")


def resubmit_button() -> str:
    return _("Отправить снова")


def withdraw_button() -> str:
    return _("Отозвать")


def open_button() -> str:
    return _("📋 Открыть реестр")


def menu_waiting_button() -> str:
    return _("📋 Реестры на согласовании")


def waiting_button(register: WaitingRegister) -> str:
    return _("{dc} · {day} · {stage} · не решено {count}").format(
        dc=register.dc_name[:28], day=f"{register.payment_date:%d.%m}",
        stage=stage_name(register.stage), count=register.undecided,
    )  # fmt: skip


# --- dialogs on the card ---------------------------------------------------------------------


def reject_picker(item: CardItem) -> str:
    return "\n".join([
        _("❌ <b>Отклонить платёж №{n}</b>").format(n=item.position),
        f"{esc(item.counterparty, 80)} — <b>{money(item.amount, item.currency)}</b>",
        f"<i>{esc(item.purpose, 300)}</i>",
        "",
        _("Выберите причину или нажмите «Другая причина», чтобы написать свою."),
    ])  # fmt: skip


def ask_reject_reason(position: int) -> str:
    return _(
        "✍️ Напишите причину отклонения платежа №{n} одним сообщением (до {limit} знаков).\n"
        "/cancel — отмена."
    ).format(n=position, limit=REASON_LIMIT)


def ask_return_reason(register_id: int) -> str:
    return _(
        "↩️ Напишите, почему реестр №{id} возвращается бухгалтеру, одним сообщением "
        "(до {limit} знаков).\n/cancel — отмена."
    ).format(id=register_id, limit=REASON_LIMIT)


def reason_too_long() -> str:
    return _("Слишком длинно: до {limit} знаков. Напишите короче.").format(limit=REASON_LIMIT)


def confirm_rest(register_id: int, count: int, totals: Totals) -> str:
    """Each currency summed apart: «на сумму 50 050,00 ₽ + 1 200,00 USD»."""
    total = " + ".join(money(amount, currency) for currency, amount in totals)
    return _(
        "Одобрить все оставшиеся платежи реестра №{id}?\n"
        "Будет одобрено: <b>{count}</b> на сумму <b>{total}</b>."
    ).format(id=register_id, count=count, total=total)


# --- short answers to taps -------------------------------------------------------------------


def nothing_left() -> str:
    return _("Нерешённых платежей не осталось.")


def rest_approved() -> str:
    return _("Оставшиеся платежи одобрены.")


def sent_on(card: Card) -> str:
    if card.status is RegisterStatus.APPROVED:
        return _("Реестр согласован полностью.")
    if card.status is RegisterStatus.REJECTED:
        return _("Реестр отклонён: ни один платёж не одобрен.")
    if card.stage is None:
        return _("Реестр отправлен дальше.")
    return _("Реестр отправлен дальше: {stage}.").format(stage=stage_name(card.stage))


def item_rejected(position: int, reason: str) -> str:
    return _("❌ Платёж №{n} отклонён. Причина: {reason}").format(
        n=position, reason=esc(reason, REASON_LIMIT)
    )


def returned(register_id: int) -> str:
    return _("↩️ Реестр №{id} возвращён бухгалтеру.").format(id=register_id)


def item_withdrawn() -> str:
    return _("Платёж отозван.")


def register_withdrawn(register_id: int) -> str:
    return _("Реестр №{id} отозван.").format(id=register_id)


def return_note(reason: str) -> str:
    """Shown on the returning approver's card (escaped by the card view)."""
    return _("Причина возврата: {reason}").format(reason=reason)


def dialog_lost() -> str:
    return _("Не нашёл, к какому реестру это относится. Откройте карточку реестра снова.")


def resubmitted(register_id: int) -> str:
    return _("Реестр №{id} снова отправлен на согласование.").format(id=register_id)


# --- notices -------------------------------------------------------------------------------


def _register_ref(register_id: int, context: RegisterContext | None) -> str:
    if context is None:
        return _("Реестр №{id}").format(id=register_id)
    return _("Реестр №{id} · {dc}, оплата {day}").format(
        id=register_id, dc=esc(context.dc_name, 80), day=f"{context.payment_date:%d.%m.%Y}"
    )


def notice_rejected(
    register_id: int, context: RegisterContext | None, items: Sequence[CardItem]
) -> str:
    head = _("❌ <b>{ref}</b>\nОтклонено платежей: {count}.").format(
        ref=_register_ref(register_id, context), count=len(items)
    )
    lines = [
        _("• №{n} {name} — {amount}: {reason}").format(
            n=i.position, name=esc(i.counterparty, 40), amount=money(i.amount, i.currency),
            reason=esc(i.reason or "—", 200))
        for i in items
    ]  # fmt: skip
    return _listed(head, lines)


def notice_approved(register_id: int, context: RegisterContext | None) -> str:
    return _("✅ <b>{ref}</b> согласован.").format(ref=_register_ref(register_id, context))


def notice_rejected_all(register_id: int, context: RegisterContext | None) -> str:
    return _("⛔ <b>{ref}</b> не согласован: ни один платёж не одобрен.").format(
        ref=_register_ref(register_id, context)
    )


def notice_returned(register_id: int, context: RegisterContext | None, reason: str | None) -> str:
    return _(
        "↩️ <b>{ref}</b> возвращён на доработку.\nПричина: {reason}\n\n"
        "Исправьте и отправьте снова — или отзовите реестр."
    ).format(ref=_register_ref(register_id, context), reason=esc(reason or "—", REASON_LIMIT))


def notice_withdrawn(
    register_id: int, context: RegisterContext | None, items: Sequence[CardItem]
) -> str:
    head = _("🚫 <b>{ref}</b>: отозвано.").format(ref=_register_ref(register_id, context))
    lines = [
        _("• №{n} {name} — {amount}").format(
            n=i.position, name=esc(i.counterparty, 40), amount=money(i.amount, i.currency))
        for i in items
    ]  # fmt: skip
    return _listed(head, lines)


def _listed(head: str, lines: list[str]) -> str:
    shown: list[str] = []
    used = length(head) + 40
    for line in lines:
        used += length(line) + 1
        if used > _BUDGET:
            break
        shown.append(line)
    if len(shown) < len(lines):
        shown.append(_("…и ещё {count}").format(count=len(lines) - len(shown)))
    return "\n".join([head, *shown])


# --- the waiting list ----------------------------------------------------------------------


def waiting_list(registers: Sequence[WaitingRegister]) -> str:
    if not registers:
        return _("Сейчас нет реестров, ожидающих вашего решения.")
    text = _("📋 <b>На согласовании</b> — реестров: {count}. Выберите реестр:").format(
        count=len(registers)
    )
    if len(registers) > MAX_WAITING:
        text += "\n" + _("Показаны первые {shown}.").format(shown=MAX_WAITING)
    return text


def read_only_reason(card: Card) -> str:
    """Why a card cannot take this move, for an answer to a tap on a stale button."""
    if card.status is RegisterStatus.IN_APPROVAL and card.stage is not None:
        return _("Решение на этапе «{stage}» сейчас не за вами.").format(
            stage=stage_name(card.stage)
        )
    return _("Реестр уже не на согласовании.")


def confirm_withdraw(card: Card) -> str:
    lines = [*header(card), ""]
    lines.append(
        _("🚫 Отозвать реестр №{id} целиком? Все его платежи выйдут из согласования и оплаты.")
        .format(id=card.register_id)
    )  # fmt: skip
    return "\n".join(lines)
