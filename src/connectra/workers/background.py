"""Background threads (the indexer, the job runners) yield the CPU to request handling: on
Linux each runs at a lower scheduling priority (a higher nice value) than the API's threads
and processes, so a running import slows searches as little as the machine allows."""

from __future__ import annotations

import functools
import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)

# Of the 0..19 scale. +3 halves a thread's share of a busy CPU against request handling
# (scheduler weights 526 against 1024), so it still makes steady progress under a full read
# load: +10 (a tenth) starved the indexer of a 1M import behind a busy machine.
NICE_INCREMENT = 3
P = ParamSpec("P")
R = TypeVar("R")


def lower_this_thread() -> None:
    """Lower the calling thread's priority (Linux schedules threads one by one; elsewhere
    this is left alone, as the priority would be the whole process's)."""
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(
            os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + NICE_INCREMENT
        )
    except OSError as exc:  # a sandbox may refuse it: the thread then runs as before
        log.debug("could not lower the priority of thread %s: %s", thread, exc)


def in_background(target: Callable[P, R]) -> Callable[P, R]:
    """``target`` run at background priority (for ``threading.Thread(target=...)``)."""

    @functools.wraps(target)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        lower_this_thread()
        return target(*args, **kwargs)

    return run
