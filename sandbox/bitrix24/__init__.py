"""A local emulator of the Bitrix24 REST API (incoming webhook) for tests and the sandbox.

Start it embedded::

    async with Bitrix24Emulator(EmulatorConfig(user_id=1, secret="s")) as emu:
        client_url = emu.webhook_url          # http://127.0.0.1:PORT/rest/1/s/

or as a process: ``python -m sandbox.bitrix24 --port 8081 --user 1 --secret s``.
Tests drive it through the ``/sandbox/...`` JSON API (see :mod:`.control`) or
:class:`Bitrix24Control`. Imports nothing of the app.
"""

from .control_client import Bitrix24Control
from .portal import EmulatorConfig
from .server import Bitrix24Emulator

__all__ = ["Bitrix24Control", "Bitrix24Emulator", "EmulatorConfig"]
