"""Background threads run at a lower CPU priority than the thread that started them (Linux)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from connectra.workers.background import NICE_INCREMENT, in_background


def _own_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priorities are Linux's")
def test_a_background_thread_is_niced_and_the_caller_is_not() -> None:
    before = _own_nice()
    seen: list[int] = []
    thread = threading.Thread(target=in_background(lambda: seen.append(_own_nice())))
    thread.start()
    thread.join()

    assert seen == [min(before + NICE_INCREMENT, 19)]
    assert _own_nice() == before  # only that thread
