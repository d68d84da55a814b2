"""Filter parameters of the consumer API → Connectra VQL (CONTRACT.md §g.4): pure functions.

Each parameter has one :class:`Rule` (its VQL target field and how the value is used); the three
tables below are the whole mapping, and :func:`where` is the only code that reads them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

DEFAULT_LIMIT = 25
MAX_LIMIT = 100  # Connectra's limit cap (CONTRACT.md §c.4)


class Kind(Enum):
    """How a parameter's value becomes a VQL condition."""

    TEXT = "text"  # text_matches.must, shuffle + fuzzy
    TEXT_EXCLUDE = "text_exclude"  # one text_matches.must_not (shuffle + fuzzy) per value
    KEYWORD = "keyword"  # keyword_match.must, value as given
    KEYWORD_LIST = "keyword_list"  # keyword_match.must, scalar wrapped / comma-separated split
    KEYWORD_EXCLUDE = "keyword_exclude"  # keyword_match.must_not, a list
    RANGE_MIN = "gte"  # range_query.must {target: {gte}}
    RANGE_MAX = "lte"  # range_query.must {target: {lte}}


@dataclass(frozen=True, slots=True)
class Rule:
    target: str
    kind: Kind


def _rules(kind: Kind, pairs: Mapping[str, str]) -> dict[str, Rule]:
    return {param: Rule(target, kind) for param, target in pairs.items()}


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


CONTACT_RULES: dict[str, Rule] = {
    **_rules(
        Kind.TEXT,
        {
            **_same("first_name", "last_name", "title", "city", "state", "country"),
            "person_linkedin_url": "linkedin_url",
            "contact_location": "city",
            "company": "company_name",
            "include_company_name": "company_name",
            "company_name_for_emails": "company_name",
            "company_location": "company_address",
            "company_address": "company_address",
            **_same("company_city", "company_state", "company_country", "company_linkedin_url"),
        },
    ),
    **_rules(Kind.KEYWORD, _same("email", "email_status", "seniority", "company_id")),
    **_rules(
        Kind.KEYWORD_LIST,
        {
            "department": "departments",
            "departments": "departments",
            "technologies": "company_technologies",
            "keywords": "company_keywords",
            "industries": "company_industries",
        },
    ),
    **_rules(
        Kind.RANGE_MIN,
        {
            "employees_min": "company_employees_count",
            "annual_revenue_min": "company_annual_revenue",
            "total_funding_min": "company_total_funding",
        },
    ),
    **_rules(
        Kind.RANGE_MAX,
        {
            "employees_max": "company_employees_count",
            "annual_revenue_max": "company_annual_revenue",
            "total_funding_max": "company_total_funding",
        },
    ),
    "exclude_titles": Rule("title", Kind.TEXT_EXCLUDE),
    **_rules(
        Kind.KEYWORD_EXCLUDE,
        {
            "exclude_seniorities": "seniority",
            "exclude_departments": "departments",
            "exclude_company_ids": "company_id",
            "exclude_industries": "company_industries",
            "exclude_technologies": "company_technologies",
            "exclude_keywords": "company_keywords",
        },
    ),
}

COMPANY_RULES: dict[str, Rule] = {
    **_rules(
        Kind.TEXT,
        _same(
            "name",
            "address",
            "city",
            "state",
            "country",
            "linkedin_url",
            "website",
            "normalized_domain",
        ),
    ),
    **_rules(Kind.KEYWORD_LIST, _same("industries", "keywords", "technologies")),
    **_rules(
        Kind.RANGE_MIN,
        {
            "employees_min": "employees_count",
            "annual_revenue_min": "annual_revenue",
            "total_funding_min": "total_funding",
        },
    ),
    **_rules(
        Kind.RANGE_MAX,
        {
            "employees_max": "employees_count",
            "annual_revenue_max": "annual_revenue",
            "total_funding_max": "total_funding",
        },
    ),
}

# The contacts of one company (CompanyContactFilterParams): the contact rules for every
# parameter both models share, plus exclusions of locations. Connectra indexes neither
# `website`, `facebook_url`, `twitter_url`, `stage`, `status` nor `text_search` of contacts, so
# those filters of the later dialect (§g.2 caveat) cannot be expressed in VQL and are refused
# by the parameter model rather than silently ignored.
COMPANY_CONTACT_RULES: dict[str, Rule] = {
    **{
        name: CONTACT_RULES[name]
        for name in (
            "first_name",
            "last_name",
            "title",
            "seniority",
            "department",
            "departments",
            "email_status",
            "email",
            "company_id",  # set by the route from the path, never a query parameter
            "city",
            "state",
            "country",
            "person_linkedin_url",
            "contact_location",
            "exclude_titles",
            "exclude_seniorities",
            "exclude_departments",
        )
    },
    "mobile_phone": Rule("mobile_phone", Kind.KEYWORD),
    "exclude_contact_locations": Rule("city", Kind.TEXT_EXCLUDE),
}


