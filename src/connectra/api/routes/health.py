"""``GET /health``: no auth, no rate limit; store, index and indexer state."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from connectra.api.deps import IndexDep, IndexerDep, StoreDep, json_response
from connectra.services import health as health_service

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness and component state")
def health(store: StoreDep, index: IndexDep, indexer: IndexerDep) -> Response:
    ok, body = health_service.report(store, index, indexer)
    return json_response(body, 200 if ok else 503)
