"""The register mirror's pure parts: a payment's Bitrix24 stage as a function of its state,
the timeline comments, and the ``[bitrix24.registers]`` config."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.application import register_mirror
from bot.config import ConfigError, load_settings
from domain.register_approval import Decision, Event, Item, ItemStatus, RegisterApproval
from domain.register_approval import RegisterStatus as S
from domain.register_route import DEFAULT_ROUTE, ActingAs, Stage
from services.register_mirror import item_stage, register_stage
from services.register_mirror_texts import event_lines

ROUTE = tuple(stage.value for stage in Stage)
ALL = (Stage.DC_DIRECTOR, Stage.CHIEF_ACCOUNTANT, Stage.FINANCE_DIRECTOR)


def approval(*items: Item, status: S = S.IN_APPROVAL, at: int | None = 0) -> RegisterApproval:
    return RegisterApproval(1, status, DEFAULT_ROUTE, list(items), stage_index=at)


def item(stages: tuple[Stage, ...] = ALL, **changes: object) -> Item:
    made = Item(id=1, position=1, amount=Decimal("10.00"), status=ItemStatus.PENDING,
                stages=stages)  # fmt: skip
    for name, value in changes.items():
        setattr(made, name, value)
    return made


big_approved = item((*ALL, Stage.GENERAL_DIRECTOR), decision=Decision.APPROVE)


@pytest.mark.parametrize(
    ("payment", "at", "status", "expected"),
    [
        (item(), 0, S.IN_APPROVAL, "dc_director"),
        (item(decision=Decision.APPROVE), 0, S.IN_APPROVAL, "chief_accountant"),
        (item(decision=Decision.APPROVE), 2, S.IN_APPROVAL, "approved"),  # its last stage
        (big_approved, 2, S.IN_APPROVAL, "general_director"),
        (item(decision=Decision.REJECT), 1, S.IN_APPROVAL, "rejected"),
        (item(status=ItemStatus.REJECTED), None, S.APPROVED, "rejected"),
        (item(status=ItemStatus.APPROVED), None, S.APPROVED, "approved"),
        (item(status=ItemStatus.WITHDRAWN), 0, S.IN_APPROVAL, "withdrawn"),
        (item(status=ItemStatus.MISSED), None, S.CLOSED, "missed"),
        (item(decision=Decision.APPROVE), None, S.RETURNED, "returned"),
    ],
)
def test_a_payments_stage_follows_its_state(payment, at, status, expected):
    assert item_stage(payment, approval(payment, status=status, at=at)) == expected


@pytest.mark.parametrize(
    ("status", "at", "expected"),
    [(S.IN_APPROVAL, 1, "chief_accountant"), (S.RETURNED, None, "returned"),
     (S.APPROVED, None, "approved"), (S.REJECTED, None, "rejected"),
     (S.WITHDRAWN, None, "withdrawn"),
     (S.CLOSED, None, "closed")],
)  # fmt: skip
def test_a_registers_stage_follows_its_state(status, at, expected):
    assert register_stage(approval(item(), status=status, at=at)) == expected


def test_every_decision_is_one_comment_naming_who_for_whom_and_why():
    register = approval(item())
    register.decide(1, ActingAs("petrov", "sidorov"), Decision.REJECT, "Нет бюджета")
    register.decide(1, ActingAs("petrov", "sidorov"), Decision.APPROVE)
    names = {"petrov": "Петров Сергей Иванович", "sidorov": "Сидоров Николай Викторович"}
    first, second = (event_lines([e], names) for e in register.events)
    assert first.split("\n") == [
        "Отклонено на этапе «Директор дилерского центра».",
        "Решение: Петров Сергей Иванович",
        "За: Сидоров Николай Викторович",
        "Причина: Нет бюджета",
    ]
    assert second.startswith("Решение изменено. Одобрено на этапе")
    assert event_lines([Event("register.cancelled", "ivanova")], names) == ""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def registers_section(drop: str = "") -> str:
    register = [*ROUTE, "returned", "approved", "rejected", "withdrawn", "closed"]
    payment = [*ROUTE, "approved", "rejected", "withdrawn", "missed", "returned"]
    return (
        '[bitrix24]\nwebhook_url = "https://b24.example/rest/1/s/"\n'
        '[bitrix24.registers]\nentity_type_id = 1038\nid_field = "ufCrm5VizaId"\n'
        'register_field = "ufCrm5VizaRegister"\n[bitrix24.registers.register_stages]\n'
        + "".join(f'{k} = "DT1038_7:{k.upper()}"\n' for k in register)
        + "[bitrix24.registers.item_stages]\n"
        + "".join(f'{k} = "DT1038_8:{k.upper()}"\n' for k in payment if k != drop)
    )


def test_the_mirror_is_on_only_with_bitrix24_and_a_smart_process(tmp_path):
    assert register_mirror(load_settings(write(tmp_path, "[bitrix24]\n"))) is None
    mirror = register_mirror(load_settings(write(tmp_path, registers_section())))
    assert mirror is not None and mirror.settings.item_stages["missed"] == "DT1038_8:MISSED"


def test_a_missing_stage_id_stops_the_start_and_names_it(tmp_path):
    with pytest.raises(ConfigError, match="missed"):
        load_settings(write(tmp_path, registers_section(drop="missed")))