def _text(target: str, value: str) -> dict[str, Any]:
    return {"text_value": value, "filter_key": target, "search_type": "shuffle", "fuzzy": True}


def _strings(value: Any) -> list[str]:
    """A list parameter's non-empty values; a string is comma-separated."""
    items = value.split(",") if isinstance(value, str) else list(value)
    return [text for item in items if (text := str(item).strip())]


@dataclass
class _Where:
    """The ``where`` object being built."""

    must_text: list[dict[str, Any]]
    not_text: list[dict[str, Any]]
    must_keyword: dict[str, Any]
    not_keyword: dict[str, list[str]]
    ranges: dict[str, dict[str, Any]]

    def add(self, rule: Rule, value: Any) -> None:
        """Add one parameter's condition; empty strings and lists add nothing."""
        kind, target = rule.kind, rule.target
        if kind in (Kind.TEXT, Kind.KEYWORD):
            # CONTRACT.md §g.4: text takes string values only (a list is not a condition).
            scalar = value.strip() if isinstance(value, str) else value
            if scalar == "" or (kind is Kind.TEXT and not isinstance(scalar, str)):
                return
            if kind is Kind.TEXT:
                self.must_text.append(_text(target, scalar))
            else:
                self.must_keyword[target] = scalar
        elif kind in (Kind.RANGE_MIN, Kind.RANGE_MAX):
            self.ranges.setdefault(target, {})[kind.value] = value
        else:
            self._add_list(kind, target, _strings(value))

    def _add_list(self, kind: Kind, target: str, values: list[str]) -> None:
        if not values:
            return
        if kind is Kind.TEXT_EXCLUDE:
            self.not_text.extend(_text(target, text) for text in values)
            return
        into = self.must_keyword if kind is Kind.KEYWORD_LIST else self.not_keyword
        into[target] = list(dict.fromkeys([*into.get(target, []), *values]))

    def to_dict(self) -> dict[str, Any]:
        parts: dict[str, dict[str, Any]] = {
            "text_matches": {"must": self.must_text, "must_not": self.not_text},
            "keyword_match": {"must": self.must_keyword, "must_not": self.not_keyword},
            "range_query": {"must": self.ranges},
        }
        return {
            kind: {side: value for side, value in sides.items() if value}
            for kind, sides in parts.items()
            if any(sides.values())
        }


def where(params: Mapping[str, Any], rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The VQL ``where`` of ``params``; ``None`` and empty values add nothing.

    A parameter without a rule is a programming error (the parameter models list exactly the
    table's names), so it raises ``KeyError`` rather than being dropped.
    """
    built = _Where([], [], {}, {}, {})
    for name, value in params.items():
        if value is not None:
            built.add(rules[name], value)
    return built.to_dict()


def paging(
    page: int | None = None, limit: int | None = None, page_size: int | None = None
) -> tuple[int, int]:
    """``(page, limit)``: the page, else 1; ``limit``, else ``page_size``, else 25, capped at
    100. Zero or negative values count as absent. (The backend also read a page from its filter
    object; here filters and paging are one set of query parameters, so there is one page.)"""
    chosen_page = page if page is not None and page > 0 else 1
    chosen = next((n for n in (limit, page_size) if n is not None and n > 0), DEFAULT_LIMIT)
    return chosen_page, min(chosen, MAX_LIMIT)


def order_by(ordering: str | None) -> list[dict[str, str]]:
    """``"field:dir,field2:dir"`` → VQL ``order_by``; a direction other than asc/desc (or
    none) is ascending."""
    keys: list[dict[str, str]] = []
    for part in _strings(ordering or ""):
        name, _, direction = part.partition(":")
        direction = direction.strip().lower()
        if name.strip():
            keys.append(
                {
                    "order_by": name.strip(),
                    "order_direction": direction if direction in ("asc", "desc") else "asc",
                }
            )
    return keys


def total_order(keys: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """The sort with ``uuid`` appended unless it ends it already: cursors need a total order,
    or records tied on every key could be skipped or repeated at page boundaries."""
    out = [dict(key) for key in keys]
    if not out or out[-1]["order_by"] != "uuid":
        out.append({"order_by": "uuid", "order_direction": "asc"})
    return out
