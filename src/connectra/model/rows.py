"""CSV / batch rows → company and contact records (CONTRACT.md §b.4 with §0.2).

Every header and value is passed through :func:`clean_string` first. Values keep the case they
were sent in (§0.2.1); identifiers (email, LinkedIn URLs, domain) are lower-cased, phones are
cleaned, number cells are parsed with :func:`to_int64`. An empty cell is stored as NULL, so a
record built here always carries every non-system column of its entity.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connectra.model.fields import COMPANY, CONTACT, ColumnType, Entity
from connectra.model.identity import company_uuid, contact_uuid
from connectra.model.normalize import (
    clean_phone,
    clean_string,
    domain_from_email,
    lower_identifier,
    split_and_trim,
    to_int64,
)

Transform = Callable[[str], Any]

# CSV header → (company column, transform); the contract's §b.4 table, in its order.
COMPANY_HEADERS: dict[str, tuple[str, Transform | None]] = {
    "company": ("name", None),
    "company_linkedin_url": ("linkedin_url", lower_identifier),
    "email": ("normalized_domain", domain_from_email),
    "employees": ("employees_count", to_int64),
    "industry": ("industries", split_and_trim),
    "keywords": ("keywords", split_and_trim),
    "company_address": ("address", None),
    "annual_revenue": ("annual_revenue", to_int64),
    "total_funding": ("total_funding", to_int64),
    "technologies": ("technologies", split_and_trim),
    "website": ("website", None),
    "company_city": ("city", None),
    "company_state": ("state", None),
    "company_country": ("country", None),
    "facebook_url": ("facebook_url", None),
    "twitter_url": ("twitter_url", None),
    "company_name_for_emails": ("company_name_for_emails", None),
    "company_phone": ("phone_number", clean_phone),
    "latest_funding": ("latest_funding", None),
    "latest_funding_amount": ("latest_funding_amount", to_int64),
    "last_raised_at": ("last_raised_at", None),
}

CONTACT_HEADERS: dict[str, tuple[str, Transform | None]] = {
    "first_name": ("first_name", None),
    "last_name": ("last_name", None),
    "person_linkedin_url": ("linkedin_url", lower_identifier),
    "email": ("email", lower_identifier),
    "title": ("title", None),
    "departments": ("departments", split_and_trim),
    "mobile_phone": ("mobile_phone", clean_phone),
    "work_direct_phone": ("work_direct_phone", clean_phone),
    "home_phone": ("home_phone", clean_phone),
    "other_phone": ("other_phone", clean_phone),
    "email_status": ("email_status", None),
    "seniority": ("seniority", None),
    "stage": ("stage", None),
    "city": ("city", None),
    "state": ("state", None),
    "country": ("country", None),
    "facebook_url": ("facebook_url", None),
    "twitter_url": ("twitter_url", None),
}

CSV_HEADERS: tuple[str, ...] = tuple(dict.fromkeys([*COMPANY_HEADERS, *CONTACT_HEADERS]))


@dataclass(frozen=True, slots=True)
class RowRecords:
    company: dict[str, Any]
    contact: dict[str, Any]


def _blank(entity: Entity) -> dict[str, Any]:
    return {column.name: None for column in entity.columns if not column.system}


_BLANK_COMPANY = _blank(COMPANY)
_BLANK_CONTACT = _blank(CONTACT)


# (header, column, transform, numeric) per entity: the header tables resolved once
_Plan = tuple[tuple[str, str, Transform | None, bool], ...]


def _plan(entity: Entity, headers: Mapping[str, tuple[str, Transform | None]]) -> _Plan:
    def numeric(name: str) -> bool:
        column = entity.column(name)
        return column is not None and column.type is ColumnType.BIGINT

    return tuple((h, name, fn, numeric(name)) for h, (name, fn) in headers.items())


_COMPANY_PLAN = _plan(COMPANY, COMPANY_HEADERS)
_CONTACT_PLAN = _plan(CONTACT, CONTACT_HEADERS)


@functools.lru_cache(maxsize=1024)
def _header_name(key: str) -> str:
    return clean_string(key)


def _fill(record: dict[str, Any], cells: Mapping[str, Any], plan: _Plan) -> None:
    for header, name, transform, numeric in plan:
        raw = cells.get(header)
        cell = clean_string(str(raw)) if raw else ""
        if not cell:
            continue
        value = transform(cell) if transform else cell
        record[name] = value if value or numeric else None


def records_from_row(row: Mapping[str, Any]) -> RowRecords:
    """Build the company and the contact of one CSV row (the contact points at the company)."""
    cells = {_header_name(str(key)): value for key, value in row.items()}
    company = _BLANK_COMPANY.copy()
    _fill(company, cells, _COMPANY_PLAN)
    company["uuid"] = company_uuid(company["name"] or "", company["linkedin_url"] or "")
    contact = _BLANK_CONTACT.copy()
    _fill(contact, cells, _CONTACT_PLAN)
    contact["company_id"] = company["uuid"]
    contact["uuid"] = contact_uuid(
        contact["first_name"] or "", contact["last_name"] or "", contact["linkedin_url"] or ""
    )
    return RowRecords(company=company, contact=contact)
