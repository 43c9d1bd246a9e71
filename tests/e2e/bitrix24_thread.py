"""The Bitrix24 emulator for end-to-end tests of the register mirror: on an event loop of
its own thread in the test process (so it can go away - refuse connections - and come back
on the same port with its state), and the bot config that points the mirror at it."""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from sandbox.bitrix24 import Bitrix24Emulator, EmulatorConfig

T = TypeVar("T")
SPA, SECRET = 1040, "e2e-mirror-secret"
VIZA_ID, REGISTER_FIELD = f"ufCrm{SPA}VizaId", f"ufCrm{SPA}VizaRegister"
ROUTE = ("dc_director", "department_director", "chief_accountant", "finance_director",
         "general_director")  # fmt: skip
REGISTER_KEYS = (*ROUTE, "returned", "approved", "rejected", "withdrawn", "closed")
ITEM_KEYS = (*ROUTE, "approved", "rejected", "withdrawn", "missed", "returned")


def stage(key: str, *, register: bool = False) -> str:
    return f"DT{SPA}_{3 if register else 4}:{key.upper()}"


def mirror_config(port: int) -> str:
    def stages(keys: tuple[str, ...], register: bool) -> str:
        return "".join(f'{key} = "{stage(key, register=register)}"\n' for key in keys)

    return (
        f'[bitrix24]\nwebhook_url = "http://127.0.0.1:{port}/rest/1/{SECRET}/"\n'
        "rate_per_second = 100.0\nburst = 100\n"
        "[bitrix24.relay]\nretry_base = 0.2\nretry_cap = 0.8\npoll = 0.2\nlease = 3.0\n"
        "timeout = 2.0\nmax_retries = 0\n"
        f'[bitrix24.registers]\nentity_type_id = {SPA}\nid_field = "{VIZA_ID}"\n'
        f'register_field = "{REGISTER_FIELD}"\n'
        f"[bitrix24.registers.register_stages]\n{stages(REGISTER_KEYS, True)}"
        f"[bitrix24.registers.item_stages]\n{stages(ITEM_KEYS, False)}"
    )


class PortalThread:
    """The Bitrix24 emulator on an event loop of its own thread; reads return copies made
    on that loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        config = EmulatorConfig(user_id=1, secret=SECRET, bucket_burst=0)
        self.emulator = Bitrix24Emulator(config)
        self.port = self.run(self.emulator.start())

    def _serve(self) -> None:
        self.loop.run_forever()
        self.loop.close()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=15)

    async def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    async def read(self, what: Callable[[Any], T]) -> T:
        async def copied() -> T:
            return copy.deepcopy(what(self.emulator.portal.state))

        return await self.call(copied())

    async def fault(self, **spec: Any) -> None:
        async def add() -> None:
            self.emulator.add_fault(spec)

        await self.call(add())

    async def clear_faults(self) -> None:
        async def clear() -> None:
            self.emulator.faults.clear()

        await self.call(clear())

    def close(self) -> None:
        self.run(self.emulator.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
