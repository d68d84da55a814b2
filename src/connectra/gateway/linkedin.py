"""LinkedIn URL search (``POST /api/v2/linkedin/``): contacts and companies of several URLs in
one Connectra search per entity (a ``linkedin_url`` any-of, CONTRACT.md §g.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectra.client import AsyncConnectraClient, Record
from connectra.gateway import transform
from connectra.gateway.errors import TooManyUrls

MAX_URLS = 100


def distinct_urls(urls: Sequence[str]) -> list[str]:
    """Trimmed, non-empty, de-duplicated case-insensitively (LinkedIn URLs are stored
    lower-cased); more than 100 is refused."""
    found = list(dict.fromkeys(url.strip().lower() for url in urls if url.strip()))
    if len(found) > MAX_URLS:
        raise TooManyUrls(f"at most {MAX_URLS} URLs per call, got {len(found)}", path="urls")
    return found


async def _matches(
    client: AsyncConnectraClient, vql: dict[str, Any], company: bool
) -> list[Record]:
    pages = client.iter_companies(vql) if company else client.iter_contacts(vql)
    return [record async for record in pages]


async def search(client: AsyncConnectraClient, urls: Sequence[str]) -> list[dict[str, Any]]:
    """One entry per URL, in the order given: its contacts and companies as list items."""
    wanted = distinct_urls(urls)
    if not wanted:
        return []
    where = {"keyword_match": {"must": {"linkedin_url": wanted}}}
    contacts = await _matches(client, {"where": where, "company_config": {"populate": True}}, False)
    companies = await _matches(client, {"where": where}, True)
    return [
        {
            "url": url,
            "contacts": transform.items(_at(contacts, url), transform.contact_item),
            "companies": transform.items(_at(companies, url), transform.company_item),
        }
        for url in wanted
    ]


def _at(records: list[Record], url: str) -> list[Record]:
    return [r for r in records if str(r.get("linkedin_url", "")).lower() == url]
