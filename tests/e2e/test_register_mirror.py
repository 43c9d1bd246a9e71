"""The mirror of registers end to end (PRODUCT §6): the real bot process with the relay
running inside it, the Telegram emulator, and the Bitrix24 emulator. Decisions made by taps
become the payments' stages and timeline comments in Bitrix24 - in order and exactly once,
across an outage (503 pages, then refused connections) and across the bot killed with
SIGKILL mid-delivery; an approver without Telegram is told through ``im.notify.system.add``.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from sandbox.telegram import SandboxTelegramClient
from sandbox.telegram.client_types import ChatMessage
from tests.e2e.bitrix24_thread import REGISTER_FIELD, VIZA_ID, PortalThread, mirror_config, stage
from tests.e2e.harness import FIXTURES, Stack
from tests.e2e.test_register_approval import (
    GLAVBUH,
    IVANOVA,
    SIDOROV,
    approve_rest_and_send,
    card_of,
    has_button,
    query,
    start_chats,
    submit_ekb,
)

T = TypeVar("T")
NOVIKOVA, POPOV_BITRIX = 500034, 24  # the nsk-lexus accountant; its director has no Telegram
NSK = (FIXTURES / "registers" / "nsk-lexus_2026-11-30.txt").read_bytes()


@pytest.fixture(scope="module")
def portal() -> Iterator[PortalThread]:
    running = PortalThread()
    yield running
    running.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, portal: PortalThread) -> Iterator[Stack]:
    workdir: Path = tmp_path_factory.mktemp("e2e-mirror")
    running = Stack(workdir, extra_config=mirror_config(portal.port))
    running.start()
    yield running
    running.stop()


async def until(portal: PortalThread, check: Callable[[Any], T], seconds: float = 20) -> T:
    """Poll the portal until ``check(state)`` is truthy; returns it."""
    deadline = time.monotonic() + seconds
    while True:
        found = await portal.read(check)
        if found:
            return found
        assert time.monotonic() < deadline, f"Bitrix24 did not get there: {found!r}"
        await asyncio.sleep(0.1)


def mirrored(state: Any, register_id: int) -> dict[str, dict[str, Any]]:
    """The register's smart-process items by our id (asserting none was made twice)."""
    items = [i for i in state.items.values() if i.get(REGISTER_FIELD) == f"register:{register_id}"]
    by_id = {item[VIZA_ID]: item for item in items}
    assert len(by_id) == len(items), "an item was made twice"
    return by_id


def comments(state: Any, item: dict[str, Any]) -> list[str]:
    found = sorted((c for c in state.comments if c["ENTITY_ID"] == item["id"]),
                   key=lambda c: c["id"])  # fmt: skip
    return [c["COMMENT"] for c in found]


def item_ids(stack: Stack, register_id: int) -> dict[int, int]:
    rows = query(stack, "select position, id from register_item where register_id = ?",
                 register_id)  # fmt: skip
    return dict(rows)


async def tap(tg: SandboxTelegramClient, user_id: int, card: ChatMessage, text: str) -> None:
    await tg.user(user_id).press(card.message_id, text=text)
    await tg.user(user_id).wait_for_edit(card.message_id, has_button("Отправить дальше"))


async def reject(tg: SandboxTelegramClient, user_id: int, card: ChatMessage, n: int,
                 reason: str) -> None:  # fmt: skip
    user = tg.user(user_id)
    await user.press(card.message_id, text=f"❌ {n}")
    await user.wait_for_edit(card.message_id, has_button(reason))
    await user.press(card.message_id, text=reason)
    await user.wait_for_edit(card.message_id, has_button(f"❌ {n}"))


async def mirrored_register(tg: SandboxTelegramClient, portal: PortalThread) -> int:
    register_id = await submit_ekb(tg)
    await until(portal, lambda s: len(mirrored(s, register_id)) == 25)
    return register_id


