"""Read routes of one entity: VQL list, count and get by uuid."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from connectra.api.deps import IndexDep, StoreDep, VQLBody, json_response
from connectra.api.openapi import vql_component
from connectra.api.paths import RECORD_PATH, UUIDPath
from connectra.api.schemas import (
    ERRORS,
    CountResponse,
    ErrorResponse,
    ListResponse,
    RecordResponse,
    declared_parameter,
    request_body,
)
from connectra.model.fields import CONTACT, Entity
from connectra.services import search as search_service
from connectra.vql.validate import compile_search

_CONTACT_EXAMPLES: dict[str, Any] = {
    "fuzzy title, senior or manager, 50+ employees, newest first": {
        "value": {
            "where": {
                "text_matches": {
                    "must": [
                        {
                            "text_value": "enginer",
                            "filter_key": "title",
                            "search_type": "shuffle",
                            "fuzzy": True,
                        }
                    ]
                },
                "keyword_match": {"must": {"seniority": ["senior", "manager"]}},
                "range_query": {"must": {"company_employees_count": {"gte": 50}}},
            },
            "order_by": [{"order_by": "created_at", "order_direction": "desc"}],
            "limit": 10,
        }
    },
    "phrase with slop, company populated": {
        "value": {
            "where": {
                "text_matches": {
                    "must": [
                        {
                            "text_value": "senior engineer",
                            "filter_key": "title",
                            "search_type": "exact",
                            "slop": 1,
                        }
                    ]
                }
            },
            "select_columns": ["uuid", "first_name", "last_name", "title"],
            "company_config": {"populate": True, "select_columns": ["name", "website"]},
            "limit": 5,
        }
    },
}
_COMPANY_EXAMPLES: dict[str, Any] = {
    "substring on name, uses Python, sorted by size": {
        "value": {
            "where": {
                "text_matches": {
                    "must": [
                        {"text_value": "forge", "filter_key": "name", "search_type": "substring"}
                    ]
                },
                "keyword_match": {"must": {"technologies": "python"}},
            },
            "order_by": [{"order_by": "employees_count", "order_direction": "desc"}],
            "limit": 10,
        }
    },
    "everything, first page": {"value": {}},
}


def read_router(entity: Entity) -> APIRouter:
    """List, count and get routes under ``/<plural>``."""
    router = APIRouter(prefix=f"/{entity.plural}", tags=[entity.plural], responses=ERRORS)
    examples = _CONTACT_EXAMPLES if entity is CONTACT else _COMPANY_EXAMPLES
    documented = request_body({"$ref": f"#/components/schemas/{vql_component(entity)}"}, examples)

    def list_records(body: VQLBody, store: StoreDep, index: IndexDep) -> Response:
        search = compile_search(body, entity)
        items = search_service.list_records(store, index, entity, search)
        return json_response({"data": items, "success": True})

    for path in ("", "/"):
        router.add_api_route(
            path,
            list_records,
            methods=["POST"],
            response_model=ListResponse,
            summary=f"Search {entity.plural} with VQL",
            openapi_extra=documented,
            name=f"list_{entity.plural}{'_slash' if path else ''}",
            include_in_schema=not path,  # the slash variant answers the same: document it once
        )

    @router.post(
        "/count",
        response_model=CountResponse,
        summary=f"Count {entity.plural}",
        openapi_extra=documented,
    )
    def count_records(body: VQLBody, index: IndexDep) -> Response:
        search = compile_search(body, entity)
        count = search_service.count_records(index, entity, search)
        return json_response({"count": count, "success": True})

    return router


def get_router(entity: Entity) -> APIRouter:
    """``GET /<plural>/{uuid}``: registered after every literal sub-path of the entity."""
    router = APIRouter(prefix=f"/{entity.plural}", tags=[entity.plural], responses=ERRORS)
    # ?select_columns=a,b (parse_select_columns also trims names and drops empty ones)
    name = "(?:" + "|".join(entity.column_names) + ")"
    columns = declared_parameter(
        "select_columns",
        {
            "type": "string",
            "pattern": f"^(?:{name}(?:,{name})*)?$",
            "examples": ["uuid,created_at"],
        },
        "the columns to return, comma-separated (all when absent)",
        required=False,
    )

    @router.get(
        RECORD_PATH,
        response_model=RecordResponse,
        summary=f"Get one {entity.name} by uuid",
        responses={404: {"model": ErrorResponse, "description": "NOT_FOUND"}},
        openapi_extra=columns,
    )
    def get_record(
        uuid: UUIDPath,
        store: StoreDep,
        select_columns: Annotated[str | None, Query(include_in_schema=False)] = None,
    ) -> Response:
        record = search_service.get_record(store, entity, uuid, select_columns)
        return json_response({"data": record, "success": True})

    return router
