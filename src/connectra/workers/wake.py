"""Waking the indexer of another process on this machine after a write commits.

The indexer polls the outbox anyway (every ``idle_seconds``); a wake only saves that delay. It
travels as one datagram to a Unix socket in Linux's abstract namespace, named after the store,
so no file is left behind and a wake for another store goes nowhere. Where that namespace does
not exist (or the socket is taken) the indexer just polls, and a wake nobody hears is dropped.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

WAKE = b"w"
RECEIVE_BYTES = 64
LISTEN_TICK_SECONDS = 0.5  # how soon the listener notices close()


def wake_address(database_url: str) -> str:
    """The abstract socket's name for one store (a digest: the URL may hold a password)."""
    return "\0connectra-indexer-" + hashlib.sha256(database_url.encode()).hexdigest()[:24]


class WakeSender:
    """What an API worker calls after a write: one datagram, never blocking, never failing
    (a socket per wake: microseconds, next to the write's transaction)."""

    def __init__(self, address: str) -> None:
        self.address = address

    def wake(self) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
            sender.setblocking(False)
            try:
                sender.sendto(WAKE, self.address)
            except OSError:  # nobody listening, or its queue is full: awake, or it will poll
                return


class WakeListener:
    """A thread in the indexer's process that calls ``wake`` for every datagram it receives."""

    def __init__(self, address: str, wake: Callable[[], None]) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.settimeout(LISTEN_TICK_SECONDS)
        self._wake = wake
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="indexer-wake", daemon=True)
        try:
            self._socket.bind(address)
        except OSError as exc:  # no abstract namespace here, or another indexer has it
            log.warning("indexer wake socket unavailable (%s); the indexer polls instead", exc)
            self._socket.close()
            return
        self._thread.start()

    def _listen(self) -> None:
        while not self._closed.is_set():
            try:
                self._socket.recv(RECEIVE_BYTES)
            except TimeoutError:
                continue
            except OSError:  # an unexpected socket failure: fall back to polling
                log.exception("indexer wake socket failed; the indexer polls instead")
                return
            self._wake()

    def close(self) -> None:
        self._closed.set()
        if self._thread.is_alive():
            self._thread.join()
        self._socket.close()
