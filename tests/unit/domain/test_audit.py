import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.audit import (
    GENESIS,
    AuditEntry,
    StoredEntry,
    canonical_bytes,
    chain_hash,
    jsonable,
    seal,
    verify_chain,
)
from domain.errors import AuditError, DomainError

T0 = datetime(2026, 12, 14, 11, 0, tzinfo=UTC)


def entry(seq: int, **changes: object) -> AuditEntry:
    base = AuditEntry(
        seq=seq,
        occurred_at=T0 + timedelta(minutes=seq),
        actor="sidorov",
        action="register.item.decided",
        entity_type="payment_item",
        entity_id=str(100 + seq),
        on_behalf_of=None,
        old={"decision": None},
        new={"decision": "approved", "amount": Decimal("1234.50")},
        reason=None,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def chain(contents: list[AuditEntry]) -> list[StoredEntry]:
    stored: list[StoredEntry] = []
    for content in contents:
        stored.append(seal(content, stored[-1].hash if stored else GENESIS))
    return stored


def test_a_sound_chain_verifies() -> None:
    result = verify_chain(chain([entry(n) for n in range(1, 6)]))
    assert result.ok and result.checked == 5
    assert result.first_broken_seq is None and result.reason is None


def test_an_empty_chain_is_sound() -> None:
    assert verify_chain([]).ok


def test_the_canonical_form_is_stable() -> None:
    content = entry(
        1, occurred_at=datetime(2026, 12, 14, 14, 0, tzinfo=timezone(timedelta(hours=3)))
    )
    assert json.loads(canonical_bytes(content)) == {
        "seq": 1,
        "occurred_at": "2026-12-14T11:00:00+00:00",
        "actor": "sidorov",
        "on_behalf_of": None,
        "action": "register.item.decided",
        "entity_type": "payment_item",
        "entity_id": "101",
        "old": {"decision": None},
        "new": {"decision": "approved", "amount": "1234.50"},
        "reason": None,
    }
    assert canonical_bytes(content).startswith(b'{"action":"register.item.decided","actor"')
    assert chain_hash(GENESIS, content) == GOLDEN_HASH


GOLDEN_HASH = "22132272733bab1b728b44808c141389fca9e174493080113aa17245cd413b9d"


def test_key_order_does_not_change_the_hash() -> None:
    a = entry(1, new={"x": 1, "y": [1, "2", {"z": True}]})
    b = entry(1, new={"y": [1, "2", {"z": True}], "x": 1})
    assert chain_hash(GENESIS, a) == chain_hash(GENESIS, b)


def test_stored_json_values_hash_like_the_originals() -> None:
    original = entry(1, new={"amount": Decimal("10.00"), "day": date(2026, 1, 2), "at": T0})
    stored = entry(1, new=json.loads(json.dumps(jsonable(original.new))))
    assert chain_hash(GENESIS, original) == chain_hash(GENESIS, stored)


@pytest.mark.parametrize(
    "changes",
    [
        {"new": {"amount": 1.5}},
        {"old": {"set": {1, 2}}},
        {"new": {1: "non-string key"}},
        {"occurred_at": datetime(2026, 1, 1)},  # noqa: DTZ001 - naive on purpose
        {"seq": 0},
        {"actor": ""},
    ],
)
def test_content_that_cannot_be_hashed_deterministically_is_refused(
    changes: dict[str, object],
) -> None:
    with pytest.raises(AuditError) as caught:
        seal(dataclasses.replace(entry(1), **changes), GENESIS)  # type: ignore[arg-type]
    assert isinstance(caught.value, DomainError)


def test_deleting_an_entry_in_the_middle_is_detected() -> None:
    stored = chain([entry(n) for n in range(1, 6)])
    result = verify_chain(stored[:2] + stored[3:])
    assert not result.ok
    assert (result.checked, result.first_broken_seq) == (2, 4)
    assert result.reason is not None and "ожидалась запись №3" in result.reason


def test_deleting_the_first_entry_is_detected() -> None:
    result = verify_chain(chain([entry(n) for n in range(1, 4)])[1:])
    assert (result.ok, result.first_broken_seq) == (False, 2)


def test_reordering_is_detected() -> None:
    stored = chain([entry(n) for n in range(1, 5)])
    result = verify_chain([stored[0], stored[2], stored[1], stored[3]])
    assert (result.ok, result.checked, result.first_broken_seq) == (False, 1, 3)


def test_a_rehashed_entry_still_breaks_its_successor() -> None:
    stored = chain([entry(n) for n in range(1, 4)])
    forged = seal(entry(2, actor="intruder"), stored[0].hash)
    result = verify_chain([stored[0], forged, stored[2]])
    assert (result.ok, result.first_broken_seq) == (False, 3)
    assert result.reason is not None and "prev_hash" in result.reason


def test_verification_can_start_from_a_trusted_checkpoint() -> None:
    stored = chain([entry(n) for n in range(1, 6)])
    result = verify_chain(stored[3:], start_prev_hash=stored[2].hash, start_seq=4)
    assert (result.ok, result.checked, result.last_hash) == (True, 2, stored[-1].hash)


# --- property: any single changed stored field is detected and names its entry ---------

texts = st.text(max_size=12)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    texts,
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)
payloads = st.one_of(st.none(), st.dictionaries(texts, scalars, max_size=4))
moments = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2040, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@st.composite
def contents(draw: st.DrawFn, seq: int) -> AuditEntry:
    return AuditEntry(
        seq=seq,
        occurred_at=draw(moments),
        actor=draw(st.sampled_from(["system", "sidorov", "petrov"])),
        action=draw(st.sampled_from(["org.import", "register.item.decided"])),
        entity_type=draw(texts),
        entity_id=draw(texts),
        on_behalf_of=draw(st.one_of(st.none(), texts)),
        old=draw(payloads),
        new=draw(payloads),
        reason=draw(st.one_of(st.none(), texts)),
    )