async def test_decisions_by_taps_become_stages_and_comments(tg, stack, portal):
    await start_chats(tg, IVANOVA, SIDOROV, GLAVBUH)
    register_id = await mirrored_register(tg, portal)
    ids = item_ids(stack, register_id)
    card = await card_of(tg, SIDOROV, register_id)
    await reject(tg, SIDOROV, card, 1, "Нет бюджета")
    await tap(tg, SIDOROV, card, "✅ 2")

    def decided(state: Any) -> bool:
        items = mirrored(state, register_id)
        first, second = items[f"register_item:{ids[1]}"], items[f"register_item:{ids[2]}"]
        return first["stageId"] == stage("rejected") and bool(comments(state, second))

    await until(portal, decided)
    state = await portal.read(lambda s: s)
    items = mirrored(state, register_id)
    [rejected] = comments(state, items[f"register_item:{ids[1]}"])
    assert rejected.startswith("Отклонено на этапе «Директор дилерского центра».")
    assert "Решение: Сидоров Николай Викторович" in rejected and "Причина: Нет бюджета" in rejected
    assert items[f"register_item:{ids[2]}"]["stageId"] == stage("chief_accountant")
    assert items[f"register_item:{ids[3]}"]["stageId"] == stage("dc_director")

    await approve_rest_and_send(tg, SIDOROV, card)
    at_glavbuh = stage("chief_accountant", register=True)
    state = await until(portal, lambda s: s if mirrored(s, register_id)[
        f"register:{register_id}"]["stageId"] == at_glavbuh else None)  # fmt: skip
    items = mirrored(state, register_id)
    assert {items[f"register_item:{ids[n]}"]["stageId"] for n in range(2, 25)} == {
        stage("chief_accountant")
    }
    assert all(len(comments(state, items[f"register_item:{ids[n]}"])) == 1 for n in ids)
    assert "Этап «Директор дилерского центра» завершён" in "\n".join(
        comments(state, items[f"register:{register_id}"])
    )


async def test_decisions_made_while_bitrix24_is_down_arrive_once_and_in_order(tg, stack, portal):
    await start_chats(tg, IVANOVA, SIDOROV)
    register_id = await mirrored_register(tg, portal)
    ids = item_ids(stack, register_id)
    card = await card_of(tg, SIDOROV, register_id)
    calls_before = await portal.read(lambda s: len(s.calls))
    await portal.fault(kind="down", mode="503")  # a proxy answers 503 pages
    await tap(tg, SIDOROV, card, "✅ 1")
    await reject(tg, SIDOROV, card, 2, "Дубль")
    await until(portal, lambda s: any(c["status"] == 503 for c in s.calls[calls_before:]))
    await portal.clear_faults()
    await portal.call(portal.emulator.pause())  # now connections are refused
    await tap(tg, SIDOROV, card, "✅ 2")  # changes the decision
    await reject(tg, SIDOROV, card, 3, "Перенести")
    await asyncio.sleep(1.0)  # the relay keeps trying against a closed port
    await portal.call(portal.emulator.resume())

    def arrived(state: Any) -> Any:  # each entity retries on its own backoff: wait for all
        items = mirrored(state, register_id)
        first, second, third = (items[f"register_item:{ids[n]}"] for n in (1, 2, 3))
        done = comments(state, first) and len(comments(state, second)) >= 2
        return state if done and comments(state, third) else None

    state = await until(portal, arrived)
    await asyncio.sleep(0.5)  # anything still to come would come now
    state = await portal.read(lambda s: s)
    items = mirrored(state, register_id)
    first, second, third = (items[f"register_item:{ids[n]}"] for n in (1, 2, 3))
    assert [c.split("\n")[0] for c in comments(state, first)] == [
        "Одобрено на этапе «Директор дилерского центра»."
    ]
    assert [c.split("\n")[0] for c in comments(state, second)] == [
        "Отклонено на этапе «Директор дилерского центра».",
        "Решение изменено. Одобрено на этапе «Директор дилерского центра».",
    ]
    assert "Причина: Перенести" in comments(state, third)[0] and len(comments(state, third)) == 1
    history = [h["fields"]["stageId"] for h in state.item_history if h["id"] == second["id"]]
    assert history[-2:] == [stage("rejected"), stage("chief_accountant")]  # in order
    assert (first["stageId"], third["stageId"]) == (stage("chief_accountant"), stage("rejected"))
    assert "refused" in stack.bot_log() or "Cannot connect" in stack.bot_log()


