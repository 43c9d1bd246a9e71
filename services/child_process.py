"""What every worker process of the bot does first (the PDF renderers, the register parser):
end when the bot is gone, and optionally yield the CPU to it."""

from __future__ import annotations

import contextlib
import os
import threading
import time


def prepare_worker(parent: int, *, nice: int = 0) -> None:
    """In a worker process: lower its CPU priority by ``nice``, and end it when process
    ``parent`` (the bot) is gone, killed without a chance to stop its workers."""
    if nice:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(nice)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)
