"""The ``memo.task`` outbox message: create the executor's Bitrix24 task of an approved memo
(built by ``services.memos.MemoTaskFeed``, delivered by ``b24sync.handlers_memo``). A
light module on purpose: the relay imports it without the PDF renderer."""

from __future__ import annotations

from services.outbox_ports import NewOutboxMessage

MEMO_TASK_KIND = "memo.task"
MEMO_ENTITY = "memo"
TITLE_MAX = 250


def memo_task_message(memo_id: int, number: str, fields: dict[str, object]) -> NewOutboxMessage:
    """Create the task holding ``fields`` (tasks.task.add), once.

    Payload: ``memo_id``, ``number`` (the relay finds a task made by an earlier attempt by
    «№<number>:» in its title) and ``fields`` (TITLE, DESCRIPTION, RESPONSIBLE_ID,
    CREATED_BY, UF_TASK_WEBDAV_FILES). Ordered per memo.
    """
    payload = {"memo_id": memo_id, "number": number, "fields": fields}
    return NewOutboxMessage(MEMO_ENTITY, str(memo_id), MEMO_TASK_KIND, payload)


def task_title(number: str, title: str) -> str:
    """«Служебная записка №СЗ-2026-000123: <title>» (Bitrix24 keeps 250 characters)."""
    return f"Служебная записка №{number}: {title}"[:TITLE_MAX]


def task_marker(number: str) -> str:
    """What a task's title holds for the memo ``number``, to find it again."""
    return f"№{number}:"
