"""services.batches: requests that arrive while their key is busy are served together, each
gets its own result, and no request is served by a run that began before it arrived."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from services.batches import Batches


class Server:
    """Serves ``double`` per batch; records each batch and can be held open."""

    def __init__(self) -> None:
        self.batches: list[tuple[str, list[int]]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.arrived: list[int] = []  # arguments in the order they were asked for
        self.started_after: list[int] = []  # len(arrived) when each batch began

    async def serve(self, key: str, arguments: list[int]) -> Sequence[int | Exception]:
        self.batches.append((key, list(arguments)))
        self.started_after.append(len(self.arrived))
        await self.gate.wait()
        return [ValueError(f"bad {a}") if a < 0 else a * 2 for a in arguments]


async def ask(batches: Batches[str, int, int], server: Server, key: str, argument: int) -> int:
    server.arrived.append(argument)
    return await batches(key, argument)


async def test_a_lone_request_is_served_alone():
    server = Server()
    batches = Batches(server.serve, linger=0)
    assert await ask(batches, server, "a", 21) == 42
    assert server.batches == [("a", [21])]


async def test_requests_arriving_while_the_key_is_busy_are_served_together_in_order():
    server = Server()
    server.gate.clear()
    batches = Batches(server.serve, linger=0)
    first = asyncio.create_task(ask(batches, server, "a", 1))
    await asyncio.sleep(0.01)  # the first batch is being served (held at the gate)
    rest = [asyncio.create_task(ask(batches, server, "a", n)) for n in (2, 3, 4)]
    await asyncio.sleep(0.01)
    server.gate.set()
    assert await first == 2
    assert [await task for task in rest] == [4, 6, 8]
    assert server.batches == [("a", [1]), ("a", [2, 3, 4])]
    # every batch began after all of its requests had arrived
    sizes = [len(arguments) for _, arguments in server.batches]
    assert [sum(sizes[: i + 1]) for i in range(len(sizes))] == server.started_after


async def test_an_error_for_one_request_reaches_only_that_request():
    server = Server()
    batches = Batches(server.serve, linger=0)
    results = await asyncio.gather(
        *(ask(batches, server, "a", n) for n in (5, -1, 7)), return_exceptions=True
    )
    assert results[0] == 10 and results[2] == 14
    assert isinstance(results[1], ValueError) and "bad -1" in str(results[1])
    assert len(server.batches) == 1


async def test_a_failing_batch_fails_its_requests_and_the_next_batch_is_still_served():
    calls: list[list[int]] = []

    async def serve(key: str, arguments: list[int]) -> Sequence[int | Exception]:
        calls.append(arguments)
        if len(calls) == 1:
            await asyncio.sleep(0.01)
            raise RuntimeError("database gone")
        return [a + 1 for a in arguments]

    batches: Batches[str, int, int] = Batches(serve, linger=0)
    first = asyncio.create_task(batches("k", 1))
    await asyncio.sleep(0)
    second = asyncio.create_task(batches("k", 2))
    with pytest.raises(RuntimeError, match="database gone"):
        await first
    assert await second == 3
    assert calls == [[1], [2]]


async def test_keys_are_served_independently():
    server = Server()
    server.gate.clear()
    batches = Batches(server.serve, linger=0)
    tasks = [asyncio.create_task(ask(batches, server, key, 1)) for key in ("a", "b")]
    await asyncio.sleep(0.01)
    assert sorted(key for key, _ in server.batches) == ["a", "b"]  # both began at once
    server.gate.set()
    assert await asyncio.gather(*tasks) == [2, 2]


async def test_a_cancelled_request_does_not_disturb_the_others():
    server = Server()
    server.gate.clear()
    batches = Batches(server.serve, linger=0)
    first = asyncio.create_task(ask(batches, server, "a", 1))
    await asyncio.sleep(0.01)
    gone, kept = (asyncio.create_task(ask(batches, server, "a", n)) for n in (2, 3))
    await asyncio.sleep(0)
    gone.cancel()
    server.gate.set()
    assert await first == 2 and await kept == 6
    assert gone.cancelled()


async def test_under_load_the_next_batch_gathers_as_many_as_the_last():
    """With a linger, a busy key's next batch waits for as many requests as the last one
    had (those still on their way) instead of going out with the first that arrived."""
    server = Server()
    server.gate.clear()
    batches = Batches(server.serve, linger=1.0)
    pair = [asyncio.create_task(ask(batches, server, "a", n)) for n in (1, 2)]
    await asyncio.sleep(0.01)  # the first batch, [1, 2], is held at the gate
    third = asyncio.create_task(ask(batches, server, "a", 3))
    await asyncio.sleep(0.01)
    server.gate.set()
    assert await asyncio.gather(*pair) == [2, 4]
    fourth = asyncio.create_task(ask(batches, server, "a", 4))  # on its way meanwhile
    assert [await third, await fourth] == [6, 8]
    assert server.batches == [("a", [1, 2]), ("a", [3, 4])]


async def test_a_lone_request_never_lingers():
    server = Server()
    batches = Batches(server.serve, linger=60.0)
    assert await asyncio.wait_for(ask(batches, server, "a", 1), timeout=5) == 2
    assert await asyncio.wait_for(ask(batches, server, "a", 2), timeout=5) == 4
