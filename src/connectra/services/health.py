"""Health of the parts: store, index and the indexer's lag (``GET /health``)."""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa

from connectra.errors import ConnectraError
from connectra.index.base import SearchIndex
from connectra.model.fields import ENTITIES
from connectra.store.database import Store
from connectra.vql.ast import Query


class Lagging(Protocol):
    """What /health asks the indexer (a worker, so not imported here)."""

    def lag(self) -> dict[str, Any]: ...

    def caught_up(self) -> bool: ...


def _index(index: SearchIndex) -> dict[str, Any]:
    try:
        documents = {e.plural: index.count(e, Query()) for e in ENTITIES.values()}
    except Exception as exc:  # report, never fail the health answer itself
        failed: dict[str, Any] = {"ok": False, "engine": type(index).__name__}
        failed["error"] = type(exc).__name__
        if isinstance(exc, ConnectraError):  # our own messages only: /health is public
            failed["reason"] = str(exc)
        return failed
    return {"ok": True, "engine": type(index).__name__, "documents": documents}


def report(
    store: Store, index: SearchIndex, indexer: Lagging | None
) -> tuple[bool, dict[str, Any]]:
    """(ready to serve, the body): ``status`` is ``degraded`` when the store or the index fails,
    ``starting`` while the in-process indexer has not yet caught up with the store since the
    start (a search could miss stored rows), else ``ok``."""
    body: dict[str, Any] = {"store": store.ping(), "index": _index(index)}
    starting = False
    if indexer is not None:
        starting = not indexer.caught_up()
        try:
            body["indexer"] = indexer.lag()
        except sa.exc.SQLAlchemyError as exc:
            body["indexer"] = {"ok": False, "error": type(exc).__name__}
    if not (body["store"]["ok"] and body["index"]["ok"]):
        return False, {"status": "degraded", **body}
    return not starting, {"status": "starting" if starting else "ok", **body}
