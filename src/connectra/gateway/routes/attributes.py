"""Attribute-value helpers: sorted, de-duplicated value lists for dropdowns."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from connectra.gateway import attributes, docs
from connectra.gateway.deps import ClientDep
from connectra.gateway.errors import json_response

router = APIRouter()
Search = Annotated[str | None, Query(description="Case-insensitive substring.")]
Page = Annotated[int, Query(ge=1, description="Page of Connectra's filter values.")]
Limit = Annotated[int, Query(ge=1, le=100, description="Values per page, before flattening.")]
ContactColumn = Literal[
    "first_name", "last_name", "title", "seniority", "departments", "email_status",
    "city", "state", "country",
]  # fmt: skip
_VALUES = docs.answer({"data": ["Cloud", "DevOps", "fintech"], "success": True}, "The values")


def _add(name: str, prefix: str, tag: str) -> None:
    async def route(
        client: ClientDep, search: Search = None, page: Page = 1, limit: Limit = 25
    ) -> Response:
        found = await attributes.values(client, name, search, page, limit)
        return json_response({"data": found, "success": True})

    router.add_api_route(
        f"{prefix}/{name}/",
        route,
        methods=["GET"],
        tags=[tag],
        name=f"list_{name}",
        summary=f"The {name} held by live records (flattened, de-duplicated, sorted)",
        responses=_VALUES,
    )


for _name, _attribute in attributes.ATTRIBUTES.items():
    _entity = "companies" if _attribute.service == "company" else "contacts"
    _add(_name, f"/api/v1/{_entity}", _entity)


@router.get(
    "/api/v1/companies/company/{company_uuid}/contacts/{column}/",
    tags=["companies"],
    summary="The distinct values of one attribute among a company's contacts",
    responses=_VALUES,
)
async def company_contact_values(
    client: ClientDep, company_uuid: str, column: ContactColumn
) -> Response:
    found = await attributes.company_contact_values(client, company_uuid, column)
    return json_response({"data": found, "success": True})
