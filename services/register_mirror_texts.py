"""Timeline comments of the register mirror in Bitrix24: plain Russian text, one block per
domain event - what happened, at which stage, who did it, on whose behalf, and why.

Bitrix24 is the company's record, so the texts are in the company's language (Russian),
whatever the language of the person who acted in Telegram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from domain.register_approval import Decision, Event
from domain.register_route import Stage

COMMENT_MAX = 3000  # the comments of one move; a reason is at most a few hundred characters

Line = Callable[[Event, Mapping[str, str]], str]


def event_lines(events: Sequence[Event], names: Mapping[str, str]) -> str:
    """The comment for ``events`` (empty when none of them is worth one)."""
    blocks = [_LINES[e.action](e, names) for e in events if e.action in _LINES]
    text = "\n\n".join(block for block in blocks if block)
    return text if len(text) <= COMMENT_MAX else text[: COMMENT_MAX - 1] + "…"


def stage_title(stage: Stage | str | None) -> str:
    if stage is None:
        return "—"
    return Stage(stage).role.title_ru


def _who(event: Event, names: Mapping[str, str], label: str) -> list[str]:
    lines = [f"{label}: {names.get(event.actor, event.actor)}"]
    if event.on_behalf_of:
        lines.append(f"За: {names.get(event.on_behalf_of, event.on_behalf_of)}")
    return lines


def _reason(event: Event) -> list[str]:
    return [f"Причина: {event.reason}"] if event.reason else []


def _decided(event: Event, names: Mapping[str, str]) -> str:
    verdict = "Одобрено" if event.new == Decision.APPROVE else "Отклонено"
    head = f"{verdict} на этапе «{stage_title(event.stage)}»."
    if event.old is not None:
        head = f"Решение изменено. {head}"
    return "\n".join([head, *_who(event, names, "Решение"), *_reason(event)])


def _simple(head: str, label: str = "Кто") -> Line:
    def line(event: Event, names: Mapping[str, str]) -> str:
        return "\n".join([head, *_who(event, names, label), *_reason(event)])

    return line


def _stage_entered(event: Event, names: Mapping[str, str]) -> str:
    return f"Реестр на этапе «{stage_title(event.stage)}»."


def _sent_on(event: Event, names: Mapping[str, str]) -> str:
    head = f"Этап «{stage_title(event.stage)}» завершён, реестр отправлен дальше."
    return "\n".join([head, *_who(event, names, "Отправил")])


def _returned(event: Event, names: Mapping[str, str]) -> str:
    head = f"Реестр возвращён бухгалтеру на доработку с этапа «{stage_title(event.stage)}»."
    return "\n".join([head, *_who(event, names, "Вернул"), *_reason(event)])


_LINES: dict[str, Line] = {
    "register.item.decided": _decided,
    "register.item.withdrawn": _simple("Платёж отозван бухгалтером.", "Отозвал"),
    "register.submitted": _simple("Реестр отправлен на согласование.", "Отправил"),
    "register.resubmitted": _simple(
        "Реестр исправлен и снова отправлен на согласование.", "Отправил"
    ),
    "register.stage.entered": _stage_entered,
    "register.sent_on": _sent_on,
    "register.approved": lambda event, names: "Реестр согласован полностью.",
    "register.rejected": lambda event, names: "Реестр отклонён: ни один платёж не одобрен.",
    "register.returned": _returned,
    "register.withdrawn": _simple("Реестр отозван бухгалтером.", "Отозвал"),
    "register.closed_at_cutoff": lambda event, names: (
        "Срок согласования прошёл: реестр закрыт, несогласованные платежи не оплачиваются."
    ),
}
