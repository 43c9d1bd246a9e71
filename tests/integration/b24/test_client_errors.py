"""The client against the emulator: results, typed errors and the retry rules."""

from __future__ import annotations

from typing import Any

import pytest

from b24sync.client import Bitrix24Client
from b24sync.errors import (
    AccessDenied,
    Bitrix24Error,
    InternalServerError,
    InvalidCredentials,
    MethodNotFound,
    NoAuthFound,
    NotFound,
)
from sandbox.bitrix24 import Bitrix24Control, Bitrix24Emulator

from .conftest import SECRET, SPA, MakeClient, rest_calls


async def test_a_call_returns_the_result_with_total_and_time(client: Bitrix24Client) -> None:
    users = await client.call("user.get")
    raw = await client.call_raw("user.get", {"ID": 1})

    assert [user["ID"] for user in users] == ["1"]
    assert raw.total == 1
    assert raw.next is None
    assert {"start", "finish", "duration", "operating_reset_at"} <= set(raw.time)


async def test_an_added_item_comes_back_in_camel_case(client: Bitrix24Client) -> None:
    fields = {"title": "Реестр 12", "stageId": f"DT{SPA}_7:NEW", "ufCrm7_VizaId": "r-12"}
    added = await client.call("crm.item.add", {"entityTypeId": SPA, "fields": fields})
    item_id = added["item"]["id"]

    got = await client.call("crm.item.get", {"entityTypeId": SPA, "id": item_id})

    assert got["item"]["title"] == "Реестр 12"
    assert got["item"]["ufCrm7_VizaId"] == "r-12"
    assert got["item"]["categoryId"] == 7


FAULTED: list[tuple[dict[str, Any], type[Bitrix24Error], str, int]] = [
    ({"status": 403, "error": "ACCESS_DENIED", "description": "Access denied"},
     AccessDenied, "ACCESS_DENIED", 403),
    ({"status": 401, "error": "NO_AUTH_FOUND", "description": "Wrong authorization data"},
     NoAuthFound, "NO_AUTH_FOUND", 401),
    ({"status": 500, "error": "INTERNAL_SERVER_ERROR", "description": "Internal server error"},
     InternalServerError, "INTERNAL_SERVER_ERROR", 500),
]  # fmt: skip


@pytest.mark.parametrize("case", FAULTED, ids=lambda case: case[2])
async def test_an_error_answer_raises_its_typed_error(
    client: Bitrix24Client,
    control: Bitrix24Control,
    case: tuple[dict[str, Any], type[Bitrix24Error], str, int],
) -> None:
    spec, expected, code, status = case
    await control.add_fault(kind="error", method="crm.item.add", **spec)

    with pytest.raises(expected) as caught:
        await client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": "x"}})

    assert (caught.value.code, caught.value.http_status) == (code, status)
    assert caught.value.description == spec["description"]
    assert caught.value.method == "crm.item.add"


NATURAL: list[tuple[str, dict[str, Any], type[Bitrix24Error], str, int]] = [
    ("no.such.method", {}, MethodNotFound, "ERROR_METHOD_NOT_FOUND", 404),
    ("crm.item.get", {"entityTypeId": SPA, "id": 999}, NotFound, "NOT_FOUND", 400),
    ("crm.item.add", {"entityTypeId": 5, "fields": {}}, NotFound, "NOT_FOUND", 400),
    ("disk.file.get", {"id": 999}, NotFound, "ERROR_NOT_FOUND", 400),
    ("tasks.task.add", {"fields": {"RESPONSIBLE_ID": 1}}, Bitrix24Error, "ERROR_CORE", 400),
]


@pytest.mark.parametrize("case", NATURAL, ids=lambda case: case[0])
async def test_the_portal_s_own_errors_are_typed_by_code_not_status(
    client: Bitrix24Client, case: tuple[str, dict[str, Any], type[Bitrix24Error], str, int]
) -> None:
    method, params, expected, code, status = case

    with pytest.raises(Bitrix24Error) as caught:
        await client.call(method, params)

    assert type(caught.value) is expected
    assert (caught.value.code, caught.value.http_status) == (code, status)


async def test_a_wrong_secret_gives_invalid_credentials_once(
    emulator: Bitrix24Emulator, make_client: MakeClient, control: Bitrix24Control
) -> None:
    wrong = await make_client(f"{emulator.base_url}/rest/1/not-the-secret/")

    with pytest.raises(InvalidCredentials) as caught:
        await wrong.call("user.get")

    assert caught.value.http_status == 401
    assert "not-the-secret" not in str(caught.value)
    assert [c["status"] for c in await control.calls()] == [401]


async def test_a_read_is_retried_after_500_and_then_succeeds(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.add_fault(kind="error", method="user.get", status=500, count=2)

    users = await client.call("user.get")

    assert len(users) == 1
    statuses = [c["status"] for c in rest_calls(await control.calls(), "user.get")]
    assert statuses == [500, 500, 200]


async def test_a_write_is_not_retried_after_500_because_it_may_have_run(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.add_fault(kind="error", method="crm.item.add", status=500, stage="after")

    with pytest.raises(InternalServerError):
        await client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": "once"}})

    assert len(rest_calls(await control.calls(), "crm.item.add")) == 1
    assert [item["title"] for item in await control.get("items")] == ["once"]


async def test_a_write_marked_idempotent_is_retried_after_500(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    added = await client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": "a"}})
    await control.add_fault(kind="error", method="crm.item.update", status=500, count=1)
    update = {
        "entityTypeId": SPA,
        "id": added["item"]["id"],
        "fields": {"stageId": "DT1038_0:WON"},
    }

    result = await client.call("crm.item.update", update, idempotent=True)

    assert result["item"]["stageId"] == "DT1038_0:WON"
    statuses = [c["status"] for c in rest_calls(await control.calls(), "crm.item.update")]
    assert statuses == [500, 200]


async def test_a_fault_description_never_leaks_the_secret(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.add_fault(kind="error", status=400, error="X", description=f"bad {SECRET}")

    with pytest.raises(Bitrix24Error) as caught:
        await client.call("profile")

    assert SECRET not in str(caught.value)
    assert "bad ***" in caught.value.description
