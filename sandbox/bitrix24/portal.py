"""The emulated portal: state, method table and the per-method operating meter."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import methods_crm, methods_disk, methods_people, methods_tasks
from .batch import run_batch
from .limits import LeakyBucket, OperatingMeter
from .params import Params
from .protocol import MethodResult, Timing, method_not_found, operation_time_limit
from .state import CallContext, State, new_state

Handler = Callable[[State, Params, CallContext], MethodResult]

METHODS: dict[str, Handler] = {
    **methods_people.METHODS,
    **methods_crm.METHODS,
    **methods_tasks.METHODS,
    **methods_disk.METHODS,
}


@dataclass
class EmulatorConfig:
    """Settings of one emulated portal (the incoming webhook it accepts and its limits)."""

    user_id: int = 1
    secret: str = "sandbox-secret"
    bucket_burst: float = 50.0
    bucket_drain: float = 2.0
    operating_window: float = 600.0
    operating_limit: float = 480.0


class Portal:
    """Executes REST methods against the in-memory :class:`State`."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.state = new_state(config.user_id)
        self.bucket = LeakyBucket(config.bucket_burst, config.bucket_drain)
        self.meter = OperatingMeter(config.operating_window, config.operating_limit)

    def reset(self) -> None:
        """Forget all data and limit counters (the configuration stays)."""
        self.state = new_state(self.config.user_id)
        self.reconfigure({})

    def reconfigure(self, changes: dict[str, Any]) -> None:
        for key, value in changes.items():
            if key not in EmulatorConfig.__dataclass_fields__ or key in {"user_id", "secret"}:
                raise ValueError(f"cannot configure {key!r}")
            setattr(self.config, key, type(getattr(self.config, key))(value))
        self.bucket = LeakyBucket(self.config.bucket_burst, self.config.bucket_drain)
        self.meter = OperatingMeter(self.config.operating_window, self.config.operating_limit)

    def execute(
        self, method: str, params: Params, ctx: CallContext, log: list[dict[str, Any]]
    ) -> tuple[MethodResult, Timing]:
        """Run one method (``batch`` included); raises :class:`RestError` on failure."""
        started = time.time()
        if method == "batch":
            outcome = run_batch(params, ctx, self._single, log)
            return outcome, Timing(started, time.time())
        return self._single(method, params, ctx)

    def _single(
        self, method: str, params: Params, ctx: CallContext
    ) -> tuple[MethodResult, Timing]:
        handler = METHODS.get(method)
        if handler is None:
            raise method_not_found()
        started = time.time()
        if self.meter.blocked(method, started):
            raise operation_time_limit()
        outcome = handler(self.state, params, ctx)
        finished = time.time()
        window = self.meter.spend(method, finished - started, finished)
        return outcome, Timing(started, finished, window.operating, window.reset_at)
