"""A memo's card as a Telegram message: header, text, attachments, the history of every
round, who decides now, and the Bitrix24 task. Kept within Telegram's 4096 characters:
the text is cut first (the full text is a button away), then the oldest history lines."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from domain.memo import MemoStatus, StepStatus
from formats.memo_pdf import format_size
from handlers.memo_views import initials, number_of, short, status_title
from handlers.views import role_name
from services.memos.ports import CardStep, MemoCard

MESSAGE_LIMIT = 4096
CARD_TEXT_CHARS = 1500
TEXT_BUDGETS = (CARD_TEXT_CHARS, 800, 400, 200, 100)
HISTORY_ROOM = 1500
SHOWN_FILES = 10
_ROUND_MARK = "<i>"
_ICONS = {
    StepStatus.APPROVED: "✅",
    StepStatus.REJECTED: "❌",
    StepStatus.RETURNED: "↩️",
    StepStatus.SKIPPED: "▫️",
    StepStatus.PENDING: "⏳",
}


def card_text(card: MemoCard) -> str:
    """The card; the text is shortened until the history gets its room (the newest
    steps are kept when not all of it fits)."""
    head, tail, history = _head(card), _tail(card), _history(card)
    needed = sum(len(line) + 1 for line in history)
    for text_chars in TEXT_BUDGETS:
        body = _body(card, text_chars)
        room = MESSAGE_LIMIT - len(head) - len(body) - len(tail) - 8
        if room >= min(needed, HISTORY_ROOM):
            break
    kept = _latest_fitting(history, room) if room > 0 else []
    text = "\n".join([head, body, *kept, tail]).strip()
    if len(text) > MESSAGE_LIMIT:  # only with absurd names: drop the history, keep HTML whole
        text = "\n".join([head, _body(card, TEXT_BUDGETS[-1]), tail]).strip()
    return text


def _latest_fitting(lines: list[str], room: int) -> list[str]:
    """The newest history lines that fit in ``room`` characters, oldest first, under their
    round's heading; a note stands for the ones left out."""
    used, first = 0, len(lines)
    while first > 0 and used + len(lines[first - 1]) + 1 <= room - 90:
        first -= 1
        used += len(lines[first]) + 1
    if first == 0:
        return list(lines)
    kept = lines[first:]
    heading = next((h for h in reversed(lines[:first]) if h.startswith(_ROUND_MARK)), None)
    if heading is not None and (not kept or not kept[0].startswith(_ROUND_MARK)):
        kept.insert(0, heading)
    return [_("… (ранние шаги не поместились в сообщение)"), *kept]


def _head(card: MemoCard) -> str:
    status = escape(status_title(card.status))
    if card.round > 1:
        status += _(" (круг {round})").format(round=card.round)
    return "\n".join(
        [
            _("📄 <b>Служебная записка {number}</b>").format(number=number_of(card.number)),
            _("Статус: {status}").format(status=status),
            _("Автор: {author} · Исполнитель: {executor} ({role})").format(
                author=escape(initials(card.author)),
                executor=escape(initials(card.executor)),
                role=escape(role_name(card.executor_role)),
            ),
            _("Создана: {when}").format(when=f"{card.created_at:%d.%m.%Y %H:%M}"),
            "",
        ]
    )


def _body(card: MemoCard, limit: int) -> str:
    lines = [
        _("<b>Тема:</b> {title}").format(title=escape(card.title)),
        escape(short(card.text, limit)),
    ]
    if len(card.text) > limit:
        lines.append(_("(полный текст — кнопка «Полный текст»)"))
    if card.attachments:
        lines.append("")
        lines.append(_("📎 Вложения ({count}):").format(count=len(card.attachments)))
        lines += [
            f"• {escape(short(a.name, 60))} ({format_size(a.size)})"
            for a in card.attachments[:SHOWN_FILES]
        ]
        if len(card.attachments) > SHOWN_FILES:
            more = len(card.attachments) - SHOWN_FILES
            lines.append(_("… и ещё {count}").format(count=more))
    lines.append("")
    lines.append(_("<b>Согласование:</b>"))
    return "\n".join(lines)


def _history(card: MemoCard) -> list[str]:
    lines: list[str] = []
    rounds = sorted({s.round for s in card.steps})
    for round_no in rounds:
        if len(rounds) > 1:
            lines.append(_ROUND_MARK + _("Круг {round}").format(round=round_no) + "</i>")
        lines += [_step_line(s) for s in card.steps if s.round == round_no]
    return lines


def step_status_title(status: StepStatus) -> str:
    """A memo step's decision (or its absence) in the reader's language."""
    titles = {
        StepStatus.PENDING: _("Ожидает решения"),
        StepStatus.APPROVED: _("Согласовано"),
        StepStatus.REJECTED: _("Отклонено"),
        StepStatus.RETURNED: _("Возвращено на доработку"),
        StepStatus.SKIPPED: _("Не рассматривалось"),
    }
    return titles[status]


def _step_line(step: CardStep) -> str:
    icon = "👉" if step.current else _ICONS[step.status]
    who = escape(initials(step.decided_by or step.approver))
    line = f"{icon} {step.position}. {who} ({escape(role_name(step.role))})"
    if step.on_behalf_of:
        line += _(" за {name}").format(name=escape(initials(step.on_behalf_of)))
    if step.final:
        line += _(" — итоговый")
    if step.added_by:
        line += _(" [добавил(а) {name}]").format(name=escape(initials(step.added_by)))
    if step.decided_at is not None:
        decision = step_status_title(step.status).lower()
        line += f" — {escape(decision)} {step.decided_at:%d.%m %H:%M}"
    if step.comment:
        line += f": «{escape(short(step.comment, 200))}»"
    return line


def _tail(card: MemoCard) -> str:
    lines = [""]
    if card.status is MemoStatus.IN_APPROVAL and card.current_approver:
        lines.append(_("Сейчас решение принимает: {name}.").format(
            name=escape(card.current_approver)))  # fmt: skip
    if card.can_decide:
        lines.append(_("<b>Ваше решение.</b>"))
        if card.acting_for:
            lines.append(_("Вы решаете за: {name}.").format(name=escape(card.acting_for)))
    if card.can_resubmit:
        lines.append(_("Записка возвращена вам: измените её и отправьте снова."))
    if card.bitrix_task_id:
        lines.append(_("🔗 Задача №{id} создана в Битрикс24.").format(
            id=escape(card.bitrix_task_id)))  # fmt: skip
    elif card.status is MemoStatus.APPROVED:
        lines.append(_("Задача исполнителю в Битрикс24 создаётся…"))
    return "\n".join(lines)
