"""Who runs an upload's parse job (`services.registers.parse_job`) while the use case stores
its items: a worker process for the bot, a thread for tests and tools.

The worker process (`ProcessParser`) keeps the bot safe and quick: a parser that crashes or
runs away on a hostile file ends or is killed alone, and while it reads the next slice of
payments the bot's process stores the last one, on another core and without the GIL.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import queue
import traceback
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Protocol

from domain.register_checks import PriorItem
from formats.registers import RegisterFileError
from services.child_process import prepare_worker
from services.register_ports import ItemEncoder
from services.registers.parse_job import (
    Finished,
    Message,
    ParseJob,
    Refused,
    RowErrors,
    run_parse_job,
)

log = logging.getLogger("viza.registers")

UNREADABLE = (
    "Файл не удалось прочитать — похоже, он повреждён. Откройте его, сохраните заново "
    "и пришлите ещё раз."
)
TOO_SLOW = "Файл читается слишком долго — разделите его на части и пришлите по очереди."
JOB_TIMEOUT = 300.0  # s for one file: the row cap keeps real files far below


class ParseRun(Protocol):
    """One job being run: its messages in order, and the answer to its `ReadClean`."""

    async def next(self) -> Message: ...

    def reply(self, prior: Sequence[PriorItem] | None) -> None: ...


class RegisterParser(Protocol):
    def run(self, job: ParseJob) -> AbstractAsyncContextManager[ParseRun]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class _Crashed:
    """The job raised something other than `RegisterFileError`: a bug, with its trace."""

    error: BaseException | None
    trace: str


class ThreadParser:
    """Runs jobs in a worker thread; a job's unexpected error is raised in the caller.
    ``encoder``: None passes the items on as `ItemChunk`s, for the repository to encode."""

    def __init__(self, encoder: ItemEncoder | None = None) -> None:
        self._encoder = encoder

    @asynccontextmanager
    async def run(self, job: ParseJob) -> AsyncIterator[ParseRun]:
        loop = asyncio.get_running_loop()
        messages: asyncio.Queue[Message | _Crashed] = asyncio.Queue()
        replies: queue.Queue[Sequence[PriorItem] | None] = queue.Queue()

        def send(message: Message | _Crashed) -> None:
            loop.call_soon_threadsafe(messages.put_nowait, message)

        def work() -> None:
            try:
                run_parse_job(job, self._encoder, send, replies.get)
            except Exception as error:  # handed to the caller, raised there
                send(_Crashed(error, traceback.format_exc()))

        worker = asyncio.ensure_future(asyncio.to_thread(work))
        try:
            yield _QueueRun(messages, replies)
        finally:
            replies.put(None)  # a job still waiting for its answer ends
            await worker

    def close(self) -> None:
        """Nothing to stop: each job's thread ends with it."""


class _QueueRun:
    def __init__(
        self,
        messages: asyncio.Queue[Message | _Crashed],
        replies: queue.Queue[Sequence[PriorItem] | None],
    ) -> None:
        self._messages, self._replies = messages, replies

    async def next(self) -> Message:
        message = await self._messages.get()
        if isinstance(message, _Crashed):
            assert message.error is not None
            raise message.error
        return message

    def reply(self, prior: Sequence[PriorItem] | None) -> None:
        self._replies.put(prior)


class ProcessParser:
    """Runs jobs one at a time in a worker process (``spawn``), started by `start` or on
    first use and again after a crash. A worker that dies, raises or overruns
    ``timeout`` is logged and stopped, and the file is refused with a clear message."""

    def __init__(self, encoder: ItemEncoder | None, timeout: float = JOB_TIMEOUT) -> None:
        self._encoder, self._timeout = encoder, timeout
        self._lock = asyncio.Lock()
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None

    @property
    def pid(self) -> int | None:
        """The worker's process id, while it runs."""
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the worker now, so that the first upload does not wait for it."""
        if self._process is not None and self._process.is_alive():
            return
        self.close()
        context = multiprocessing.get_context("spawn")
        here, there = context.Pipe()
        process = context.Process(
            target=_serve, args=(there, self._encoder, os.getpid()),
            name="viza-register-parser", daemon=True,
        )  # fmt: skip
        process.start()
        there.close()
        self._process, self._connection = process, here

    @asynccontextmanager
    async def run(self, job: ParseJob) -> AsyncIterator[ParseRun]:
        async with self._lock:
            self.start()
            assert self._connection is not None and self._process is not None
            run = _PipeRun(self._connection, self._process, self._timeout, job.filename)
            try:
                await run.send(job)
                yield run
            finally:
                if not run.ended:  # left midway (or the worker failed): start afresh next time
                    self.close()

    def close(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(timeout=5)
            self._process = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _PipeRun:
    def __init__(
        self, connection: Connection, process: BaseProcess, timeout: float, filename: str
    ) -> None:
        self._connection, self._process = connection, process
        self._timeout, self._filename = timeout, filename
        self.ended = False

    async def send(self, job: ParseJob) -> None:
        await asyncio.to_thread(self._connection.send, job)

    async def next(self) -> Message:
        loop = asyncio.get_running_loop()
        try:
            message = await asyncio.wait_for(
                loop.run_in_executor(None, self._connection.recv), self._timeout
            )
        except TimeoutError:
            log.error("register parser overran %.0f s on %r", self._timeout, self._filename)
            raise RegisterFileError(TOO_SLOW) from None
        except (EOFError, OSError):
            self._process.join(timeout=5)
            log.error(
                "register parser died (exit code %s) on %r",
                self._process.exitcode, self._filename,
            )  # fmt: skip
            raise RegisterFileError(UNREADABLE) from None
        if isinstance(message, _Crashed):
            log.error("register parser failed on %r:\n%s", self._filename, message.trace)
            raise RegisterFileError(UNREADABLE)
        self.ended = isinstance(message, Refused | RowErrors | Finished)
        return message  # type: ignore[no-any-return]

    def reply(self, prior: Sequence[PriorItem] | None) -> None:
        self._connection.send(prior)
        self.ended = prior is None


def _serve(connection: Connection, encoder: ItemEncoder | None, parent: int) -> None:
    """The worker process: run jobs until the bot closes the pipe.

    A job allocates hundreds of thousands of objects that refcounting alone frees, and the
    cyclic collector walking them meanwhile cost about 7 % of the read: it is off
    while a file is read and runs once the job is over, when nobody waits for it."""
    prepare_worker(parent)
    gc.freeze()  # what the worker imported lives as long as it does
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        gc.disable()
        try:
            run_parse_job(job, encoder, connection.send, connection.recv)
        except (EOFError, OSError):
            return
        except Exception:  # reported to the bot, which logs it
            connection.send(_Crashed(None, traceback.format_exc()))
        finally:
            gc.enable()
        gc.collect()


__all__ = ["ParseRun", "ProcessParser", "RegisterParser", "ThreadParser"]
