"""``GET /health``: no auth, no rate limit; store, index and indexer state."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import Response

from connectra.api.deps import IndexDep, IndexerDep, StoreDep, json_response
from connectra.errors import ConnectraError
from connectra.index.base import SearchIndex
from connectra.model.fields import ENTITIES
from connectra.store.database import Store
from connectra.store.migrate import current_revision
from connectra.vql.ast import Query

router = APIRouter(tags=["health"])


def _store(store: Store) -> dict[str, Any]:
    try:
        with store.read() as conn:
            conn.execute(sa.text("SELECT 1"))
        return {"ok": True, "engine": store.dialect, "revision": current_revision(store.engine)}
    except sa.exc.SQLAlchemyError as exc:
        return {"ok": False, "engine": store.dialect, "error": type(exc).__name__}


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


@router.get("/health", summary="Liveness and component state")
def health(store: StoreDep, index: IndexDep, indexer: IndexerDep) -> Response:
    body: dict[str, Any] = {"store": _store(store), "index": _index(index)}
    if indexer is not None:
        try:
            body["indexer"] = indexer.lag()
        except sa.exc.SQLAlchemyError as exc:
            body["indexer"] = {"ok": False, "error": type(exc).__name__}
    ok = body["store"]["ok"] and body["index"]["ok"]
    return json_response({"status": "ok" if ok else "degraded", **body}, 200 if ok else 503)
