"""FastAPI dependencies: the app's store, index and indexer, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from fastapi.responses import Response

from connectra.errors import ValidationError
from connectra.index.base import SearchIndex
from connectra.store.database import Store
from connectra.vql.models import VQLRequest
from connectra.vql.validate import parse_request
from connectra.workers.indexer import Indexer


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_index(request: Request) -> SearchIndex:
    index: SearchIndex = request.app.state.index
    return index


def get_indexer(request: Request) -> Indexer | None:
    indexer: Indexer | None = request.app.state.indexer
    return indexer


StoreDep = Annotated[Store, Depends(get_store)]
IndexDep = Annotated[SearchIndex, Depends(get_index)]
IndexerDep = Annotated[Indexer | None, Depends(get_indexer)]


async def json_body(request: Request, example: str = "{...}") -> Any:
    """The body as JSON whatever the Content-Type (clients often omit it); empty → 400."""
    raw = await request.body()
    if not raw.strip():
        raise ValidationError(f"a JSON body is required: {example}", path="$")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ValidationError(f"invalid JSON: {exc}", path="$") from None


async def read_json(request: Request) -> Any:
    return await json_body(request)


async def read_vql(request: Request) -> VQLRequest:
    """A VQL body (send ``{}`` to match everything)."""
    return parse_request(await json_body(request, "send {} to match everything"))


def wake_indexer(request: Request) -> None:
    """After a write commits: let the in-process indexer apply it now rather than at its poll."""
    indexer: Indexer | None = request.app.state.indexer
    if indexer is not None:
        indexer.wake()


VQLBody = Annotated[VQLRequest, Depends(read_vql)]
JSONBody = Annotated[Any, Depends(read_json)]


def vql_request_body(examples: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI ``requestBody`` of a VQL route (the body is parsed by :func:`read_vql`)."""
    schema = {"$ref": "#/components/schemas/VQLRequest"}
    content = {"application/json": {"schema": schema, "examples": examples}}
    return {"requestBody": {"required": True, "content": content}}


def json_response(body: Any, status_code: int = 200) -> Response:
    """Serialise once with orjson: no per-row pydantic on the hot paths."""
    return Response(orjson.dumps(body), status_code=status_code, media_type="application/json")
