"""Why the store's last write failed for want of the database (a lock held past the busy timeout,
a lost connection), until a write succeeds again: reads may still work then, so ``/health``
could not tell otherwise.

One process keeps it in memory. The processes of one multi-worker server share a file in the
data directory, so that whichever worker answers ``/health`` knows a failure any of them met.
"""

from __future__ import annotations

import os
from pathlib import Path


class WriteFailures:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._reason: str | None = None

    def reset(self) -> None:
        """Nothing failed (a server's first process drops a previous run's record)."""
        self._reason = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)

    def failed(self, reason: str) -> None:
        self._reason = reason
        if self._path is not None:
            partial = self._path.with_name(f"{self._path.name}.{os.getpid()}")
            partial.write_text(reason, encoding="utf-8")
            partial.replace(self._path)  # atomic: a reader sees the old record or the new one

    def succeeded(self) -> None:
        self.reset()  # shared: one unlink, answered ENOENT while nothing failed

    @property
    def reason(self) -> str | None:
        if self._path is None:
            return self._reason
        try:
            return self._path.read_text(encoding="utf-8") or None
        except FileNotFoundError:
            return None
