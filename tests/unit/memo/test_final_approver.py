"""The final-approver rule (PRODUCT §4) for every kind of author, executor and toggle."""

from __future__ import annotations

import itertools

import pytest

from domain.memo import NoFinalApprover, RouteStop, StepKind, final_approvers
from domain.org import OrgDirectory
from domain.roles import Role
from tests.unit.memo.builders import sample_org, with_roles

# The chief accountant of the sample also holds `accountant`; this org makes her a chief
# accountant only, so that each role is checked on its own.
ORG = with_roles(sample_org(), "glavbuh", {Role.CHIEF_ACCOUNTANT})
DEPARTMENT = RouteStop("petrov", StepKind.FINAL, Role.DEPARTMENT_DIRECTOR)
FINANCE = RouteStop("findir", StepKind.FINAL, Role.FINANCE_DIRECTOR)
GENERAL = RouteStop("gendir", StepKind.FINAL, Role.GENERAL_DIRECTOR)

AUTHORS = {
    "home DC only": "egorov",  # a sales manager of ekb-toyota (department ural-sib)
    "DC director": "sidorov",  # runs ekb-toyota
    "DC accountant": "ivanova",  # keeps the books of two ekb DCs
    "department director": "petrov",  # is the default final approver himself
    "head office": "kazna",  # no department at all
}
EXECUTORS = {
    "accountant": "smirnova",
    "chief accountant": "glavbuh",
    "other": "kuznetsov",
}


def expected(author: str, executor: str, toggle: bool) -> list[RouteStop]:
    if executor in ("accountant", "chief accountant"):
        default = [FINANCE]
    elif author in ("department director", "head office"):
        default = []  # nobody approves their own memo; head office has no department
    else:
        default = [DEPARTMENT]
    return [*default, GENERAL] if toggle or not default else default


@pytest.mark.parametrize(
    ("author", "executor", "toggle"),
    list(itertools.product(AUTHORS, EXECUTORS, [False, True])),
)
def test_the_final_approver_follows_the_executor_role_and_the_toggle(
    author: str, executor: str, toggle: bool
) -> None:
    stops = final_approvers(
        ORG,
        author=AUTHORS[author],
        executor=EXECUTORS[executor],
        with_general_director=toggle,
    )
    assert list(stops) == expected(author, executor, toggle)


def test_an_accountant_through_a_dc_counts_like_one_named_in_roles() -> None:
    assert ORG.person("smirnova").roles == frozenset()  # accountant only through her DCs
    assert final_approvers(
        ORG, author="egorov", executor="smirnova", with_general_director=False
    ) == (FINANCE,)


def test_the_finance_director_writing_to_an_accountant_goes_to_the_general_director() -> None:
    stops = final_approvers(ORG, author="findir", executor="smirnova", with_general_director=True)
    assert stops == (GENERAL,)


def test_the_general_director_is_not_asked_to_approve_his_own_memo_twice() -> None:
    to_accountant = final_approvers(
        ORG, author="gendir", executor="smirnova", with_general_director=True
    )
    to_anyone = final_approvers(
        ORG, author="gendir", executor="kuznetsov", with_general_director=True
    )
    assert to_accountant == (FINANCE,)
    assert to_anyone == (GENERAL,)  # nobody above him: he signs his own memo


def _without(org: OrgDirectory, role: Role) -> OrgDirectory:
    for person in org.holders_of(role):
        org = with_roles(org, person.code, set(person.roles) - {role})
    return org


def test_without_a_finance_director_the_general_director_approves_last() -> None:
    org = _without(ORG, Role.FINANCE_DIRECTOR)
    stops = final_approvers(org, author="egorov", executor="smirnova", with_general_director=False)
    assert stops == (GENERAL,)


def test_an_org_with_nobody_to_approve_last_is_refused_in_russian() -> None:
    org = _without(_without(ORG, Role.FINANCE_DIRECTOR), Role.GENERAL_DIRECTOR)
    with pytest.raises(NoFinalApprover, match="итогового согласующего"):
        final_approvers(org, author="kazna", executor="smirnova", with_general_director=True)
