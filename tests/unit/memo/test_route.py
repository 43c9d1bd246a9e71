"""Suggested intermediate approvers and the checks of a chosen chain."""

from __future__ import annotations

import pytest

from domain.errors import UnknownPersonError
from domain.memo import RouteError, StepKind, plan_route, suggested_approvers
from domain.roles import Role
from tests.unit.memo.builders import sample_org

ORG = sample_org()


@pytest.mark.parametrize(
    ("author", "executor", "toggle", "suggested"),
    [
        # the department director is final by default, so only the DC director is offered
        ("egorov", "kuznetsov", False, ("sidorov",)),
        # with an accountant executor the finance director is final: both directors offered
        ("egorov", "smirnova", False, ("sidorov", "petrov")),
        ("egorov", "smirnova", True, ("sidorov", "petrov")),
        # a DC director is not offered to himself
        ("sidorov", "kuznetsov", False, ()),
        ("sidorov", "smirnova", False, ("petrov",)),
        # an accountant's DC is the first DC she keeps the books of
        ("ivanova", "smirnova", False, ("sidorov", "petrov")),
        # a department director writing to a non-accountant: GD is final, he is the author
        ("petrov", "kuznetsov", False, ()),
        # head office has no DC and no department
        ("kazna", "smirnova", False, ()),
    ],
)
def test_the_suggested_approvers_are_the_authors_dc_and_department_directors(
    author: str, executor: str, toggle: bool, suggested: tuple[str, ...]
) -> None:
    assert (
        suggested_approvers(ORG, author=author, executor=executor, with_general_director=toggle)
        == suggested
    )


def test_a_route_lists_intermediate_stops_in_order_then_the_final_ones() -> None:
    route = plan_route(
        ORG,
        author="egorov",
        executor="smirnova",
        approvers=["petrov", "sidorov"],
        with_general_director=True,
    )
    assert route.people == ("petrov", "sidorov", "findir", "gendir")
    assert [s.kind for s in route.stops] == [StepKind.INTERMEDIATE] * 2 + [StepKind.FINAL] * 2
    assert [s.role for s in route.intermediate] == [Role.DEPARTMENT_DIRECTOR, Role.DC_DIRECTOR]


def test_four_intermediate_approvers_fit_and_the_final_one_is_not_counted() -> None:
    approvers = ["sidorov", "petrov", "kuznetsov", "glavbuh"]
    route = plan_route(
        ORG, author="egorov", executor="smirnova", approvers=approvers, with_general_director=True
    )
    assert len(route.intermediate) == 4
    assert len(route.final) == 2


@pytest.mark.parametrize(
    ("approvers", "limit", "message"),
    [
        (["sidorov", "petrov", "kuznetsov", "glavbuh", "kazna"], 4, "не может быть больше 4"),
        (["sidorov"], 0, "не может быть больше 0"),
        (["sidorov", "egorov"], 4, "Автор не может быть согласующим"),
        (["sidorov", "sidorov"], 4, "Сидоров Николай Викторович уже есть в цепочке"),
        (["findir"], 4, "Фёдорова Елена Викторовна согласует записку последним"),
    ],
)
def test_a_chain_that_breaks_the_rules_is_refused_saying_why(
    approvers: list[str], limit: int, message: str
) -> None:
    with pytest.raises(RouteError, match=message):
        plan_route(
            ORG,
            author="egorov",
            executor="smirnova",
            approvers=approvers,
            with_general_director=False,
            max_approvers=limit,
        )


def test_an_unknown_person_in_the_chain_or_as_executor_is_refused() -> None:
    with pytest.raises(UnknownPersonError):
        plan_route(
            ORG, author="egorov", executor="smirnova", approvers=["nobody"],
            with_general_director=False,
        )  # fmt: skip
    with pytest.raises(UnknownPersonError):
        plan_route(
            ORG, author="egorov", executor="nobody", approvers=[], with_general_director=False
        )
