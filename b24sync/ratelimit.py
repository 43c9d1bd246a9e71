"""Pacing of requests to Bitrix24: a token bucket for the rate, jittered backoff for retries.

The portal's own limit is a leaky bucket per portal and source IP (50 requests burst, 2/s
drain on most plans), shared with every other integration on the same server. We keep well
inside it on our side, so that the portal rarely has to refuse us.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable


class TokenBucket:
    """An async token bucket shared by all requests of one client.

    Invariant: over any interval of length ``T`` at most ``burst + rate * T`` calls of
    :meth:`acquire` return. Waiters are served in arrival order (one lock).
    ``rate <= 0`` switches the limit off.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        if now > self._updated:  # during a pause ``_updated`` lies ahead: nothing refills
            self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
            self._updated = now

    def wait_time(self) -> float:
        """Seconds until a token is there (0: one is there now)."""
        if self.rate <= 0:
            return 0.0
        self._refill()
        paused = max(0.0, self._updated - self._clock())
        return paused + max(0.0, 1 - self._tokens) / self.rate

    async def acquire(self) -> float:
        """Take one token, waiting for it if needed; returns the seconds waited."""
        if self.rate <= 0:
            return 0.0
        async with self._lock:
            waited = self.wait_time()
            if waited > 0:
                await self._sleep(waited)
                self._refill()
            # A sleep may end a hair early; the small debt is paid by the next caller.
            self._tokens -= 1
            return waited

    def drain(self) -> None:
        """Drop saved-up tokens: the portal just refused us, so no bursts for a while."""
        self._refill()
        self._tokens = min(self._tokens, 0.0)

    def pause(self, seconds: float) -> None:
        """Nothing passes for ``seconds`` (e.g. Telegram's 429 ``retry_after``)."""
        self.drain()
        self._updated = max(self._updated, self._clock()) + seconds


class Backoff:
    """Exponential backoff with "equal jitter": half fixed, half random.

    Delay for attempt ``n`` (0-based) lies in ``[d/2, d]`` with ``d = min(cap, base * 2**n)``,
    so retries never bunch at zero yet different clients spread out.
    """

    def __init__(self, base: float, cap: float, rng: random.Random | None = None) -> None:
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap, self.base * 2.0 ** min(attempt, 32))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)
