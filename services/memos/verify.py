"""Is this PDF a memo of ours, unchanged, and is its approval history intact (PRODUCT §7)?"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from domain.audit import verify_chain
from services.memos.ports import MemoUowFactory


@dataclass(frozen=True)
class PdfVerdict:
    """``number``: the memo the file is (None: no stored PDF has these bytes);
    ``chain_ok``: the whole audit chain verifies; ``anchored_at``: the seq of the audit
    entry whose hash the PDF carries (None: not in the chain)."""

    sha256: str
    number: str | None = None
    audit_hash: str | None = None
    chain_ok: bool = False
    anchored_at: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.number is not None and self.chain_ok and self.anchored_at is not None


class VerifyMemoPdf:
    def __init__(self, uow: MemoUowFactory) -> None:
        self._uow = uow

    async def __call__(self, data: bytes) -> PdfVerdict:
        sha256 = hashlib.sha256(data).hexdigest()
        async with self._uow() as uow:
            found = await uow.memos.by_pdf(sha256)
            if found is None:
                return PdfVerdict(sha256)
            entries = [entry async for entry in uow.audit.iterate()]
        number, audit_hash = found
        result = verify_chain(entries)
        anchored = next((e.entry.seq for e in entries if e.hash == audit_hash), None)
        return PdfVerdict(sha256, number, audit_hash, result.ok, anchored, result.reason)
