"""``POST /api/v1/sales-navigator/save``: upsert scraped profiles (companies, then contacts)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from connectra.gateway import docs
from connectra.gateway.deps import ClientDep
from connectra.gateway.errors import json_response
from connectra.gateway.sales_navigator import Profile, build, save

MAX_PROFILES = 1000  # Connectra's /bulk cap (CONTRACT.md §d.6)
router = APIRouter(tags=["sales navigator"])
_SUMMARY = {
    "total_profiles": 2,
    "contacts_created": 1,
    "contacts_updated": 1,
    "companies_created": 0,
    "companies_updated": 1,
    "errors": [],
}


class SaveProfiles(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profiles: list[Profile] = Field(min_length=1, max_length=MAX_PROFILES)


@router.post(
    "/api/v1/sales-navigator/save",
    summary="Save scraped Sales Navigator profiles as companies and contacts",
    responses=docs.answer(
        {"success": True, "data": {"summary": _SUMMARY, "contacts": [], "companies": []}},
        "What was written, and the payloads that were sent",
    ),
)
async def save_profiles(client: ClientDep, body: SaveProfiles) -> Response:
    payloads = build(body.profiles)
    summary = await save(client, payloads, len(body.profiles))
    data = {"summary": summary, "contacts": payloads.contacts, "companies": payloads.companies}
    return json_response({"success": True, "data": data})
