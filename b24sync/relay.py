"""The outbox relay: delivers due messages to Bitrix24, in order per entity, exactly once.

One round: claim due messages (at most one per entity, so an entity's later message waits
until the earlier is done), start each with its kind's handler, then run the calls of all
unfinished messages in ``batch`` requests of at most 50 commands (a message's calls never
split across requests), feed each message its results, and repeat until every message of
the round is finished. Outcomes are recorded after every request, so a relay killed between
requests repeats at most the calls of one request - and those are safe to repeat (updates
set absolute values, creates look their record up first, notifications carry a tag).

Failures: an error that may pass (rate limits, 5xx, the network, the portal refusing our
webhook) is retried at ``now + backoff`` with jitter, until ``max_attempts`` claims; an
error no retry can fix (a malformed payload, an argument the portal refuses) goes dead at
once. Dead messages are reported to :class:`services.b24_ports.SyncAlerts`. When one
request fails as a whole (Bitrix24 is down), the rest of the round is not sent: those
messages are retried later, so a round stays short while the portal is away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from services.b24_ports import DeadLetter, SyncAlerts
from services.outbox_ports import Dead, Delivered, OutboxMessage, OutboxStore, Outcome, Retry
from services.ports import Clock

from .batch import MAX_COMMANDS, BatchResult
from .client import Bitrix24Client
from .delivery import Done, Fail, HandlerRegistry, Next, Step
from .errors import AccessDenied, AuthenticationError, Bitrix24Error, MethodNotFound
from .ratelimit import Backoff

log = logging.getLogger("b24sync.relay")
_SYSTEMIC = (AuthenticationError, AccessDenied, MethodNotFound)


@dataclass(frozen=True)
class RelayOptions:
    """``claim_limit`` messages per round; a round gives up the rest of its work when half
    the ``lease`` has passed (another relay may take expired leases)."""

    claim_limit: int = 200
    max_attempts: int = 20
    retry_base: float = 5.0
    retry_cap: float = 900.0
    lease: timedelta = timedelta(minutes=5)
    poll_seconds: float = 2.0


@dataclass
class RoundReport:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    http_calls: int = 0

    def add(self, other: RoundReport) -> None:
        for name in ("claimed", "delivered", "retried", "dead", "http_calls"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Failure:
    error: str
    permanent: bool


@dataclass
class _Round:
    messages: dict[int, OutboxMessage]
    active: dict[int, Next] = field(default_factory=dict)
    settled: list[tuple[OutboxMessage, Done | _Failure]] = field(default_factory=list)
    report: RoundReport = field(default_factory=RoundReport)


class LoggingAlerts:
    """The default alert port: log dead letters (the bot sends them to admins instead)."""

    async def dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        for letter in letters:
            log.error("outbox message %d (%s %s:%s) is dead after %d attempts: %s",
                      letter.message_id, letter.kind, letter.entity_type, letter.entity_id,
                      letter.attempts, letter.error)  # fmt: skip


class Relay:
    """Delivers outbox messages. Several relays may share one database (see the store)."""

    def __init__(
        self,
        store: OutboxStore,
        client: Bitrix24Client,
        handlers: HandlerRegistry,
        clock: Clock,
        options: RelayOptions | None = None,
        *,
        alerts: SyncAlerts | None = None,
        owner: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store, self.client, self.handlers, self.clock = store, client, handlers, clock
        self.options = options or RelayOptions()
        self.alerts = alerts or LoggingAlerts()
        self.owner = owner or f"relay-{uuid.uuid4().hex[:12]}"
        self._backoff = Backoff(self.options.retry_base, self.options.retry_cap, rng)

    async def run_once(self) -> RoundReport:
        """Claim and deliver one round; an empty report when nothing was due."""
        messages = await self.store.claim(
            self.owner, self.clock.now(), self.options.lease, self.options.claim_limit
        )
        work = _Round({m.id: m for m in messages})
        work.report.claimed = len(messages)
        for message in messages:
            self._advance(work, message, self._start(message))
        await self._record(work)
        deadline = time.monotonic() + self.options.lease.total_seconds() / 2
        while work.active:
            if time.monotonic() > deadline:
                self._abandon(work, "the round ran out of time; retried later")
                break
            await self._pass(work)
        await self._record(work)
        return work.report

    async def drain(self) -> RoundReport:
        """Rounds until nothing is due (messages waiting for a retry time are left)."""
        total = RoundReport()
        while True:
            report = await self.run_once()
            total.add(report)
            if report.claimed == 0:
                return total

    async def run_forever(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until cancelled (or ``stop`` is set); failures are logged, never fatal."""
        stop = stop or asyncio.Event()
        pause = self.options.poll_seconds
        while not stop.is_set():
            try:
                report = await self.run_once()
                pause = 0.0 if report.claimed else self.options.poll_seconds
            except Exception:  # the database or the network; the next round tries again
                log.exception("outbox relay round failed")
                pause = min(max(pause * 2, self.options.poll_seconds), 60.0)
            if pause:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)

    def _start(self, message: OutboxMessage) -> Step | _Failure:
        if message.attempts > self.options.max_attempts:
            return _Failure(f"gave up after {message.attempts - 1} attempts", permanent=True)
        handler = self.handlers.get(message.kind)
        if handler is None:
            return _Failure(f"no handler for kind {message.kind!r}", permanent=True)
        try:
            return handler.start(message)
        except (KeyError, TypeError, ValueError) as exc:
            return _Failure(f"malformed payload: {type(exc).__name__}: {exc}", permanent=True)

    def _advance(self, work: _Round, message: OutboxMessage, step: Step | _Failure) -> None:
        if isinstance(step, Next):
            work.active[message.id] = step
            return
        work.active.pop(message.id, None)
        outcome = _Failure(step.reason, permanent=True) if isinstance(step, Fail) else step
        work.settled.append((message, outcome))

    async def _pass(self, work: _Round) -> None:
        for group in _groups(work.active):
            commands = {
                _key(mid, n): (call.method, call.params)
                for mid in group
                for n, call in enumerate(work.active[mid].calls)
            }
            try:
                result = await self.client.batch(commands)
            except (ValueError, TypeError) as exc:  # a handler bug: a command we cannot send
                for mid in group:
                    self._advance(work, work.messages[mid], _Failure(str(exc), permanent=True))
                continue
            work.report.http_calls += result.http_calls
            down = _outage(result)
            for mid in group:
                self._advance(work, work.messages[mid], _resolve(mid, work.active[mid], result))
            await self._record(work)
            if down is not None:
                self._abandon(work, down)
                return

    def _abandon(self, work: _Round, error: str) -> None:
        for mid in list(work.active):
            self._advance(work, work.messages[mid], _Failure(error, permanent=False))

    async def _record(self, work: _Round) -> None:
        if not work.settled:
            return
        settled, work.settled = work.settled, []
        outcomes = [self._outcome(message, result) for message, result in settled]
        recorded = await self.store.finish(self.owner, self.clock.now(), outcomes)
        if recorded < len(outcomes):
            log.warning("%d outcomes not recorded: their leases passed to another relay",
                        len(outcomes) - recorded)  # fmt: skip
        self._count(work.report, outcomes)
        await self._alert(settled, outcomes)

    def _outcome(self, message: OutboxMessage, result: Done | _Failure) -> Outcome:
        if isinstance(result, Done):
            return Delivered(message.id, result.remote_id)
        if result.permanent or message.attempts >= self.options.max_attempts:
            return Dead(message.id, result.error)
        delay = self._backoff.delay(max(message.attempts - 1, 0))
        return Retry(message.id, result.error, self.clock.now() + timedelta(seconds=delay))

    @staticmethod
    def _count(report: RoundReport, outcomes: list[Outcome]) -> None:
        report.delivered += sum(isinstance(o, Delivered) for o in outcomes)
        report.retried += sum(isinstance(o, Retry) for o in outcomes)
        report.dead += sum(isinstance(o, Dead) for o in outcomes)

    async def _alert(
        self, settled: list[tuple[OutboxMessage, Done | _Failure]], outcomes: list[Outcome]
    ) -> None:
        letters = [
            DeadLetter(m.id, m.kind, m.entity_type, m.entity_id, m.attempts, outcome.error)
            for (m, _), outcome in zip(settled, outcomes, strict=True)
            if isinstance(outcome, Dead)
        ]
        if not letters:
            return
        try:
            await self.alerts.dead_letters(letters)
        except Exception:  # an alert must never stop deliveries
            log.exception("could not alert about %d dead outbox messages", len(letters))


