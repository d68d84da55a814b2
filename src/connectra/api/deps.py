"""FastAPI dependencies: the app's engines and settings, as Annotated aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from fastapi.responses import Response

from connectra.errors import ValidationError
from connectra.index.base import SearchIndex
from connectra.model.validation import check_storable
from connectra.objects.base import ObjectStore
from connectra.settings import Settings
from connectra.store.database import Store
from connectra.vql.models import VQLRequest
from connectra.vql.validate import parse_request
from connectra.workers.link import IndexerLink


def _app_state(name: str) -> Callable[[Request], Any]:
    """A dependency that hands a route one of the engines ``create_app`` put on app.state.

    Async on purpose: FastAPI runs a sync dependency in the thread pool, a hop per dependency
    per request for an attribute lookup; the routes themselves stay sync (their search and
    store work runs in the pool, off the event loop)."""

    async def get(request: Request) -> Any:
        return getattr(request.app.state, name)

    return get


StoreDep = Annotated[Store, Depends(_app_state("store"))]
IndexDep = Annotated[SearchIndex, Depends(_app_state("index"))]
IndexerDep = Annotated[IndexerLink | None, Depends(_app_state("indexer"))]
ObjectsDep = Annotated[ObjectStore, Depends(_app_state("objects"))]
SettingsDep = Annotated[Settings, Depends(_app_state("settings"))]


async def json_body(request: Request, example: str = "{...}") -> Any:
    """The body as JSON whatever the Content-Type (clients often omit it); empty → 400."""
    raw = await request.body()
    if not raw.strip():
        raise ValidationError(f"a JSON body is required: {example}", path="$")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"invalid JSON: {exc}", path="$") from None
    check_storable(body)
    return body


async def read_json(request: Request) -> Any:
    return await json_body(request)


async def read_vql(request: Request) -> VQLRequest:
    """A VQL body (send ``{}`` to match everything)."""
    return parse_request(await json_body(request, "send {} to match everything"))


def wake_indexer(request: Request) -> None:
    """After a write commits: let the indexer apply it now rather than at its poll."""
    indexer: IndexerLink | None = request.app.state.indexer
    if indexer is not None:
        indexer.wake()


VQLBody = Annotated[VQLRequest, Depends(read_vql)]
JSONBody = Annotated[Any, Depends(read_json)]


def json_response(body: Any, status_code: int = 200) -> Response:
    """Serialise once with orjson: no per-row pydantic on the hot paths."""
    return Response(orjson.dumps(body), status_code=status_code, media_type="application/json")
