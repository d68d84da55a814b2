"""Sales Navigator profiles → Connectra company and contact payloads (CONTRACT.md §g.6), built
by pure functions, then saved through ``/bulk``.

Identity: a company's uuid is uuid5(NAMESPACE_URL, lower(name) + lower(company URL or "_")),
which is Connectra's own formula whenever the URL is the company's LinkedIn URL; a contact's is
uuid5(NAMESPACE_URL, lower(linkedin_url) + lower(email)) (the URL alone without an email), the
backend's formula, lower-cased because Connectra stores LinkedIn URLs lower-cased.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from connectra.client import AsyncConnectraClient, BulkResult

PLACEHOLDER = "_"
_SPACES = re.compile(r"\s+")
_TOKENS = re.compile(r"[^\W_]+")
_STANDARD_PROFILE = re.compile(r"linkedin\.com/(in|pub)/", re.IGNORECASE)

# First match wins, most senior first; matched against the title's words.
SENIORITY_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("executive", frozenset({"chief", "ceo", "cto", "cfo", "coo", "cmo", "cio", "founder",
                             "cofounder", "owner", "president", "partner", "vp", "evp", "svp"})),
    ("director", frozenset({"director", "head"})),
    ("manager", frozenset({"manager", "lead", "supervisor"})),
    ("senior_ic", frozenset({"senior", "sr", "principal", "staff"})),
    ("entry", frozenset({"intern", "junior", "jr", "trainee", "graduate", "apprentice"})),
)  # fmt: skip
# Departments as Connectra's consumers show them, and the words of a title or about text
# that place someone in them.
DEPARTMENT_WORDS: dict[str, frozenset[str]] = {
    "Engineering": frozenset({"engineer", "engineering", "developer", "software", "devops",
                              "programmer", "cto"}),
    "Sales": frozenset({"sales", "account", "bdr", "sdr", "business"}),
    "Marketing": frozenset({"marketing", "growth", "brand", "seo", "cmo"}),
    "Finance": frozenset({"finance", "financial", "accounting", "accountant", "cfo",
                          "controller"}),
    "Human Resources": frozenset({"hr", "recruiter", "recruiting", "talent", "people"}),
    "Operations": frozenset({"operations", "coo", "logistics"}),
    "Product": frozenset({"product"}),
    "Design": frozenset({"design", "designer", "ux", "ui"}),
    "Data": frozenset({"data", "analytics", "analyst", "scientist"}),
    "Legal": frozenset({"legal", "counsel", "lawyer", "attorney"}),
    "Customer Success": frozenset({"support", "success", "customer"}),
}  # fmt: skip
TECHNOLOGIES: dict[str, str] = {
    name.lower(): name
    for name in ("Python", "Java", "JavaScript", "TypeScript", "Go", "Rust", "Ruby", "PHP",
                 "React", "Angular", "Vue", "Django", "Node", "AWS", "Azure", "GCP",
                 "Kubernetes", "Docker", "Salesforce", "HubSpot", "PostgreSQL", "MySQL",
                 "MongoDB", "Snowflake", "Terraform", "Kafka", "Spark")
}  # fmt: skip


class Profile(BaseModel):
    """One scraped profile; keys the scraper adds beyond these are ignored."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "name": "Ann Lee",
                    "title": "Senior Software Engineer",
                    "location": "Austin, Texas, United States",
                    "about": "Building data platforms with Python and AWS.",
                    "profile_url": "https://www.linkedin.com/sales/lead/ACwAA123,NAME_SEARCH",
                    "linkedin_url": "https://www.linkedin.com/in/annlee",
                    "company_name": "Acme",
                    "company_url": "https://www.linkedin.com/company/acme",
                }
            ]
        },
    )
    name: str | None = None
    title: str | None = None
    about: str | None = None
    location: str | None = None
    profile_url: str | None = Field(None, description="Sales Navigator lead or LinkedIn URL.")
    linkedin_url: str | None = Field(None, description="The standard /in/ URL when known.")
    email: str | None = None
    phone: str | None = None
    company_name: str | None = None
    company_url: str | None = Field(None, description="Company LinkedIn/Sales Navigator URL.")


def clean(value: str | None) -> str:
    """Trimmed, inner whitespace collapsed; the placeholder ``"_"`` when empty."""
    text = _SPACES.sub(" ", value or "").strip()
    return text or PLACEHOLDER


def _known(value: str) -> str | None:
    return None if value == PLACEHOLDER else value


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """On the first space: ``"Ann Marie Lee"`` → ``("Ann", "Marie Lee")``."""
    first, _, last = clean(name).partition(" ")
    return _known(first), (last or None)


def split_location(location: str | None) -> tuple[str, str, str]:
    """``"City, State, Country"`` → parts; two parts are city and country, one a city."""
    parts = [clean(part) for part in clean(location).split(",")]
    parts = [part for part in parts if part != PLACEHOLDER]
    match parts:
        case [city, state, *_, country]:
            return city, state, country
        case [city, country]:
            return city, PLACEHOLDER, country
        case [city]:
            return city, PLACEHOLDER, PLACEHOLDER
    return PLACEHOLDER, PLACEHOLDER, PLACEHOLDER


def _words(*texts: str | None) -> set[str]:
    return {token.lower() for text in texts for token in _TOKENS.findall(text or "")}


