"""Query-parameter models of the list, count and export routes (CONTRACT.md §g.4).

Each filter model names exactly the parameters of its converter table; unknown parameters are
refused (400) rather than ignored, so a misspelt filter never widens a result silently.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PAGING_FIELDS = frozenset({"page", "limit", "page_size", "ordering", "cursor", "view"})


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def filters(self) -> dict[str, Any]:
        """The filter parameters that were given (paging keys excluded)."""
        return self.model_dump(exclude=set(PAGING_FIELDS), exclude_none=True)


class Paged(Filters):
    page: int | None = Field(None, description="Page mode: this page (1..10).", examples=[1])
    limit: int | None = Field(None, description="Page size, at most 100 (default 25).")
    page_size: int | None = Field(None, description="Alias of `limit`.")
    ordering: str | None = Field(
        None, description="`field:asc|desc`, comma-separated.", examples=["created_at:desc"]
    )
    cursor: str | None = Field(None, description="Cursor mode: the `next`/`previous` link's.")


class PersonFilters(Filters):
    """A person's own fields: shared by the contact list and a company's contact list."""

    first_name: str | None = Field(None, examples=["Ann"])
    last_name: str | None = None
    title: str | None = Field(None, examples=["engineer"])
    seniority: str | None = Field(None, examples=["senior"])
    department: str | None = None
    departments: list[str] | None = None
    email: str | None = None
    email_status: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    person_linkedin_url: str | None = None
    contact_location: str | None = None
    exclude_titles: list[str] | None = None
    exclude_seniorities: list[str] | None = None
    exclude_departments: list[str] | None = None


class FirmographicFilters(Filters):
    """A company's lists and ranges: shared by the contact and the company list."""

    industries: str | None = Field(None, description="Comma-separated.")
    keywords: str | None = Field(None, description="Comma-separated.")
    technologies: str | None = Field(None, description="Comma-separated.")
    employees_min: int | None = None
    employees_max: int | None = None
    annual_revenue_min: int | None = None
    annual_revenue_max: int | None = None
    total_funding_min: int | None = None
    total_funding_max: int | None = None


class ContactFilters(PersonFilters, FirmographicFilters):
    company: str | None = None
    include_company_name: str | None = None
    company_name_for_emails: str | None = None
    company_location: str | None = None
    company_address: str | None = None
    company_city: str | None = None
    company_state: str | None = None
    company_country: str | None = None
    company_linkedin_url: str | None = None
    company_id: str | None = None
    exclude_company_ids: list[str] | None = None
    exclude_industries: list[str] | None = None
    exclude_technologies: list[str] | None = None
    exclude_keywords: list[str] | None = None


class CompanyFilters(FirmographicFilters):
    name: str | None = Field(None, examples=["acme"])
    address: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    linkedin_url: str | None = None
    website: str | None = None
    normalized_domain: str | None = None


class CompanyContactFilters(PersonFilters):
    mobile_phone: str | None = None
    exclude_contact_locations: list[str] | None = None


class ContactView(Filters):
    view: Literal["full", "simple"] = Field(
        "full", description="`simple`: uuid, names, title, location, company name and domain."
    )


class ContactListParams(ContactFilters, ContactView, Paged):
    pass


class CompanyListParams(CompanyFilters, Paged):
    pass


class CompanyContactListParams(CompanyContactFilters, ContactView, Paged):
    pass
