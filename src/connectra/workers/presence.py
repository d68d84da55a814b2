"""Whether an indexer runs on this data directory: an advisory lock file it holds while it runs.

``serve`` (and ``connectra indexer``) hold ``<data dir>/indexer.lock``; the CLI's ``import`` and
``export`` look at it and, when it is held, leave the indexing to that process (its outbox indexer
picks up their writes) instead of competing for the embedded index's single writer lock. The
kernel drops the lock when the process dies, so a crash leaves nothing stale behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = "indexer.lock"


class IndexerPresence:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._fd: int | None = None

    def _try_lock(self) -> int | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    def hold(self) -> bool:
        """Announce this process's indexer; False when another process holds the lock."""
        self._fd = self._try_lock()
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None

    def running_elsewhere(self) -> bool:
        """Whether another process's indexer holds the lock now."""
        fd = self._try_lock()
        if fd is None:
            return True
        os.close(fd)
        return False
