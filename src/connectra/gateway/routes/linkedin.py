"""``POST /api/v2/linkedin/``: contacts and companies by LinkedIn URL."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from connectra.gateway import docs, linkedin
from connectra.gateway.deps import ClientDep
from connectra.gateway.errors import json_response

router = APIRouter(tags=["linkedin"])
_FOUND = {
    "success": True,
    "data": [
        {
            "url": "https://www.linkedin.com/in/annlee",
            "contacts": [docs.CONTACT_EXAMPLE],
            "companies": [],
        }
    ],
    "contacts_count": 1,
    "companies_count": 0,
}


class LinkedInSearch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"urls": ["https://www.linkedin.com/in/annlee"]}]},
    )
    url: str | None = Field(None, description="One URL (or use `urls`).")
    urls: list[str] = Field(default=[], description=f"Up to {linkedin.MAX_URLS} URLs.")


@router.post(
    "/api/v2/linkedin/",
    summary="Contacts and companies whose linkedin_url is one of the URLs",
    responses=docs.answer(_FOUND, "One entry per distinct URL, in the order given"),
)
async def search_linkedin(client: ClientDep, body: LinkedInSearch) -> Response:
    urls = [*([body.url] if body.url else []), *body.urls]
    found = await linkedin.search(client, urls)
    return json_response(
        {
            "success": True,
            "data": found,
            "contacts_count": sum(len(entry["contacts"]) for entry in found),
            "companies_count": sum(len(entry["companies"]) for entry in found),
        }
    )
