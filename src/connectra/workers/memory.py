"""The memory log: every ``MEMORY_LOG_INTERVAL_SECONDS``, the process's RSS and the sizes of
the store and the index (live rows, documents, pending outbox entries) on one log line."""

from __future__ import annotations

import logging
import os
import resource
import threading
from pathlib import Path
from typing import Any

from connectra.index.base import SearchIndex
from connectra.services import health
from connectra.store.database import Store

log = logging.getLogger("connectra.memory")
_STATM = Path("/proc/self/statm")
_KIB = 1024


def rss_bytes() -> int:
    """Resident set size now (Linux), else the peak the kernel reports."""
    try:
        resident_pages = int(_STATM.read_text().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * _KIB


def sizes(store: Store, index: SearchIndex) -> dict[str, Any]:
    """What one memory log line says; a part that fails is reported by its error type."""
    fields: dict[str, Any] = {"rss_bytes": rss_bytes(), "pid": os.getpid()}
    try:
        fields["store_rows"] = health.store_counts(store)
        fields["outbox_entries"] = health.outbox_state(store).pending
    except Exception as exc:
        fields["store_error"] = type(exc).__name__
    try:
        fields["index_documents"] = health.index_counts(index)
    except Exception as exc:
        fields["index_error"] = type(exc).__name__
    return fields


class MemoryLogger:
    """A daemon thread logging :func:`sizes` every ``interval`` seconds until stopped."""

    def __init__(self, store: Store, index: SearchIndex, interval: float) -> None:
        self.store = store
        self.index = index
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def log_once(self) -> None:
        fields = sizes(self.store, self.index)
        log.info("memory rss=%d bytes", fields["rss_bytes"], extra={"fields": fields})

    def run_forever(self) -> None:
        while not self._stop.wait(self.interval):
            self.log_once()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="memory-log", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
