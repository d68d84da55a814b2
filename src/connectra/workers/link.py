"""What the API needs of the indexer, whether it runs in the same process or in another one."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from connectra.store.database import Store
from connectra.workers.indexer import outbox_lag, read_status
from connectra.workers.wake import WakeSender


class IndexerLink(Protocol):
    """Writes wake it; ``/health`` reports its lag and whether it has caught up yet."""

    def wake(self) -> None: ...

    def lag(self) -> dict[str, Any]: ...

    def caught_up(self) -> bool: ...


class RemoteIndexer:
    """The single indexer of another process on this machine, as an API worker sees it: a wake
    is a datagram (see :mod:`connectra.workers.wake`), the lag comes from the store and the
    status file that indexer keeps."""

    def __init__(self, store: Store, status_file: Path, wake_address: str) -> None:
        self.store = store
        self.status_file = status_file
        self._sender = WakeSender(wake_address)

    def wake(self) -> None:
        self._sender.wake()

    def lag(self) -> dict[str, Any]:
        return outbox_lag(self.store, read_status(self.status_file).last_error)

    def caught_up(self) -> bool:
        return read_status(self.status_file).caught_up
