"""The register's route as data: which stages an item passes (the general director's
threshold), routes from config, and who may act at a stage (holders and substitutes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.org_model import Substitute
from domain.register_route import (
    DEFAULT_ROUTE,
    ActingAs,
    RouteError,
    RoutePolicy,
    parse_route,
    resolve_actor,
)

POLICY = RoutePolicy(ceo_threshold=Decimal("1000000"))


def test_the_general_director_sees_only_items_at_or_above_the_threshold():
    assert POLICY.item_stages(DEFAULT_ROUTE, Decimal("999999.99")) == DEFAULT_ROUTE[:3]
    assert POLICY.item_stages(DEFAULT_ROUTE, Decimal("1000000.00")) == DEFAULT_ROUTE
    assert POLICY.item_stages(DEFAULT_ROUTE, Decimal("10"), "USD") == DEFAULT_ROUTE


@pytest.mark.parametrize("names", [[], ["boss"], ["dc_director", "dc_director"]])
def test_a_broken_route_in_config_is_refused(names):
    with pytest.raises(RouteError):
        parse_route(names)


# --- who may act: holders and substitutes -------------------------------------------------

AWAY = [Substitute("sokolov", "petrov", date(2026, 12, 14), date(2026, 12, 25))]


@pytest.mark.parametrize(
    ("actor", "day", "expected"),
    [
        ("sokolov", date(2026, 12, 1), ActingAs("sokolov")),
        ("petrov", date(2026, 12, 1), None),
        ("petrov", date(2026, 12, 14), ActingAs("petrov", "sokolov")),
        ("petrov", date(2026, 12, 25), ActingAs("petrov", "sokolov")),
        ("sokolov", date(2026, 12, 20), None),
        ("petrov", date(2026, 12, 26), None),
        ("kuznetsov", date(2026, 12, 20), None),
    ],
)
def test_a_substitute_acts_for_an_absent_holder_only_within_the_dates(actor, day, expected):
    assert resolve_actor(actor, ["sokolov"], AWAY, day) == expected


def test_a_holder_who_also_substitutes_acts_as_themselves():
    holders = ["glavbuh", "glavbuh2"]
    subs = [Substitute("glavbuh2", "glavbuh", date(2026, 1, 1), date(2026, 12, 31))]
    assert resolve_actor("glavbuh", holders, subs, date(2026, 6, 1)) == ActingAs("glavbuh")


def test_a_chain_of_substitutes_reaches_the_last_one_and_a_cycle_keeps_the_holder():
    chain = [
        Substitute("a", "b", date(2026, 1, 1), date(2026, 1, 31)),
        Substitute("b", "c", date(2026, 1, 1), date(2026, 1, 31)),
    ]
    assert resolve_actor("c", ["a"], chain, date(2026, 1, 10)) == ActingAs("c", "a")
    cycle = [*chain, Substitute("c", "a", date(2026, 1, 1), date(2026, 1, 31))]
    assert resolve_actor("a", ["a"], cycle, date(2026, 1, 10)) == ActingAs("a")
