"""Texts of the memo dialog, «Мои записки» and the notices. Every string goes through the
catalogs (Russian first) and every value a person typed is HTML-escaped; the card itself
is in ``handlers.memo_card_view``."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from domain.memo import MemoStatus
from formats.memo_pdf import format_size
from handlers.memo_draft import DraftData
from handlers.views import refused, role_name
from services.memos import RoutePlan
from services.memos.ports import MemoNotice, MemoRow

PREVIEW_TEXT_CHARS = 1500
MESSAGE_LIMIT = 4096
SHOWN_FILES = 10
BUTTON_CHARS = 40


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with «…»."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def initials(full_name: str) -> str:
    """«Сидоров Николай Викторович» -> «Сидоров Н. В.»."""
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return " ".join([parts[0], *(f"{p[0]}." for p in parts[1:3])])


def number_of(number: str | None) -> str:
    return escape(number) if number else _("(без номера)")


# --- the dialog ------------------------------------------------------------------------


def ask_title(current: str | None) -> str:
    text = _("📝 <b>Новая служебная записка</b>\n\nНапишите тему записки (до 200 символов).")
    return text + _current(current)


def ask_text(current: str | None) -> str:
    text = _("Напишите текст записки одним сообщением (до 10 000 символов).")
    return text + _current(short(current, 300) if current else None)


def _current(value: str | None) -> str:
    if not value:
        return ""
    return "\n\n" + _("Сейчас: «{value}»").format(value=escape(value))


def ask_files(data: DraftData, limit_mb: float) -> str:
    lines = [
        _(
            "Приложите файлы — документы или фото, по одному или несколько (до {mb} МБ каждый). "
            "Когда закончите, нажмите «Готово»."
        ).format(mb=f"{limit_mb:g}")
    ]
    lines.extend(files_lines(data))
    return "\n".join(lines)


def files_lines(data: DraftData) -> list[str]:
    if not data.files:
        return [_("Вложений пока нет.")]
    lines = [_("📎 Вложения ({count}):").format(count=len(data.files))]
    shown = data.files[:SHOWN_FILES]
    lines += [f"• {escape(short(f.name, 60))} ({format_size(f.size)})" for f in shown]
    if len(data.files) > SHOWN_FILES:
        lines.append(_("… и ещё {count}").format(count=len(data.files) - SHOWN_FILES))
    return lines


def file_added(name: str, size: int, count: int) -> str:
    return _("📎 Добавлено: {name} ({size}). Всего файлов: {count}.").format(
        name=escape(name), size=format_size(size), count=count
    )


def file_too_big(name: str, limit_mb: float) -> str:
    return _("Файл «{name}» больше {mb} МБ — приложите файл поменьше.").format(
        name=escape(name), mb=f"{limit_mb:g}"
    )


def too_many_files(limit: int) -> str:
    return _("К записке можно приложить не больше {limit} файлов.").format(limit=limit)


def files_only_at_files_step() -> str:
    return _("Файлы прикладываются на шаге «Вложения» — он идёт после текста записки.")


def ask_executor(current: str | None) -> str:
    text = _("Кто исполнитель? Напишите фамилию или часть имени.")
    return text + _current(current)


def ask_approver() -> str:
    return _("Кого добавить в согласующие? Напишите фамилию или часть имени.")


def choose_person(query: str) -> str:
    return _("Найдено по запросу «{query}» — выберите:").format(query=escape(query))


def nobody_found(query: str) -> str:
    return _("Никого не нашлось по запросу «{query}». Попробуйте иначе.").format(
        query=escape(query)
    )


def route_screen(plan: RoutePlan, with_gd: bool) -> str:
    lines = [_("<b>Маршрут согласования</b> (по порядку):")]
    lines += route_lines(plan)
    lines.append("")
    lines.append(
        _("Согласующих: {count} из {max} (итоговый не считается).").format(
            count=len(plan.intermediate), max=plan.max_approvers
        )
    )
    gd = _("да") if with_gd else _("нет")
    lines.append(_("С генеральным директором: {gd}.").format(gd=gd))
    if plan.problem:
        lines.append("⚠️ " + refused(plan.problem))
    return "\n".join(lines)


def route_lines(plan: RoutePlan) -> list[str]:
    lines = [
        f"{n}. {escape(short(p.name, 80))} — {escape(role_name(p.role))}"
        for n, p in enumerate(plan.intermediate, 1)
    ]
    start = len(plan.intermediate) + 1
    for n, person in enumerate(plan.final, start):
        mark = _("итоговый согласующий")
        role = escape(role_name(person.role))
        lines.append(f"{n}. <b>{escape(person.name)}</b> — {role} ({mark})")
    return lines


def preview(data: DraftData, plan: RoutePlan) -> str:
    """The whole memo before sending; the text is shortened to fit one message."""
    for text_chars in (PREVIEW_TEXT_CHARS, 800, 400, 200, 100):
        text = _preview(data, plan, text_chars)
        if len(text) <= MESSAGE_LIMIT:
            return text
    return text


def _preview(data: DraftData, plan: RoutePlan, text_chars: int) -> str:
    head = _("<b>Проверьте записку перед отправкой</b>")
    if data.revise is not None:
        head = _("<b>Проверьте изменения перед повторной отправкой</b>")
    lines = [
        head, "",
        _("<b>Тема:</b> {title}").format(title=escape(data.title or "")),
        _("<b>Текст:</b>"), escape(short(data.text or "", text_chars)), "",
        *files_lines(data), "",
        _("<b>Исполнитель:</b> {name}").format(name=escape(data.executor_name or "")), "",
        _("<b>Маршрут согласования:</b>"), *route_lines(plan),
    ]  # fmt: skip
    if plan.problem:
        lines.append("⚠️ " + refused(plan.problem))
    return "\n".join(lines)


def cancelled() -> str:
    return _("Записка не отправлена: диалог отменён.")


def dialog_over() -> str:
    return _("Этот диалог уже закончен. Начните заново: /memo")


def sending() -> str:
    return _("Отправляю записку…")


def sent(number: str | None, awaiting: str | None) -> str:
    text = _("✅ Записка {number} отправлена на согласование.").format(number=number_of(number))
    if awaiting:
        text += "\n" + _("Сейчас решение принимает: {name}.").format(name=escape(awaiting))
    return text


# --- lists and notices -----------------------------------------------------------------


def status_title(status: MemoStatus) -> str:
    """A memo's status in the reader's language."""
    titles = {
        MemoStatus.DRAFT: _("Черновик"),
        MemoStatus.IN_APPROVAL: _("На согласовании"),
        MemoStatus.APPROVED: _("Согласована"),
        MemoStatus.REJECTED: _("Отклонена"),
        MemoStatus.RETURNED: _("Возвращена на доработку"),
    }
    return titles[status]


def my_memos(rows: list[MemoRow], viewer_name: str) -> str:
    if not rows:
        return _("У вас пока нет служебных записок. Новая: /memo")
    lines = [_("<b>Мои записки</b>")]
    for row in rows:
        line = f"• {number_of(row.number)} «{escape(short(row.title, 60))}» — "
        line += escape(status_title(row.status))
        if row.awaiting:
            line += _(", ждёт: {name}").format(name=escape(initials(row.awaiting)))
        if row.bitrix_task_id:
            line += _(", задача №{id}").format(id=escape(row.bitrix_task_id))
        if row.executor == viewer_name and row.author != viewer_name:
            line += _(" (вы исполнитель)")
        lines.append(line)
    return "\n".join(lines)


def nothing_waiting() -> str:
    return _("Служебных записок, ожидающих вашего решения, нет.")


def button_label(number: str | None, title: str) -> str:
    return short(f"{number or '—'} {title}", BUTTON_CHARS)


def notice_text(notice: MemoNotice) -> str | None:
    number, title = number_of(notice.number), escape(short(notice.title, 100))
    who, why = escape(notice.actor or ""), escape(notice.reason or "")
    texts = {
        "approved": _("✅ Записка {number} «{title}» согласована. Лист согласования — в PDF."),
        "rejected": _("❌ Записка {number} «{title}» отклонена ({who}).\nПричина: {why}"),
        "returned": _(
            "↩️ Записка {number} «{title}» возвращена на доработку ({who}).\nЧто доработать: {why}"
        ),
        "task": _("🔗 Записка {number} «{title}»: задача №{task} создана в Битрикс24."),
    }
    template = texts.get(notice.kind)
    if template is None:
        return None
    task = escape(notice.task_id or "")
    return template.format(number=number, title=title, who=who, why=why, task=task)


# --- the approver's card -----------------------------------------------------------------


def stale_card() -> str:
    return _("Кнопка устарела: записка ушла дальше. Карточка обновлена.")


def ask_for(verb: str, number: str | None) -> str:
    texts = {
        "n": _("Напишите причину отклонения записки {number}."),
        "b": _("Напишите, что нужно доработать в записке {number}."),
        "a": _(
            "Кого добавить в согласующие записки {number}? Напишите фамилию или часть имени — "
            "он(а) согласует записку сразу после вас."
        ),
    }
    return texts[verb].format(number=number_of(number))


def added() -> str:
    return _("Согласующий добавлен.")


def no_files() -> str:
    return _("Файлов нет.")


def full_text(number: str | None, title: str, text: str) -> str:
    return _("<b>{number}: {title}</b>\n\n{text}").format(
        number=number_of(number), title=escape(title), text=escape(text)
    )
