"""How a register's route ends: approved when at least one payment came through every stage
that applies to it, rejected when none did (then nothing is left to withdraw)."""

from __future__ import annotations

import pytest

from domain.register_approval import Decision, ItemStatus, RegisterStatus, TransitionNotAllowed
from tests.unit.approval.test_register_approval import (
    CHIEF,
    DIRECTOR,
    FINDIR,
    pass_stage,
    register,
)


def test_a_route_that_ends_with_every_payment_rejected_ends_the_register_rejected():
    reg = register("100.00", "2000000.00")
    reg.submit("ivanova")
    reg.decide(1, DIRECTOR, Decision.REJECT, "Дубль")
    reg.decide(2, DIRECTOR, Decision.REJECT, "Нет бюджета")
    assert reg.send_on(DIRECTOR) is None
    assert reg.status is RegisterStatus.REJECTED and reg.stage is None
    assert [i.status for i in reg.items] == [ItemStatus.REJECTED] * 2
    assert reg.events[-1].action == "register.rejected"
    assert "register.approved" not in [e.action for e in reg.events]
    with pytest.raises(TransitionNotAllowed, match="ни один платёж не одобрен"):
        reg.withdraw("ivanova")


@pytest.mark.parametrize(
    ("last_word", "end"),
    [(Decision.APPROVE, RegisterStatus.APPROVED), (Decision.REJECT, RegisterStatus.REJECTED)],
)
def test_the_register_is_approved_when_one_payment_came_through_the_whole_route(last_word, end):
    reg = register("100.00", "200.00")
    reg.submit("ivanova")
    reg.decide(1, DIRECTOR, Decision.REJECT, "Дубль")
    reg.decide(2, DIRECTOR, Decision.APPROVE)
    reg.send_on(DIRECTOR)
    pass_stage(reg, CHIEF)
    reg.decide(2, FINDIR, last_word, "Перенести")  # approved earlier: the last stage decides
    reg.send_on(FINDIR)
    assert reg.status is end and reg.stage is None
