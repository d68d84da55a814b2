"""Bulk writes: externally versioned actions, chunked by count and bytes, retried per item."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import orjson
from opensearchpy import OpenSearch, OpenSearchException

from connectra.errors import SearchEngineError
from connectra.index.opensearch.errors import RETRYABLE_STATUS, describe, is_retryable

MAX_ACTIONS = 1000
MAX_BYTES = 5 * 1024 * 1024
ATTEMPTS = 6
FIRST_BACKOFF_SECONDS = 0.2
# 409: a document with an equal or larger version is there already, which is what the external
# version is for; 404: the document to delete is not there.
_DONE = {409, 404}


@dataclass(frozen=True, slots=True)
class Action:
    """One bulk action already serialised: its header line and (for an upsert) its source."""

    lines: bytes

    @property
    def size(self) -> int:
        return len(self.lines)


def _header(kind: str, target: str, uuid: str, version: int) -> bytes:
    # require_alias: a write through an alias that has just gone (a rebuild's building alias after
    # the swap) fails instead of auto-creating a concrete index under the alias's name.
    meta = {"_index": target, "_id": uuid, "version": version, "version_type": "external",
            "require_alias": True}  # fmt: skip
    return orjson.dumps({kind: meta}) + b"\n"


def upsert(alias: str, uuid: str, source: Mapping[str, Any], version: int) -> Action:
    return Action(_header("index", alias, uuid, version) + orjson.dumps(source) + b"\n")


def delete(alias: str, uuid: str, version: int) -> Action:
    return Action(_header("delete", alias, uuid, version))


def chunks(actions: Sequence[Action]) -> Iterator[list[Action]]:
    """Runs of at most MAX_ACTIONS actions and (unless one action is larger) MAX_BYTES."""
    chunk: list[Action] = []
    size = 0
    for action in actions:
        if chunk and (len(chunk) == MAX_ACTIONS or size + action.size > MAX_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(action)
        size += action.size
    if chunk:
        yield chunk


def _status(item: Mapping[str, Any]) -> tuple[int, Any]:
    result = next(iter(item.values()))
    return int(result["status"]), result.get("error")


def _alias_gone(error: Any) -> bool:
    return isinstance(error, Mapping) and error.get("type") == "index_not_found_exception"


def _failed(
    chunk: list[Action], items: Sequence[Mapping[str, Any]], *, target_may_vanish: bool
) -> list[Action]:
    """The actions to send again; a failure that retrying cannot fix raises."""
    again: list[Action] = []
    for action, item in zip(chunk, items, strict=True):
        status, error = _status(item)
        if status < HTTPStatus.MULTIPLE_CHOICES or (status in _DONE and not _alias_gone(error)):
            continue
        if _alias_gone(error) and target_may_vanish:
            continue
        if status in RETRYABLE_STATUS:
            again.append(action)
            continue
        raise SearchEngineError(f"the search engine refused a document ({status}): {error}")
    return again


def _backoff(attempt: int) -> None:
    time.sleep(FIRST_BACKOFF_SECONDS * 2**attempt * random.uniform(0.8, 1.2))  # noqa: S311


def _attempt(client: OpenSearch, pending: list[Action], *, target_may_vanish: bool) -> list[Action]:
    """Send once; returns the actions to send again."""
    try:
        response = client.bulk(body=b"".join(action.lines for action in pending))
    except OpenSearchException as exc:
        if is_retryable(exc):
            return pending
        raise SearchEngineError(f"OpenSearch bulk write failed: {describe(exc)}") from exc
    if not response.get("errors"):
        return []
    return _failed(pending, response["items"], target_may_vanish=target_may_vanish)


def _send_chunk(client: OpenSearch, chunk: list[Action], *, target_may_vanish: bool) -> None:
    pending = chunk
    for attempt in range(ATTEMPTS):
        pending = _attempt(client, pending, target_may_vanish=target_may_vanish)
        if not pending:
            return
        if attempt + 1 < ATTEMPTS:
            _backoff(attempt)
    raise SearchEngineError(
        f"OpenSearch bulk write: {len(pending)} actions still failing after {ATTEMPTS} attempts"
    )


def send(client: OpenSearch, actions: Sequence[Action], *, target_may_vanish: bool = False) -> None:
    """Apply every action; items the cluster is too busy for (429, 5xx) are sent again with
    exponential backoff, without holding back the items that succeeded. With
    ``target_may_vanish``, items whose alias no longer exists are dropped instead of failing."""
    for chunk in chunks(actions):
        _send_chunk(client, chunk, target_may_vanish=target_may_vanish)
