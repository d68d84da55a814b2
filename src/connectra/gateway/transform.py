"""Connectra records → the consumer API's items (CONTRACT.md §g.5 VQLTransformer)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Record = Mapping[str, Any]
Item = dict[str, Any]

_CONTACT_COPIED = (
    "uuid",
    "first_name",
    "last_name",
    "email",
    "title",
    "mobile_phone",
    "email_status",
    "seniority",
    "city",
    "state",
    "country",
    "created_at",
    "updated_at",
)
# company key → list-item key
_COMPANY_RENAMED = {
    "name": "company",
    "company_name_for_emails": "company_name_for_emails",
    "employees_count": "employees",
    "annual_revenue": "annual_revenue",
    "total_funding": "total_funding",
    "city": "company_city",
    "state": "company_state",
    "country": "company_country",
    "address": "company_address",
    "linkedin_url": "company_linkedin_url",
    "phone_number": "company_phone",
    "latest_funding": "latest_funding",
    "latest_funding_amount": "latest_funding_amount",
    "last_raised_at": "last_raised_at",
}
_CONTACT_METADATA = (
    "work_direct_phone",
    "home_phone",
    "other_phone",
    "facebook_url",
    "twitter_url",
    "website",
    "stage",
)
_COMPANY_COPIED = (
    "uuid",
    "name",
    "employees_count",
    "annual_revenue",
    "total_funding",
    "city",
    "state",
    "country",
    "website",
    "linkedin_url",
    "phone_number",
    "technologies",
    "keywords",
)


def _joined(values: Any) -> str | None:
    if isinstance(values, list):
        return ", ".join(str(v) for v in values) or None
    return None if values is None else str(values)


def _first(values: Any) -> Any:
    return values[0] if isinstance(values, list) and values else None


def contact_item(record: Record) -> Item:
    """``ContactListItem``: every key present (``None`` when Connectra omitted it)."""
    item: Item = {key: record.get(key) for key in _CONTACT_COPIED}
    item["departments"] = _joined(record.get("departments"))
    item["person_linkedin_url"] = record.get("linkedin_url")
    company = record.get("company") or {}
    item.update({new: company.get(old) for old, new in _COMPANY_RENAMED.items()})
    item["industry"] = _first(company.get("industries"))
    item["technologies"] = _joined(company.get("technologies"))
    item.update({key: record[key] for key in _CONTACT_METADATA if record.get(key)})
    return item


def simple_contact_item(record: Record) -> Item:
    company = record.get("company") or {}
    return {
        "uuid": record.get("uuid"),
        "first_name": record.get("first_name"),
        "last_name": record.get("last_name"),
        "title": record.get("title"),
        "location": {key: record.get(key) for key in ("city", "state", "country")},
        "company_name": company.get("name"),
        "person_linkedin_url": record.get("linkedin_url"),
        "company_domain": company.get("normalized_domain"),
    }


def company_item(record: Record) -> Item:
    """``CompanyListItem``."""
    item: Item = {key: record.get(key) for key in _COMPANY_COPIED}
    item["industry"] = _first(record.get("industries"))
    return item


def items(records: Iterable[Record], convert: Callable[[Record], Item]) -> list[Item]:
    """Converted records; one that cannot be converted (no ``uuid``, not an object) is
    skipped, as the backend's transformer does."""
    return [
        convert(record)
        for record in records
        if isinstance(record, Mapping) and isinstance(record.get("uuid"), str)
    ]
