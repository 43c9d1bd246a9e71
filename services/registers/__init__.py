"""Payment-register use cases (PRODUCT §3): upload by file, then the draft's date, cancel and
submit. The approval route itself (issue 4) builds on the submitted register."""

from services.registers.drafts import CancelDraft, ChangePaymentDate, ShowRegister
from services.registers.model import (
    DraftReady,
    FileRefused,
    NeedDealerCenter,
    PaymentDateRefused,
    RegisterChanged,
    RegisterNotDraft,
    RegisterNotFound,
    RegisterRules,
    Rejected,
    UploadOutcome,
)
from services.registers.parsers import ProcessParser, RegisterParser, ThreadParser
from services.registers.upload import UploadRegister, rejection_report

__all__ = [
    "CancelDraft",
    "ChangePaymentDate",
    "DraftReady",
    "FileRefused",
    "NeedDealerCenter",
    "PaymentDateRefused",
    "ProcessParser",
    "RegisterChanged",
    "RegisterNotDraft",
    "RegisterNotFound",
    "RegisterParser",
    "RegisterRules",
    "Rejected",
    "ShowRegister",
    "ThreadParser",
    "UploadOutcome",
    "UploadRegister",
    "rejection_report",
]