@st.composite
def chains(draw: st.DrawFn) -> list[StoredEntry]:
    size = draw(st.integers(1, 5))
    return chain([draw(contents(seq)) for seq in range(1, size + 1)])


CONTENT_FIELDS = [f.name for f in dataclasses.fields(AuditEntry)]
STORED_FIELDS = ["prev_hash", "hash"]


def different(draw: st.DrawFn, name: str, current: object) -> object:
    if name == "seq":
        return draw(st.integers(-3, 50).filter(lambda v: v != current))
    if name == "occurred_at":
        assert isinstance(current, datetime)
        shift = draw(st.integers(-(10**9), 10**9).filter(bool))
        return current + timedelta(microseconds=shift)
    if name in {"old", "new"}:
        return draw(payloads.filter(lambda v: jsonable(v) != jsonable(current)))
    if name in {"on_behalf_of", "reason"}:
        return draw(st.one_of(st.none(), texts).filter(lambda v: v != current))
    if name in STORED_FIELDS:
        return draw(
            st.one_of(texts, st.from_regex(r"[0-9a-f]{64}", fullmatch=True)).filter(
                lambda v: v != current
            )
        )
    return draw(texts.filter(lambda v: v != current))


@given(st.data(), chains(), st.sampled_from(CONTENT_FIELDS + STORED_FIELDS))
def test_changing_any_single_field_of_any_entry_is_detected(
    data: st.DataObject, stored: list[StoredEntry], name: str
) -> None:
    index = data.draw(st.integers(0, len(stored) - 1))
    target = stored[index]
    if name in STORED_FIELDS:
        value = data.draw(
            st.composite(lambda draw: different(draw, name, getattr(target, name)))()
        )
        tampered = dataclasses.replace(target, **{name: value})  # type: ignore[arg-type]
    else:
        value = data.draw(
            st.composite(lambda draw: different(draw, name, getattr(target.entry, name)))()
        )
        tampered = dataclasses.replace(
            target,
            entry=dataclasses.replace(target.entry, **{name: value}),  # type: ignore[arg-type]
        )
    result = verify_chain([*stored[:index], tampered, *stored[index + 1 :]])
    assert not result.ok
    assert result.checked == index
    assert result.first_broken_seq == tampered.entry.seq
    assert result.reason is not None and f"запись №{tampered.entry.seq}" in result.reason


EVERY_FIELD_CHANGED: dict[str, object] = {
    "seq": 7,
    "occurred_at": T0 + timedelta(minutes=2, microseconds=1),
    "actor": "petrov",
    "on_behalf_of": "sidorov",
    "action": "register.item.withdrawn",
    "entity_type": "register",
    "entity_id": "999",
    "old": {"decision": "rejected"},
    "new": {"decision": "approved", "amount": Decimal("1234.51")},
    "reason": "Нет бюджета",
}


@pytest.mark.parametrize("name", [*CONTENT_FIELDS, *STORED_FIELDS])
def test_every_stored_field_of_a_middle_entry_is_covered_by_the_chain(name: str) -> None:
    stored = chain([entry(n) for n in range(1, 4)])
    middle = stored[1]
    if name in STORED_FIELDS:
        tampered = dataclasses.replace(middle, **{name: "f" * 64})  # type: ignore[arg-type]
    else:
        changed = dataclasses.replace(middle.entry, **{name: EVERY_FIELD_CHANGED[name]})  # type: ignore[arg-type]
        tampered = dataclasses.replace(middle, entry=changed)
    result = verify_chain([stored[0], tampered, stored[2]])
    assert (result.ok, result.checked) == (False, 1)
    assert result.first_broken_seq == tampered.entry.seq
