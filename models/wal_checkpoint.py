"""SQLite WAL checkpoints off the request path.

By default SQLite checkpoints inside the commit that pushes the WAL past 1,000 pages: that
commit copies the pages into the database file and syncs it. Measured on a 10,000-row
register upload, the checkpoint was 30 ms of a 40 ms commit, paid by whoever happened to
commit at that moment (an accountant waiting for their summary, a director's tap).

So the connections' automatic checkpoint is only a backstop for a process without an event
loop (`BACKSTOP_PAGES`), and a commit on the loop schedules a PASSIVE checkpoint shortly
after it on a connection of its own, in a worker thread: the copy runs beside the next
request instead of inside it. PASSIVE never waits for readers or writers; whatever it cannot
copy yet is copied next time. At most one checkpoint runs at a time, and at most one per
`DELAY` after a commit, so a burst of taps costs one checkpoint, not one per tap.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

log = logging.getLogger(__name__)

BACKSTOP_PAGES = 16_000  # ≈64 MB of WAL before a commit checkpoints by itself
DELAY = 0.2  # seconds from a commit to its checkpoint: commits close together share one


class WalCheckpointer:
    """Checkpoints one SQLite database file's WAL after commits (see the module text)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None
        self._scheduled: asyncio.TimerHandle | None = None
        self._running: asyncio.Task[None] | None = None
        self._again = False
        self._closed = False
        self.checkpoints = 0  # how many ran (tests and benches read it)

    def after_commit(self) -> None:
        """An engine ``commit`` listener: may run outside an event loop (then it does
        nothing, and the backstop keeps the WAL bounded)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._closed:
            return
        if self._running is not None:
            self._again = True
        elif self._scheduled is None:
            self._scheduled = loop.call_later(DELAY, self._start)

    def _start(self) -> None:
        self._scheduled = None
        if not self._closed:
            self._running = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            while True:
                self._again = False
                try:
                    await asyncio.to_thread(self._checkpoint)
                except sqlite3.Error:
                    log.warning("WAL checkpoint of %s failed", self._path, exc_info=True)
                if not self._again or self._closed:
                    return
                await asyncio.sleep(DELAY)
        finally:
            self._running = None

    def _checkpoint(self) -> None:
        if self._connection is None:
            # Autocommit, and never used by two threads at once (one checkpoint at a time).
            self._connection = sqlite3.connect(
                self._path, timeout=5, isolation_level=None, check_same_thread=False
            )
        self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        self.checkpoints += 1

    async def close(self) -> None:
        """Cancel a pending checkpoint, wait for a running one, close the connection."""
        self._closed = True
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None
        if self._running is not None:
            await asyncio.shield(self._running)
        if self._connection is not None:
            self._connection.close()
            self._connection = None
