"""Rate limits: the portal's leaky bucket, the operating meter and our own token bucket."""

from __future__ import annotations

import asyncio
from itertools import combinations

import pytest

from b24sync.client import Bitrix24Client
from b24sync.errors import OperationTimeLimit, QueryLimitExceeded
from b24sync.ratelimit import TokenBucket
from sandbox.bitrix24 import Bitrix24Control

from .conftest import SPA, MakeClient, rest_calls


async def test_query_limit_exceeded_is_backed_off_and_every_write_lands_once(
    make_client: MakeClient, control: Bitrix24Control
) -> None:
    await control.configure(bucket_burst=3, bucket_drain=20)
    client = await make_client(max_retries=10, backoff_base=0.05, backoff_cap=0.2)

    added = await asyncio.gather(
        *(
            client.call("crm.item.add", {"entityTypeId": SPA, "fields": {"title": f"t{n}"}})
            for n in range(8)
        )
    )

    calls = await control.calls()
    assert any(c["error"] == "QUERY_LIMIT_EXCEEDED" and c["status"] == 503 for c in calls)
    titles = sorted(item["title"] for item in await control.get("items"))
    assert titles == sorted(f"t{n}" for n in range(8))
    assert len({a["item"]["id"] for a in added}) == 8


async def test_query_limit_exceeded_surfaces_when_retries_run_out(
    make_client: MakeClient, control: Bitrix24Control
) -> None:
    await control.configure(bucket_burst=1, bucket_drain=0.01)
    client = await make_client(max_retries=1)
    await client.call("profile")

    with pytest.raises(QueryLimitExceeded) as caught:
        await client.call("profile")

    assert (caught.value.http_status, caught.value.not_executed) == (503, True)


async def test_operation_time_limit_waits_until_the_reported_reset(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.configure(operating_window=0.2)
    await client.call("user.get")
    reset_at = await control.block_method("user.get")

    users = await client.call("user.get")

    assert len(users) == 1
    blocked, passed = rest_calls(await control.calls(), "user.get")[1:]
    assert (blocked["status"], blocked["error"]) == (429, "OPERATION_TIME_LIMIT")
    assert passed["status"] == 200
    assert passed["t"] >= reset_at


async def test_operation_time_limit_beyond_the_bound_is_raised_with_its_reset_time(
    make_client: MakeClient, control: Bitrix24Control
) -> None:
    client = await make_client(max_operating_wait=1.0)
    await client.call("crm.item.list", {"entityTypeId": SPA})
    reset_at = await control.block_method("crm.item.list")

    with pytest.raises(OperationTimeLimit) as caught:
        await client.call("crm.item.list", {"entityTypeId": SPA})

    assert caught.value.reset_at == reset_at
    assert caught.value.http_status == 429
    assert len(rest_calls(await control.calls(), "crm.item.list")) == 2


async def test_the_client_never_sends_faster_than_its_rate(
    make_client: MakeClient, control: Bitrix24Control
) -> None:
    rate, burst = 40.0, 4
    await control.configure(bucket_burst=0)  # the portal's own limit off: measure ours
    client = await make_client(rate_per_second=rate, burst=burst)

    await asyncio.gather(*(client.call("profile") for _ in range(40)))

    arrivals = sorted(c["t"] for c in await control.calls())
    assert len(arrivals) == 40
    # Token bucket: any k consecutive requests span at least (k - burst) / rate seconds;
    # one request of slack absorbs scheduling jitter between sending and arrival.
    for i, j in combinations(range(len(arrivals)), 2):
        assert j - i + 1 <= burst + rate * (arrivals[j] - arrivals[i]) + 1


async def test_the_token_bucket_holds_its_bound_on_a_fake_clock() -> None:
    now = [0.0]
    taken: list[float] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    bucket = TokenBucket(2.0, 3, clock=lambda: now[0], sleep=sleep)
    for _ in range(9):
        await bucket.acquire()
        taken.append(now[0])

    assert taken == [0.0, 0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