def _key(message_id: int, n: int) -> str:
    return f"m{message_id}_{n}"


def _groups(active: dict[int, Next]) -> list[list[int]]:
    """Message ids in id order, packed into groups of at most 50 calls."""
    groups: list[list[int]] = [[]]
    size = 0
    for mid in sorted(active):
        count = len(active[mid].calls)
        if size + count > MAX_COMMANDS:
            groups.append([])
            size = 0
        groups[-1].append(mid)
        size += count
    return [group for group in groups if group]


def _resolve(mid: int, step: Next, result: BatchResult) -> Step | _Failure:
    keys = [_key(mid, n) for n in range(len(step.calls))]
    errors = [result.errors[key] for key in keys if key in result.errors]
    if errors:
        handled = step.on_error(errors[0]) if step.on_error is not None else None
        return handled if handled is not None else _classify(errors[0])
    if any(key not in result.results for key in keys):
        return _Failure("not run: an earlier command of the batch failed", permanent=False)
    try:
        return step.then([result.results[key] for key in keys])
    except (KeyError, TypeError, ValueError, IndexError, Bitrix24Error) as exc:
        return _Failure(f"unexpected answer: {type(exc).__name__}: {exc}", permanent=True)


def _classify(error: Bitrix24Error) -> _Failure:
    # Systemic refusals (webhook revoked, rights, module off) hit every message alike: the
    # admins fix the portal, and the messages must still be there then.
    permanent = not (error.retryable or isinstance(error, _SYSTEMIC))
    return _Failure(str(error), permanent=permanent)


def _outage(result: BatchResult) -> str | None:
    """The error of a request that failed as a whole (every command carries it)."""
    if result.results or not result.errors:
        return None
    first: Any = next(iter(result.errors.values()))
    if all(error is first for error in result.errors.values()) and first.retryable:
        return str(first)
    return None
