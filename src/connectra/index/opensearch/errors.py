"""opensearch-py's errors → :class:`~connectra.errors.SearchEngineError`, at the adapter's edge."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opensearchpy import ConnectionError as ClientConnectionError
from opensearchpy import OpenSearchException, TransportError

from connectra.errors import SearchEngineError

# Too many requests, or a node that failed or is going away: the same request may succeed later.
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


def is_retryable(exc: OpenSearchException) -> bool:
    if isinstance(exc, ClientConnectionError):
        return True  # refused, reset or timed out (every host of the pool was tried)
    return isinstance(exc, TransportError) and exc.status_code in RETRYABLE_STATUS


def describe(exc: OpenSearchException) -> str:
    """A short account that names no host (it reaches the public /health); the client's own
    exception stays chained as the cause, for the log."""
    if isinstance(exc, ClientConnectionError):
        return "cluster unreachable"
    if isinstance(exc, TransportError):
        return f"{exc.status_code} {exc.error}"
    return type(exc).__name__


@contextmanager
def translated(what: str) -> Iterator[None]:
    """Raise any client error inside as a SearchEngineError saying what was being done."""
    try:
        yield
    except OpenSearchException as exc:
        raise SearchEngineError(f"OpenSearch {what} failed: {describe(exc)}") from exc
