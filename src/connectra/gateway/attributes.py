"""Attribute-value lists: names, domains, industries, keywords, departments, technologies
(CONTRACT.md §g.3) from Connectra's filter data, and any attribute of one company's contacts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from connectra.client import AsyncConnectraClient, EntityType

_LIST_SEPARATORS = re.compile(r"[,;\n]")
_LIST_DECORATION = "[]{}\"' \t"


@dataclass(frozen=True, slots=True)
class Attribute:
    """One helper: which Connectra filter holds the values, and whether a value may itself be
    a list (``"aws, gcp"``, ``"['aws', 'gcp']"``) to be flattened."""

    service: EntityType
    filter_key: str
    listish: bool


ATTRIBUTES: dict[str, Attribute] = {
    "names": Attribute("company", "uuid", listish=False),  # display value = company name
    "domains": Attribute("company", "normalized_domain", listish=False),
    "industries": Attribute("company", "industries", listish=True),
    "keywords": Attribute("company", "keywords", listish=True),
    "technologies": Attribute("company", "technologies", listish=True),
    "departments": Attribute("contact", "departments", listish=True),
}


def _parts(value: Any, listish: bool) -> Iterable[str]:
    values = value if isinstance(value, list) else [value]
    for item in values:
        if item is None:
            continue
        pieces = _LIST_SEPARATORS.split(str(item)) if listish else [str(item)]
        yield from (piece.strip(_LIST_DECORATION) for piece in pieces)


def tidy(values: Iterable[Any], *, listish: bool) -> list[str]:
    """Flattened (when ``listish``), without empties, de-duplicated case-insensitively (the
    first spelling wins) and sorted case-insensitively."""
    seen: dict[str, str] = {}
    for value in values:
        for part in _parts(value, listish):
            if part:
                seen.setdefault(part.casefold(), part)
    return sorted(seen.values(), key=lambda text: (text.casefold(), text))


async def values(
    client: AsyncConnectraClient, name: str, search: str | None, page: int, limit: int
) -> list[str]:
    attribute = ATTRIBUTES[name]
    found = await client.get_filter_data(
        attribute.service, attribute.filter_key, search or None, page, limit
    )
    return tidy((value.display_value for value in found), listish=attribute.listish)


async def company_contact_values(
    client: AsyncConnectraClient, company_uuid: str, column: str
) -> list[str]:
    """Every distinct value of ``column`` among the company's contacts."""
    vql = {
        "where": {"keyword_match": {"must": {"company_id": company_uuid.strip().lower()}}},
        "select_columns": ["uuid", column],
    }
    return tidy([r.get(column) async for r in client.iter_contacts(vql)], listish=False)