async def test_the_bot_killed_mid_delivery_leaves_no_duplicate_and_loses_nothing(
    tg, stack, portal
):
    await start_chats(tg, IVANOVA, SIDOROV)
    register_id = await mirrored_register(tg, portal)
    ids = item_ids(stack, register_id)
    card = await card_of(tg, SIDOROV, register_id)
    # The portal runs the relay's next batch, then never answers it.
    await portal.fault(kind="delay", stage="after", method="batch", seconds=30)
    sidorov = tg.user(SIDOROV)
    await sidorov.press(card.message_id, text="Одобрить все оставшиеся")
    confirm = await sidorov.wait_for_edit(
        card.message_id, lambda m: any(b.text.startswith("Да, одобрить") for b in m.buttons)
    )
    await sidorov.press(card.message_id, text=next(
        b.text for b in confirm.buttons if b.text.startswith("Да, одобрить")))  # fmt: skip

    def all_commented(state: Any) -> bool:
        items = mirrored(state, register_id)
        return all(comments(state, items[f"register_item:{ids[n]}"]) for n in ids)

    await until(portal, all_commented)
    stack.stop_bot(signal.SIGKILL)  # the batch ran; its answer never reached the bot
    await portal.clear_faults()
    stack.start_bot()
    await sidorov.press(card.message_id, text="Отправить дальше")  # a decision after restart

    at_glavbuh = stage("chief_accountant", register=True)
    state = await until(portal, lambda s: s if mirrored(s, register_id)[
        f"register:{register_id}"]["stageId"] == at_glavbuh else None)  # fmt: skip
    await asyncio.sleep(0.5)
    state = await portal.read(lambda s: s)
    items = mirrored(state, register_id)
    assert len(items) == 25
    looked = [cmd["method"] for c in state.calls for cmd in c.get("commands") or []]
    assert "crm.timeline.comment.list" in looked  # the restarted relay checked before adding
    assert [len(comments(state, items[f"register_item:{ids[n]}"])) for n in ids] == [1] * 24
    decided = query(stack, "select count(*) from audit_log where action = "
                    "'register.item.decided' and entity_id = ?", str(register_id))  # fmt: skip
    assert decided == [(24,)]
    assert {items[f"register_item:{ids[n]}"]["stageId"] for n in ids} == {
        stage("chief_accountant")
    }
    reconciled = stack.viza("b24", "reconcile", "--no-people")
    assert reconciled.returncode == 0, reconciled.stderr
    assert "registers: проверено" in reconciled.stdout
    assert "расхождений 0" in reconciled.stdout.split("registers:")[1].split("\n")[0]


async def test_an_approver_without_telegram_is_told_in_bitrix24(tg, stack, portal):
    novikova = tg.user(NOVIKOVA)
    await start_chats(tg, NOVIKOVA)
    await novikova.send_document("nsk-lexus_2026-11-30.txt", NSK)
    status = await novikova.wait_for_message(contains="Проверяю файл")
    draft = await novikova.wait_for_edit(status.message_id, contains="Платежей: 6")
    register_id = int(draft.text.split("№")[1].split()[0])
    await novikova.press(draft.message_id, text="✅ Отправить на согласование")

    def told(state: Any) -> list[dict[str, Any]]:
        return [n for n in state.notifications
                if n["USER_ID"] == POPOV_BITRIX and f"№{register_id}" in n["MESSAGE"]]  # fmt: skip

    [notice] = await until(portal, told)
    assert "ждёт вашего согласования" in notice["MESSAGE"]
    assert "<" not in notice["MESSAGE"]  # plain text, no HTML
    await until(portal, lambda s: len(mirrored(s, register_id)) == 7)  # and it is mirrored
