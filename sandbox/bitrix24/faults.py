"""Faults that tests switch on through ``POST /sandbox/faults``.

A fault spec is JSON:

- ``{"kind": "error", "status": 500, "error": "INTERNAL_SERVER_ERROR", "description": "..."}``
  answers that error instead of running the method (``"stage": "after"``: runs the method,
  then answers the error - the write happened but the caller cannot know);
- ``{"kind": "delay", "seconds": 2}`` waits before answering (``"stage": "after"``: after
  running the method);
- ``{"kind": "redirect", "to": "/moved", "status": 302}`` answers with a redirect to the same
  path under another prefix (one path segment) or an absolute base URL such as
  ``"http://127.0.0.1:8081/moved"``; requests that already use the new base are served;
- ``{"kind": "down", "mode": "503"}`` (an HTML 503 from a "proxy") or ``"mode": "close"``
  (the connection is dropped without an answer).

Every spec may carry ``"method"`` (only that REST method, case-insensitive) and ``"count"``
(how many requests it affects; absent = until cleared with ``DELETE /sandbox/faults``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KINDS = {"error", "delay", "redirect", "down"}


@dataclass
class Fault:
    """One switched-on fault; ``count`` is the number of requests it still affects."""

    id: int
    kind: str
    method: str | None = None
    count: int | None = None
    stage: str = "before"
    status: int | None = None
    error: str = "INTERNAL_SERVER_ERROR"
    description: str = "Internal server error"
    seconds: float = 0.0
    to: str = "/moved"
    mode: str = "503"

    def applies(self, kinds: set[str], stage: str, method: str) -> bool:
        if self.kind not in kinds or self.count == 0:
            return False
        if self.kind in {"error", "delay"} and self.stage != stage:
            return False
        return self.method is None or self.method == method.lower()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultBook:
    """The faults in force, first added first matched."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, spec: dict[str, Any]) -> Fault:
        kind = str(spec.get("kind", ""))
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(KINDS)}")
        known = set(Fault.__dataclass_fields__) - {"id", "kind"}
        unknown = set(spec) - known - {"kind"}
        if unknown:
            raise ValueError(f"unknown fault keys {sorted(unknown)}")
        fault = Fault(id=self._next_id, kind=kind, **{k: spec[k] for k in known if k in spec})
        if fault.method:
            fault.method = fault.method.lower()
        if fault.status is None:
            fault.status = 302 if kind == "redirect" else 500
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

    def listing(self) -> list[dict[str, Any]]:
        return [fault.as_dict() for fault in self._faults]

    def peek(self, kinds: set[str], method: str, stage: str = "before") -> Fault | None:
        for fault in self._faults:
            if fault.applies(kinds, stage, method):
                return fault
        return None

    def take(self, kinds: set[str], method: str, stage: str = "before") -> Fault | None:
        """The first matching fault, its remaining count reduced by one."""
        fault = self.peek(kinds, method, stage)
        if fault is not None and fault.count is not None:
            fault.count -= 1
            if fault.count <= 0:
                self._faults.remove(fault)
        return fault
