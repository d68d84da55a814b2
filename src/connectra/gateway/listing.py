"""List, count and get of one entity: converted filters → Connectra → items and a page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import URL

from connectra.client import AsyncConnectraClient, EntityType, SearchPage
from connectra.errors import CompanyNotFound, ContactNotFound, NotFound
from connectra.gateway import transform
from connectra.gateway.converter import (
    COMPANY_CONTACT_RULES,
    COMPANY_RULES,
    CONTACT_RULES,
    Rule,
    order_by,
    paging,
    total_order,
    where,
)
from connectra.gateway.pages import Paging, Position, page_body
from connectra.gateway.params import Paged


@dataclass(frozen=True, slots=True)
class Listing:
    """What differs between contacts and companies."""

    entity: EntityType
    rules: Mapping[str, Rule]
    convert: Callable[[transform.Record], transform.Item]
    not_found: type[NotFound]

    simple: Callable[[transform.Record], transform.Item] | None = None

    def vql(self, filters: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {**extra}
        built = where(filters, self.rules)
        if built:
            body["where"] = built
        return body

    async def search(self, client: AsyncConnectraClient, vql: dict[str, Any]) -> SearchPage:
        """Contacts come with their company, which the items are partly made of."""
        if self.entity == "contact":
            return await client.search_contacts({**vql, "company_config": {"populate": True}})
        return await client.search_companies(vql)

    async def count(self, client: AsyncConnectraClient, filters: Mapping[str, Any]) -> int:
        built = self.vql(filters)
        if self.entity == "contact":
            return await client.count_contacts(built)
        return await client.count_companies(built)

    async def page(
        self,
        client: AsyncConnectraClient,
        url: URL,
        params: Paged,
        filters: Mapping[str, Any],
        simple: bool = False,
    ) -> dict[str, Any]:
        """One page with its links; page mode when ``page`` is given, else cursor mode.
        ``simple`` asks for the short items (contacts only)."""
        page, limit = paging(params.page, params.limit, params.page_size)
        if params.page is not None:
            mode = Paging(limit, page)
        else:
            mode = Paging(limit, position=Position.decode(params.cursor))
        order = total_order(order_by(params.ordering))
        result = await self.search(client, self.vql(filters, order_by=order, **mode.vql()))
        convert = self.simple if simple and self.simple else self.convert
        return page_body(transform.items(result.data, convert), mode.links(url, result.data))

    async def get(self, client: AsyncConnectraClient, uuid: str) -> transform.Item:
        """One record by uuid as a list item; 404 when absent (a search, as §g.2 does)."""
        vql = self.vql({}, limit=1)
        vql["where"] = {"keyword_match": {"must": {"uuid": uuid.strip().lower()}}}
        found = transform.items((await self.search(client, vql)).data, self.convert)
        if not found:
            raise self.not_found(f"{self.entity} {uuid!r} not found")
        return found[0]


CONTACTS = Listing(
    "contact", CONTACT_RULES, transform.contact_item, ContactNotFound, transform.simple_contact_item
)
COMPANIES = Listing("company", COMPANY_RULES, transform.company_item, CompanyNotFound)
COMPANY_CONTACTS = Listing(
    "contact",
    COMPANY_CONTACT_RULES,
    transform.contact_item,
    ContactNotFound,
    transform.simple_contact_item,
)
