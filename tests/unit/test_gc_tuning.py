"""The bot process's collector settings (bot.gc_tuning): start-up objects frozen out of the
collector's walks, young generation collected every 50,000 net allocations."""

from __future__ import annotations

import gc

from bot.gc_tuning import OLDER_THRESHOLDS, YOUNG_THRESHOLD, tune_for_long_running


def test_tuning_freezes_what_exists_and_raises_the_young_threshold():
    before = gc.get_threshold()
    try:
        tune_for_long_running()
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
        assert gc.get_freeze_count() > 10_000  # the modules of this very test run
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
