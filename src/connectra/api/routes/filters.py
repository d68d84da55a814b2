"""Filter routes: definitions and dropdown values, under ``/common/{service}`` and the aliases
``/contacts/filters[/data]`` and ``/companies/filters[/data]`` that clients call (§d.3, §e.2).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from connectra.api.deps import IndexDep, StoreDep, json_body, json_response
from connectra.api.schemas import ERRORS, ErrorResponse, ListResponse, request_body
from connectra.limits import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from connectra.model.fields import COMPANY, CONTACT, ENTITIES, Entity
from connectra.services import filters as filters_service
from connectra.vql.models import JSONInt
from connectra.vql.validate import validate_model


class FilterValuesRequest(BaseModel):
    """Body of ``filters/data``; ``service`` is accepted and ignored (the path decides)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={"examples": [{"filter_key": "city", "search_text": "aus", "limit": 10}]},
    )

    filter_key: str = Field(min_length=1)
    search_text: str | None = None
    page: JSONInt | None = None
    limit: JSONInt | None = Field(default=None, json_schema_extra={"maximum": PAGE_SIZE_MAX})
    service: str | None = None


async def read_filter_values_request(request: Request) -> FilterValuesRequest:
    """The body parsed whatever the Content-Type, like VQL bodies; problems name their path."""
    data = await json_body(request, '{"filter_key": "..."}')
    return validate_model(FilterValuesRequest, data)


FilterValuesBody = Annotated[FilterValuesRequest, Depends(read_filter_values_request)]

# Any case is accepted; the document names the canonical spellings.
ServicePath = Annotated[
    str,
    Path(
        json_schema_extra={
            "enum": [name for entity in ENTITIES.values() for name in (entity.name, entity.plural)]
        }
    ),
]

_UNSUPPORTED: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "ERR_UNSUPPORTED_SERVICE"}
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "NOT_FOUND: no such active filter"}
}


def _definitions_route(router: APIRouter, path: str, fixed: Entity | None) -> None:
    """``GET <path>``: the service comes from the path parameter, or is fixed for an alias."""

    def list_filters(store: StoreDep, service: ServicePath) -> Response:
        data = filters_service.list_filters(store, service)
        return json_response({"data": data, "success": True})

    def list_fixed(store: StoreDep) -> Response:
        assert fixed is not None
        return list_filters(store, fixed.name)

    router.add_api_route(
        path,
        list_filters if fixed is None else list_fixed,
        methods=["GET"],
        response_model=ListResponse,
        summary="Filter definitions of a service, ordered by key",
        responses=_UNSUPPORTED,
        name=f"filters_{fixed.plural if fixed else 'common'}",
    )


def _values_route(router: APIRouter, path: str, fixed: Entity | None) -> None:
    """``POST <path>``: one page of a filter's values, each with its live count."""

    def filter_values(
        body: FilterValuesBody, store: StoreDep, index: IndexDep, service: ServicePath
    ) -> Response:
        data = filters_service.filter_values(
            store, index, service, body.filter_key, body.search_text, body.page, body.limit
        )
        return json_response({"data": data, "success": True})

    def values_fixed(body: FilterValuesBody, store: StoreDep, index: IndexDep) -> Response:
        assert fixed is not None
        return filter_values(body, store, index, fixed.name)

    router.add_api_route(
        path,
        filter_values if fixed is None else values_fixed,
        methods=["POST"],
        response_model=ListResponse,
        summary="Values of one filter held by live records, with counts",
        description=(
            f"Ordered by display value; `limit` ≤ {PAGE_SIZE_MAX} (default {PAGE_SIZE_DEFAULT}), "
            "`page` from 1."
        ),
        responses={**_UNSUPPORTED, **_NOT_FOUND},
        openapi_extra=request_body(FilterValuesRequest.model_json_schema()),
        name=f"filter_values_{fixed.plural if fixed else 'common'}",
    )


def filters_router() -> APIRouter:
    """Register before ``GET /<plural>/{uuid}`` so that ``filters`` is not taken for a uuid."""
    router = APIRouter(tags=["filters"], responses=ERRORS)
    _definitions_route(router, "/common/{service}/filters", None)
    _values_route(router, "/common/{service}/filters/data", None)
    for entity in (CONTACT, COMPANY):
        _definitions_route(router, f"/{entity.plural}/filters", entity)
        _values_route(router, f"/{entity.plural}/filters/data", entity)
    return router
