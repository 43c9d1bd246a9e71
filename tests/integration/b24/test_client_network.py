"""Redirects, slow answers, outages and refused connections; the secret stays hidden."""

from __future__ import annotations

import logging
import traceback

import pytest

from b24sync.client import Bitrix24Client
from b24sync.errors import (
    Bitrix24Error,
    Bitrix24Timeout,
    Bitrix24TransportError,
    InvalidCredentials,
    UnexpectedResponse,
)
from sandbox.bitrix24 import Bitrix24Control, Bitrix24Emulator

from .conftest import SECRET, SPA, MakeClient, rest_calls


async def test_a_302_re_sends_the_post_to_the_new_base_and_keeps_it(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.add_fault(kind="redirect", to="/moved", status=302)

    added = await client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": "moved"}})
    await client.call("crm.item.get", {"entityTypeId": SPA, "id": added["item"]["id"]})

    calls = await control.calls()
    assert [(c["method"], c["prefix"], c["status"]) for c in calls] == [
        ("crm.item.add", "", 302),
        ("crm.item.add", "moved", 200),
        ("crm.item.get", "moved", 200),
    ]
    assert [item["title"] for item in await control.get("items")] == ["moved"]
    assert client.webhook.base.endswith(f"/moved/rest/1/{SECRET}/")
    assert SECRET not in repr(client) + str(client.webhook) + repr(client.webhook)


async def test_a_slow_read_times_out_with_a_timeout_error_after_retries(
    make_client: MakeClient, control: Bitrix24Control
) -> None:
    client = await make_client(timeout=0.2, max_retries=1)
    await control.add_fault(kind="delay", method="user.get", seconds=1.0)

    with pytest.raises(Bitrix24Timeout) as caught:
        await client.call("user.get")

    assert caught.value.code == "TIMEOUT"
    assert not caught.value.not_executed


async def test_a_timed_out_write_is_not_sent_again(
    make_client: MakeClient, control: Bitrix24Control
) -> None:
    client = await make_client(timeout=0.2)
    await control.add_fault(kind="delay", method="crm.item.add", seconds=0.6, stage="after")

    with pytest.raises(Bitrix24Timeout):
        await client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": "slow"}})

    assert [item["title"] for item in await control.get("items")] == ["slow"]
    assert len(rest_calls(await control.calls(), "crm.item.add")) == 1


async def test_a_proxy_503_page_is_retried_for_a_read(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.add_fault(kind="down", mode="503", count=2)

    profile = await client.call("profile")

    assert profile["ID"] == "1"
    assert [c["status"] for c in await control.calls()] == [503, 503, 200]


async def test_a_proxy_503_page_that_lasts_raises_unexpected_response(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.add_fault(kind="down", mode="503")

    with pytest.raises(UnexpectedResponse) as caught:
        await client.call("profile")

    assert (caught.value.code, caught.value.http_status) == ("HTTP_503", 503)


async def test_a_dropped_connection_is_a_transport_error_that_may_have_run(
    make_client: MakeClient, control: Bitrix24Control
) -> None:
    client = await make_client(max_retries=0)
    await control.add_fault(kind="down", mode="close")

    with pytest.raises(Bitrix24TransportError) as caught:
        await client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": "?"}})

    assert caught.value.connected
    assert not caught.value.not_executed


async def test_refused_connections_are_retried_then_raised_and_recovery_works(
    emulator: Bitrix24Emulator, client: Bitrix24Client
) -> None:
    await emulator.pause()
    with pytest.raises(Bitrix24TransportError) as caught:
        await client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": "later"}})
    await emulator.resume()
    added = await client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": "now"}})

    assert caught.value.not_executed
    assert added["item"]["title"] == "now"


async def test_the_secret_appears_in_no_error_or_log_line(
    emulator: Bitrix24Emulator,
    make_client: MakeClient,
    control: Bitrix24Control,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = await make_client(timeout=0.2, max_retries=1)
    errors: list[Bitrix24Error] = []
    await control.add_fault(kind="redirect", to="/moved", count=1)
    await control.add_fault(kind="delay", method="user.get", seconds=0.5, count=2)
    await control.add_fault(kind="error", method="profile", error="X", description=SECRET)
    for method in ("user.get", "profile"):
        with pytest.raises(Bitrix24Error) as caught:
            await client.call(method)
        errors.append(caught.value)
    await emulator.pause()
    with pytest.raises(Bitrix24TransportError) as refused:
        await client.call("user.get")
    errors.append(refused.value)
    wrong = await make_client(f"{emulator.base_url}/rest/1/{SECRET}x/")
    await emulator.resume()
    with pytest.raises(InvalidCredentials) as denied:
        await wrong.call("user.get")
    errors.append(denied.value)

    texts = [str(e) + repr(e) + "".join(traceback.format_exception(e)) for e in errors]
    assert all(SECRET not in text for text in texts)
    assert SECRET not in caplog.text
    assert "user.get" in caplog.text
