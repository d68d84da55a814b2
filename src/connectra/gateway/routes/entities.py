"""Contacts and companies: list, count, get by uuid, and the contacts of one company."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from connectra.gateway import docs
from connectra.gateway.deps import ClientDep
from connectra.gateway.errors import json_response
from connectra.gateway.listing import COMPANIES, COMPANY_CONTACTS, CONTACTS
from connectra.gateway.params import (
    CompanyContactFilters,
    CompanyContactListParams,
    CompanyFilters,
    CompanyListParams,
    ContactFilters,
    ContactListParams,
)

router = APIRouter()
# Registered after every literal sub-path (count/, names/, ...), which they would shadow.
items = APIRouter()
CompanyUuid = Annotated[str, Path(description="The company's uuid.")]


def _count(count: int) -> Response:
    return json_response({"count": count, "success": True})


@router.get(
    "/api/v1/contacts/",
    tags=["contacts"],
    summary="List contacts matching the filter parameters",
    responses=docs.page_of(docs.CONTACT_EXAMPLE),
)
async def list_contacts(
    request: Request, client: ClientDep, params: Annotated[ContactListParams, Query()]
) -> Response:
    simple = params.view == "simple"
    page = await CONTACTS.page(client, request.url, params, params.filters(), simple)
    return json_response(page)


@router.get(
    "/api/v1/contacts/count/",
    tags=["contacts"],
    summary="Count contacts matching the filter parameters",
    responses=docs.COUNT,
)
async def count_contacts(client: ClientDep, params: Annotated[ContactFilters, Query()]) -> Response:
    return _count(await CONTACTS.count(client, params.filters()))


@router.get(
    "/api/v1/companies/",
    tags=["companies"],
    summary="List companies matching the filter parameters",
    responses=docs.page_of(docs.COMPANY_EXAMPLE),
)
async def list_companies(
    request: Request, client: ClientDep, params: Annotated[CompanyListParams, Query()]
) -> Response:
    return json_response(await COMPANIES.page(client, request.url, params, params.filters()))


@router.get(
    "/api/v1/companies/count/",
    tags=["companies"],
    summary="Count companies matching the filter parameters",
    responses=docs.COUNT,
)
async def count_companies(
    client: ClientDep, params: Annotated[CompanyFilters, Query()]
) -> Response:
    return _count(await COMPANIES.count(client, params.filters()))


@router.get(
    "/api/v1/companies/company/{company_uuid}/contacts/",
    tags=["companies"],
    summary="List the contacts of one company",
    responses=docs.page_of(docs.CONTACT_EXAMPLE),
)
async def list_company_contacts(
    request: Request,
    client: ClientDep,
    company_uuid: CompanyUuid,
    params: Annotated[CompanyContactListParams, Query()],
) -> Response:
    filters = {**params.filters(), "company_id": company_uuid.strip().lower()}
    simple = params.view == "simple"
    return json_response(await COMPANY_CONTACTS.page(client, request.url, params, filters, simple))


@router.get(
    "/api/v1/companies/company/{company_uuid}/contacts/count/",
    tags=["companies"],
    summary="Count the contacts of one company",
    responses=docs.COUNT,
)
async def count_company_contacts(
    client: ClientDep,
    company_uuid: CompanyUuid,
    params: Annotated[CompanyContactFilters, Query()],
) -> Response:
    filters = {**params.filters(), "company_id": company_uuid.strip().lower()}
    return _count(await COMPANY_CONTACTS.count(client, filters))


@items.get(
    "/api/v1/contacts/{contact_uuid}/",
    tags=["contacts"],
    summary="One contact by uuid",
    responses=docs.one(docs.CONTACT_EXAMPLE),
)
async def get_contact(client: ClientDep, contact_uuid: str) -> Response:
    return json_response({"data": await CONTACTS.get(client, contact_uuid), "success": True})


@items.get(
    "/api/v1/companies/{company_uuid}/",
    tags=["companies"],
    summary="One company by uuid",
    responses=docs.one(docs.COMPANY_EXAMPLE),
)
async def get_company(client: ClientDep, company_uuid: CompanyUuid) -> Response:
    return json_response({"data": await COMPANIES.get(client, company_uuid), "success": True})
