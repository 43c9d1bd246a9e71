"""Callback data of the cutoff's messages. The reminder's buttons open review cards with the
card router's own `handlers.approval_callbacks.CardTap` (verb OPEN); this module holds only
the carry-over button.

Never trusted for authorization: `CarryOver` re-checks who taps and the register's state.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class CarryTap(CallbackData, prefix="co"):
    """«Перенести на …»: carry the register's missed items into a new draft."""

    register_id: int
