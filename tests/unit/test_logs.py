"""Secrets never reach the logs."""

from __future__ import annotations

import logging

from bot.logs import SecretMask


def test_known_secrets_and_token_shaped_strings_are_masked():
    mask = SecretMask(["https://portal/rest/1/abcdef123/"])
    record = logging.LogRecord(
        "viza",
        logging.INFO,
        __file__,
        1,
        "calling %s with token 123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-Ew",
        ("https://portal/rest/1/abcdef123/",),
        None,
    )
    mask.filter(record)
    assert "abcdef123" not in record.getMessage()
    assert "AAEhBOweik6ad9r" not in record.getMessage()
    assert record.getMessage().count("***") == 2


def test_secrets_in_exception_text_are_masked():
    mask = SecretMask(["s3cr3t-value"])
    try:
        raise RuntimeError("failed to reach s3cr3t-value")
    except RuntimeError:
        import sys

        record = logging.LogRecord("viza", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    mask.filter(record)
    assert "s3cr3t-value" not in (record.exc_text or "")
    assert "failed to reach ***" in (record.exc_text or "")