def seniority(title: str | None) -> str | None:
    words = _words(title)
    return next((level for level, keys in SENIORITY_WORDS if words & keys), None)


def departments(title: str | None, about: str | None) -> list[str]:
    words = _words(title, about)
    return [name for name, keys in DEPARTMENT_WORDS.items() if words & keys]


def technologies(about: str | None) -> list[str] | None:
    found = [TECHNOLOGIES[word] for word in sorted(_words(about)) if word in TECHNOLOGIES]
    return found or None


def contact_linkedin_url(profile: Profile) -> str:
    """A standard ``/in/`` or ``/pub/`` URL when there is one; Sales Navigator lead URLs
    cannot be converted, so the raw profile URL is kept instead."""
    for candidate in (profile.linkedin_url, profile.profile_url):
        if candidate and _STANDARD_PROFILE.search(candidate):
            return clean(candidate)
    return clean(profile.profile_url)


def identity(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "".join(parts).lower()))


def company_payload(profile: Profile) -> dict[str, Any] | None:
    name = clean(profile.company_name)
    if name == PLACEHOLDER:
        return None
    url = clean(profile.company_url)
    linkedin = _known(url)
    return {
        "uuid": identity(name, url),
        "name": name,
        "employees_count": None,
        "industries": None,
        "keywords": None,
        "address": None,
        "annual_revenue": None,
        "total_funding": None,
        "technologies": technologies(profile.about),
        "text_search": _known(clean(profile.about)),
        "linkedin_url": linkedin if linkedin and "/sales/" not in linkedin else None,
        "linkedin_sales_url": linkedin if linkedin and "/sales/" in linkedin else None,
        "company_name_for_emails": name,
    }


def contact_payload(profile: Profile, company_id: str | None) -> dict[str, Any] | None:
    """None when the profile has no URL at all (nothing to identify the person by)."""
    linkedin = contact_linkedin_url(profile)
    if linkedin == PLACEHOLDER:
        return None
    email = _known(clean(profile.email))
    first, last = split_name(profile.name)
    city, state, country = split_location(profile.location)
    sales_url = clean(profile.profile_url)
    title = _known(clean(profile.title))
    return {
        "uuid": identity(linkedin, (email or "").lower()),
        "company_id": company_id,
        "first_name": first,
        "last_name": last,
        "email": email,
        "title": title,
        "departments": departments(title, profile.about) or None,
        "mobile_phone": _known(clean(profile.phone)),
        "email_status": None,
        "seniority": seniority(title),
        "text_search": _known(clean(profile.about)),
        "status": PLACEHOLDER,
        "linkedin_sales_url": sales_url if "/sales/" in sales_url else PLACEHOLDER,
        "linkedin_url": linkedin,
        **dict.fromkeys(("facebook_url", "twitter_url", "website", "stage"), PLACEHOLDER),
        **dict.fromkeys(("work_direct_phone", "home_phone", "other_phone"), PLACEHOLDER),
        "city": city,
        "state": state,
        "country": country,
    }


@dataclass
class Payloads:
    """What one save sends: companies (unique by uuid), contacts, and which profile each
    contact came from (bulk errors are reported by position in the array sent)."""

    companies: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    contact_profiles: list[int] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def build(profiles: list[Profile]) -> Payloads:
    out = Payloads()
    companies: dict[str, dict[str, Any]] = {}
    for index, profile in enumerate(profiles):
        company = company_payload(profile)
        if company is not None:
            companies.setdefault(company["uuid"], company)
        contact = contact_payload(profile, company["uuid"] if company else None)
        if contact is None:
            error = "the profile has no LinkedIn or Sales Navigator URL"
            out.errors.append({"entity": "contact", "profile_index": index, "error": error})
            continue
        out.contacts.append(contact)
        out.contact_profiles.append(index)
    out.companies = list(companies.values())
    return out


_NOTHING = BulkResult(total_count=0, success_count=0, error_count=0, created=0, updated=0)


def _errors(result: BulkResult, entity: str, origin: list[int] | None) -> list[dict[str, Any]]:
    """Bulk errors with the profile each came from (a company may be shared: none)."""
    return [
        {
            "entity": entity,
            **({"profile_index": origin[e.index]} if origin and 0 <= e.index < len(origin) else {}),
            "uuid": e.uuid,
            "error": e.error,
        }
        for e in result.errors
    ]


async def save(client: AsyncConnectraClient, payloads: Payloads, total: int) -> dict[str, Any]:
    """Companies first (contacts point at them), then contacts; the summary of §g.6. A
    Connectra failure is raised (503, or its 4xx passed through); companies already written
    stay written, and a retry of the whole save is safe since both are upserts by uuid."""
    companies = _NOTHING
    if payloads.companies:
        companies = await client.bulk_upsert_companies(payloads.companies)
    contacts = _NOTHING
    if payloads.contacts:
        contacts = await client.bulk_upsert_contacts(payloads.contacts)
    return {
        "total_profiles": total,
        "contacts_created": contacts.created,
        "contacts_updated": contacts.updated,
        "companies_created": companies.created,
        "companies_updated": companies.updated,
        "errors": [
            *payloads.errors,
            *_errors(companies, "company", None),
            *_errors(contacts, "contact", payloads.contact_profiles),
        ],
    }
