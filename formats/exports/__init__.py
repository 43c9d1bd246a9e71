"""Exports of the day's approved payments for treasury and the bank (PRODUCT §5):

    data = payments_xlsx(payments, day)                      # .xlsx (XlsxWriter)
    bank = onec_exchange(payments, payers, day=day, created_at=local_now)
    bank.data                                                 # 1CClientBankExchange bytes

Pure bytes out; nothing here touches storage or Telegram.
"""

from formats.exports.model import ApprovedPayment, PayerDetails
from formats.exports.onec import OnecExport, onec_exchange
from formats.exports.xlsx import payments_xlsx

__all__ = ["ApprovedPayment", "OnecExport", "PayerDetails", "onec_exchange", "payments_xlsx"]
