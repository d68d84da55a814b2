"""The VQL conformance table: hand-written expectations from CONTRACT.md §c.2 to §c.4 and §0.2.

Each case is a request body exactly as a client sends it and the expected result, written by
hand from the contract (never computed by the reference matcher, which is under test like every
other engine). Unsorted cases expect a set of row names; sorted cases (``order_by``) expect the
exact order. Every case also checks the total and the count.

Names are those of :mod:`tests.conformance.dataset`; uuid order there is dataset order, which is
how the uuid tie-break of sorted results is written down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from connectra.errors import PageOutOfRange, PageSizeExceeded, ValidationError
from connectra.index.base import SearchIndex
from connectra.model.fields import ENTITIES
from connectra.vql import cursor
from connectra.vql.validate import parse_search
from tests.conformance.dataset import ALL, COMPANY_UUIDS, NAMES


@dataclass(frozen=True)
class Case:
    id: str
    entity: str  # "contact" or "company"
    body: dict[str, Any]
    expected: frozenset[str] | tuple[str, ...]  # a set when unsorted, the order when sorted
    total: int  # number of matching rows (differs from len(expected) when paging)


def match(id_: str, entity: str, body: dict[str, Any], expected: set[str] | frozenset[str]) -> Case:
    return Case(id_, entity, body, frozenset(expected), len(expected))


def ordered(
    id_: str, entity: str, body: dict[str, Any], expected: list[str], total: int | None = None
) -> Case:
    return Case(id_, entity, body, tuple(expected), len(expected) if total is None else total)


def cond(filter_key: str, text_value: str, search_type: str, **options: Any) -> dict[str, Any]:
    """One ``text_matches`` condition, with the contract's key names."""
    return {
        "text_value": text_value,
        "filter_key": filter_key,
        "search_type": search_type,
        **options,
    }


def names(text: str) -> frozenset[str]:
    """``names("anna ana")`` is ``{"anna", "ana"}``: a compact way to write a set of rows."""
    return frozenset(text.split())


def companies(*labels: str) -> list[str]:
    """Company uuids, as a client would put them in ``company_id`` conditions or cursors."""
    return [COMPANY_UUIDS[label] for label in labels]


CONTACTS = ALL["contact"]
COMPANIES = ALL["company"]

# Titles holding the token "engineer" (not "engineering"): 16 contacts.
ENGINEER = names(
    "jonathan jon anna ana zoe joao priya mei liam kate yuki aisha nina julia arjun lea"
)
# Titles holding both "senior" and "engineer".
SENIOR_ENGINEER = names("jonathan jon anna zoe mei yuki julia")
# seniority stored as "Senior", "senior" or "SENIOR".
SENIORITY_SENIOR = names("jonathan jon anna zoe mei chloe grace fatima yuki aisha julia")
# departments holding "Engineering" (any case): 20 contacts.
DEPT_ENGINEERING = names(
    "jonathan jon anna ana zoe joao priya marcus ravi lucas chloe liam grace kate yuki "
    "aisha nina samuel arjun lea"
)
# Contacts of companies with employees_count >= 1000.
BIG_COMPANY = names("priya lea sarah david arjun emily hannah mei aisha liam samuel fatima omar")
# Companies created from 2025-01-01T00:00Z on (hooli is 2024-12-31T23:00Z).
CREATED_2025 = names(
    "piedpiper soylent cyberdyne tyrell vandelay nakatomi oscorp massive aperture "
    "blackmesa dunder bluesun"
)
# All companies by employees_count ascending: ties by uuid, missing values last.
BY_EMPLOYEES = [
    "piedpiper", "ab", "vandelay", "xyz", "zebra", "massive", "saopaulo", "microlabs", "dunder",
    "initech", "tyrell", "mueller", "aperture", "acme", "nakatomi", "bluesun", "globex", "hooli",
    "oscorp", "cyberdyne", "blackmesa", "umbrella", "stark", "wayne", "soylent",
]  # fmt: skip
BY_EMPLOYEES_DESC = [
    "stark", "umbrella", "blackmesa", "cyberdyne", "oscorp", "globex", "hooli", "bluesun",
    "nakatomi", "acme", "aperture", "mueller", "initech", "tyrell", "dunder", "microlabs",
    "saopaulo", "massive", "xyz", "zebra", "vandelay", "ab", "piedpiper", "wayne", "soylent",
]  # fmt: skip

ASC_EMPLOYEES = [{"order_by": "employees_count", "order_direction": "asc"}]
DESC_EMPLOYEES = [{"order_by": "employees_count", "order_direction": "desc"}]

CASES: list[Case] = [
    # ---------------------------------------------------------------- shuffle (§c.3) ----------
    match(
        "shuffle_and_needs_every_token",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "senior engineer", "shuffle")]}}},
        SENIOR_ENGINEER,
    ),
    match(
        "shuffle_query_case_is_ignored",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "SENIOR Engineer", "shuffle")]}}},
        SENIOR_ENGINEER,
    ),
    match(
        "shuffle_matches_whole_tokens_only",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "engineer", "shuffle")]}}},
        ENGINEER,
    ),
    match(
        "shuffle_operator_or_any_token",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [cond("title", "principal staff", "shuffle", operator="or")]
                }
            }
        },
        {"priya", "zoe", "joao", "arjun"},
    ),
    match(
        "shuffle_operator_is_case_insensitive",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [cond("title", "scientist principal", "shuffle", operator="OR")]
                }
            }
        },
        {"ravi", "fatima", "priya"},
    ),
    match(
        "shuffle_operator_and_explicit",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [cond("title", "principal staff", "shuffle", operator="and")]
                }
            }
        },
        set(),
    ),
    match(
        "shuffle_no_stop_words_no_length_cut",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "of", "shuffle")]}}},
        {"david", "olivia", "samuel"},
    ),
    match(
        "shuffle_apostrophe_splits_tokens",
        "contact",
        {"where": {"text_matches": {"must": [cond("last_name", "connor", "shuffle")]}}},
        {"liam"},
    ),
    match(
        "shuffle_punctuation_in_query_ignored",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "engineer, software", "shuffle")]}}},
        {"jonathan", "jon", "zoe", "liam", "arjun", "lea"},
    ),
    match(
        "shuffle_unicode_uppercase",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "ZOË", "shuffle")]}}},
        {"zoe"},
    ),
    match(
        "shuffle_no_accent_folding",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "zoe", "shuffle")]}}},
        set(),
    ),
    match(
        "shuffle_query_without_tokens_matches_nothing",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", " -- !! ", "shuffle")]}}},
        set(),
    ),
    # ---------------------------------------------------- fuzzy AUTO thresholds (§c.3) -------
    match(
        "fuzzy_len2_zero_edits_exact_token",
        "contact",
        {"where": {"text_matches": {"must": [cond("last_name", "LI", "shuffle", fuzzy=True)]}}},
        {"anna"},
    ),
    match(
        "fuzzy_len2_one_edit_too_many",
        "contact",
        {"where": {"text_matches": {"must": [cond("last_name", "lo", "shuffle", fuzzy=True)]}}},
        set(),
    ),
    match(
        "fuzzy_len3_one_edit_substitution",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "jom", "shuffle", fuzzy=True)]}}},
        {"jon"},
    ),
    match(
        "fuzzy_len3_one_edit_insertion",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "Ana", "shuffle", fuzzy=True)]}}},
        {"ana", "anna"},
    ),
    match(
        "not_fuzzy_exact_token_only",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "Ana", "shuffle")]}}},
        {"ana"},
    ),
    match(
        "fuzzy_len4_two_edits_too_many",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "Amma", "shuffle", fuzzy=True)]}}},
        set(),
    ),
    match(
        "fuzzy_len4_one_edit",
        "contact",
        {"where": {"text_matches": {"must": [cond("last_name", "Chen", "shuffle", fuzzy=True)]}}},
        {"marcus", "hannah"},
    ),
    match(
        "fuzzy_len5_transposition_is_one_edit",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "Pryia", "shuffle", fuzzy=True)]}}},
        {"priya"},
    ),
    match(
        "fuzzy_len5_two_edits_too_many",
        "contact",
        {"where": {"text_matches": {"must": [cond("last_name", "Petal", "shuffle", fuzzy=True)]}}},
        set(),
    ),
    match(
        "fuzzy_len6_two_edits",
        "contact",
        {
            "where": {
                "text_matches": {"must": [cond("first_name", "Jnathn", "shuffle", fuzzy=True)]}
            }
        },
        {"jonathan"},
    ),
    match(
        "fuzzy_len7_two_edits_unicode",
        "contact",
        {
            "where": {
                "text_matches": {"must": [cond("last_name", "Mueller", "shuffle", fuzzy=True)]}
            }
        },
        {"zoe"},
    ),
    match(
        "fuzzy_len8_three_edits_too_many",
        "contact",
        {
            "where": {
                "text_matches": {"must": [cond("first_name", "Jonaxxxn", "shuffle", fuzzy=True)]}
            }
        },
        set(),
    ),
    match(
        "fuzzy_transposition_enigneer",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "enigneer", "shuffle", fuzzy=True)]}}},
        ENGINEER,
    ),
    match(
        "fuzzy_with_operator_or",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [
                        cond("first_name", "Pryia Jnathn", "shuffle", fuzzy=True, operator="or")
                    ]
                }
            }
        },
        {"priya", "jonathan"},
    ),
    match(
        "fuzzy_len7_transposition_plus_insertion_is_two_edits",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "enigner", "shuffle", fuzzy=True)]}}},
        ENGINEER,
    ),
    match(
        "transposition_without_fuzzy_matches_nothing",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "enigneer", "shuffle")]}}},
        set(),
    ),
    match(
        "fuzzy_two_edits_unicode_not_three",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "ingeneur", "shuffle", fuzzy=True)]}}},
        {"chloe"},
    ),
    match(
        "fuzzy_every_token_with_and",
        "contact",
        {
            "where": {
                "text_matches": {"must": [cond("title", "senior enigneer", "shuffle", fuzzy=True)]}
            }
        },
        SENIOR_ENGINEER,
    ),
    match(
        "fuzzy_ignored_by_exact",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [cond("title", "senior enigneer", "exact", slop=2, fuzzy=True)]
                }
            }
        },
        set(),
    ),
    match(
        "fuzzy_ignored_by_substring",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "enigneer", "substring", fuzzy=True)]}}},
        set(),
    ),
    # --------------------------------------------------------------- exact / phrase ----------
    match(
        "exact_slop0_adjacent_in_order",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "senior engineer", "exact")]}}},
        {"anna", "yuki"},
    ),
    match(
        "exact_slop1_one_word_between",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "senior engineer", "exact", slop=1)]}}},
        {"jonathan", "anna", "mei", "yuki", "julia"},
    ),
    match(
        "exact_slop2_two_words_between_or_reversed",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "senior engineer", "exact", slop=2)]}}},
        SENIOR_ENGINEER,
    ),
    match(
        "exact_reversed_slop0",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "engineer senior", "exact")]}}},
        {"jon"},
    ),
    match(
        "exact_reversed_adjacent_slop1_not_enough",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "engineer senior", "exact", slop=1)]}}},
        {"jon"},
    ),
    match(
        "exact_reversed_adjacent_slop2",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "engineer senior", "exact", slop=2)]}}},
        {"jon", "anna", "yuki"},
    ),
    match(
        "exact_phrase_order_matters",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "software engineer", "exact")]}}},
        {"jonathan", "jon", "zoe", "arjun", "lea"},
    ),
    match(
        "exact_punctuation_between_words",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "engineer software", "exact")]}}},
        {"liam"},
    ),
    match(
        "exact_case_insensitive_unicode",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "INGÉNIEUR logiciel", "exact")]}}},
        {"chloe"},
    ),
    match(
        "exact_ignores_operator_or",
        "contact",
        {
            "where": {
                "text_matches": {"must": [cond("title", "principal staff", "exact", operator="or")]}
            }
        },
        set(),
    ),
    match(
        "exact_apostrophe_tokens",
        "contact",
        {"where": {"text_matches": {"must": [cond("last_name", "O'CONNOR", "exact")]}}},
        {"liam"},
    ),
    # -------------------------------------------------------------- substring / n-grams ------
    match(
        "substring_token_shorter_than_min_gram",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "ab", "substring")]}}},
        set(),
    ),
    match(
        "substring_token_exactly_min_gram",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "xyz", "substring")]}}},
        {"xyz"},
    ),
    match(
        "substring_inside_a_word",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "sys", "substring")]}}},
        {"ab", "cyberdyne", "bluesun"},
    ),
    match(
        "substring_case_insensitive",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "MICRO", "substring")]}}},
        {"acme", "microlabs", "bluesun"},
    ),
    match(
        "substring_longer_than_max_gram_needs_every_gram",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "microelectronics", "substring")]}}},
        {"acme"},
    ),
    match(
        "substring_longer_than_max_gram_shorter_word",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "microelectronic", "substring")]}}},
        {"acme", "microlabs"},
    ),
    match(
        "substring_longer_than_max_gram_windows_from_several_words",
        "company",
        {"where": {"text_matches": {"must": [cond("address", "microelectronics", "substring")]}}},
        {"microlabs"},
    ),
    match(
        "substring_multi_token_and",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "micro labs", "substring")]}}},
        {"microlabs"},
    ),
    match(
        "substring_multi_token_or_any_gram",
        "company",
        {
            "where": {
                "text_matches": {"must": [cond("name", "micro labs", "substring", operator="or")]}
            }
        },
        {"acme", "microlabs", "bluesun", "massive"},  # "Dynamic" holds the gram "mic"
    ),
    match(
        "substring_short_token_ignored_beside_long",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "ab xyz", "substring")]}}},
        {"xyz"},
    ),
    match(
        "substring_only_short_tokens_or",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "ab xy", "substring", operator="or")]}}},
        set(),
    ),
    match(
        "substring_unicode",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "TÊX", "substring")]}}},
        {"saopaulo"},
    ),
    match(
        "substring_no_accent_folding",
        "company",
        {"where": {"text_matches": {"must": [cond("name", "tex", "substring")]}}},
        set(),
    ),
    match(
        "substring_website_tokens",
        "company",
        {"where": {"text_matches": {"must": [cond("website", "acme-micro", "substring")]}}},
        {"acme"},
    ),
    match(
        "substring_contacts_min_gram_3",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "jon", "substring")]}}},
        {"jonathan", "jon"},
    ),
    match(
        "substring_contacts_too_short",
        "contact",
        {"where": {"text_matches": {"must": [cond("first_name", "jo", "substring")]}}},
        set(),
    ),
    match(
        "substring_matches_longer_words",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "engineer", "substring")]}}},
        ENGINEER | {"marcus", "samuel"},
    ),
    match(
        "substring_operator_and_title",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "manag", "substring")]}}},
        {"marcus", "sarah", "sofia", "kwame", "diego"},
    ),
    match(
        "substring_operator_or_title_any_gram",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "manag", "substring", operator="or")]}}},
        {"marcus", "sarah", "sofia", "kwame", "diego", "ethan"},  # "Analyst" holds "ana"
    ),
    match(
        "substring_two_tokens_each_inside_a_word",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "data engin", "substring")]}}},
        {"mei"},
    ),
    match(
        "substring_long_token_contacts",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "Vertriebsleiter", "substring")]}}},
        {"lena"},
    ),
    match(
        "substring_denormalised_company_name",
        "contact",
        {"where": {"text_matches": {"must": [cond("company_name", "micro", "substring")]}}},
        {"jonathan", "jon", "nina", "julia"},
    ),
    # ---------------------------------------------------------- text on keyword fields -------
    match(
        "text_on_keyword_whole_value_any_case",
        "contact",
        {"where": {"text_matches": {"must": [cond("city", "SAN JOSE", "shuffle")]}}},
        {"jonathan", "jon"},
    ),
    match(
        "text_on_keyword_part_of_value_no_match",
        "contact",
        {"where": {"text_matches": {"must": [cond("city", "jose", "shuffle")]}}},
        set(),
    ),
    match(
        "text_on_keyword_fuzzy_whole_value",
        "contact",
        {"where": {"text_matches": {"must": [cond("city", "San Hose", "shuffle", fuzzy=True)]}}},
        {"jonathan", "jon"},
    ),
    match(
        "text_on_keyword_fuzzy_unicode",
        "contact",
        {"where": {"text_matches": {"must": [cond("city", "Sao Paulo", "shuffle", fuzzy=True)]}}},
        {"joao", "pedro"},
    ),
    match(
        "text_on_keyword_exact",
        "contact",
        {"where": {"text_matches": {"must": [cond("city", "são paulo", "exact")]}}},
        {"joao", "pedro"},
    ),
    match(
        "text_on_keyword_array_with_punctuation",
        "company",
        {"where": {"text_matches": {"must": [cond("technologies", "C++", "shuffle")]}}},
        {"microlabs", "stark", "cyberdyne"},
    ),
    match(
        "text_must_not_on_keyword",
        "contact",
        {
            "where": {
                "text_matches": {"must_not": [cond("city", "san jose", "shuffle")]},
                "keyword_match": {"must": {"company_id": companies("acme", "xyz")}},
            }
        },
        {"anna"},
    ),
    # ---------------------------------------------------------------- grouping (§c.2) --------
    match(
        "same_field_conditions_are_ored",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [
                        cond("title", "principal", "shuffle"),
                        cond("title", "scientist", "shuffle"),
                    ]
                }
            }
        },
        {"priya", "ravi", "fatima"},
    ),
    match(
        "same_field_mixed_search_types_ored",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [
                        cond("title", "data scientist", "exact"),
                        cond("title", "principal", "shuffle"),
                    ]
                }
            }
        },
        {"ravi", "priya"},
    ),
    match(
        "same_field_or_with_a_condition_without_tokens",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [
                        cond("title", "!!!", "shuffle"),
                        cond("title", "principal", "shuffle"),
                    ]
                }
            }
        },
        {"priya"},
    ),
    match(
        "different_fields_are_anded",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [
                        cond("title", "engineer", "shuffle"),
                        cond("last_name", "li", "shuffle"),
                    ]
                }
            }
        },
        {"anna"},
    ),
    match(
        "different_fields_anded_with_fuzzy",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [
                        cond("first_name", "ana", "shuffle", fuzzy=True),
                        cond("title", "engineer", "shuffle"),
                    ]
                }
            }
        },
        {"anna", "ana"},
    ),
    match(
        "text_must_not_each_excludes_on_its_own",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [cond("title", "engineer", "shuffle")],
                    "must_not": [
                        cond("title", "senior", "shuffle"),
                        cond("title", "staff", "shuffle"),
                    ],
                }
            }
        },
        {"ana", "priya", "liam", "kate", "aisha", "nina", "lea"},
    ),
    match(
        "text_must_not_alone_keeps_rows_without_the_field",
        "contact",
        {
            "where": {"text_matches": {"must_not": [cond("title", "engineer", "shuffle")]}},
            "limit": 100,
        },
        CONTACTS - ENGINEER,
    ),
    match(
        "text_must_not_without_tokens_excludes_nothing",
        "contact",
        {"where": {"text_matches": {"must_not": [cond("title", "!!!", "shuffle")]}}, "limit": 100},
        CONTACTS,
    ),
    match(
        "text_keyword_and_range_are_anded",
        "contact",
        {
            "where": {
                "text_matches": {"must": [cond("title", "engineer", "shuffle")]},
                "keyword_match": {"must": {"seniority": "senior"}},
                "range_query": {"must": {"company_employees_count": {"lte": 500}}},
            }
        },
        {"jonathan", "jon", "anna", "zoe", "julia"},
    ),
    match("no_where_matches_everything", "company", {"limit": 100}, COMPANIES),
    match(
        "empty_where_matches_everything",
        "contact",
        {"where": {"text_matches": {}, "keyword_match": {}, "range_query": {}}, "limit": 100},
        CONTACTS,
    ),
    # ------------------------------------------------------------------ keyword_match --------
    match(
        "keyword_capitalised_query_matches_any_stored_case",
        "contact",
        {"where": {"keyword_match": {"must": {"seniority": "Senior"}}}},
        SENIORITY_SENIOR,
    ),
    match(
        "keyword_lowercase_query_matches_capitalised_values",
        "contact",
        {"where": {"keyword_match": {"must": {"seniority": "senior"}}}},
        SENIORITY_SENIOR,
    ),
    match(
        "keyword_uppercase_query",
        "contact",
        {"where": {"keyword_match": {"must": {"seniority": "MANAGER"}}}},
        {"marcus", "sarah", "sofia", "pedro", "kwame", "diego"},
    ),
    match(
        "keyword_array_is_any_of",
        "contact",
        {"where": {"keyword_match": {"must": {"departments": ["Sales", "marketing"]}}}},
        {"sarah", "david", "olivia", "noah", "hiro", "pedro", "lena", "kwame"},
    ),
    match(
        "keyword_must_not_array_excludes_any_element",
        "contact",
        {"where": {"keyword_match": {"must_not": {"departments": ["Engineering"]}}}, "limit": 100},
        CONTACTS - DEPT_ENGINEERING,
    ),
    match(
        "keyword_must_not_list_of_values",
        "contact",
        {
            "where": {"keyword_match": {"must_not": {"seniority": ["senior", "ENTRY"]}}},
            "limit": 100,
        },
        names(
            "joao priya marcus sarah david emily olivia sofia pedro lena ben kwame max "
            "diego hannah samuel arjun"
        ),
    ),
    match(
        "keyword_empty_array_in_must_matches_nothing",
        "contact",
        {"where": {"keyword_match": {"must": {"departments": []}}}},
        set(),
    ),
    match(
        "keyword_empty_array_in_must_not_excludes_nothing",
        "contact",
        {"where": {"keyword_match": {"must_not": {"departments": []}}}, "limit": 100},
        CONTACTS,
    ),
    match(
        "keyword_on_number_field",
        "contact",
        {"where": {"keyword_match": {"must": {"company_employees_count": 50}}}},
        {"anna", "ana", "ravi"},
    ),
    match(
        "keyword_on_number_field_numeric_string",
        "contact",
        {"where": {"keyword_match": {"must": {"company_employees_count": "50"}}}},
        {"anna", "ana", "ravi"},
    ),
    match(
        "keyword_on_number_field_any_of",
        "company",
        {"where": {"keyword_match": {"must": {"employees_count": [8, 10]}}}},
        {"piedpiper", "ab"},
    ),
    match(
        "keyword_on_number_field_fraction_matches_nothing",
        "company",
        {"where": {"keyword_match": {"must": {"employees_count": 50.5}}}},
        set(),
    ),
    match(
        "keyword_on_date_field_same_instant_any_zone",
        "contact",
        {"where": {"keyword_match": {"must": {"created_at": "2024-09-10T10:00:00Z"}}}},
        {"sarah", "david"},
    ),
    match(
        "keyword_on_text_field_single_token",
        "contact",
        {"where": {"keyword_match": {"must": {"title": "Engineer"}}}},
        ENGINEER,
    ),
    match(
        "keyword_on_text_field_several_words_never_match",
        "contact",
        {"where": {"keyword_match": {"must": {"company_name": "Acme Microelectronics"}}}},
        set(),
    ),
    match(
        "keyword_on_text_field_one_word",
        "contact",
        {"where": {"keyword_match": {"must": {"company_name": "ACME"}}}},
        {"jonathan", "jon"},
    ),
    match(
        "keyword_on_text_field_punctuated_value",
        "contact",
        {"where": {"keyword_match": {"must": {"last_name": "o'connor"}}}},
        set(),
    ),
    match(
        "keyword_whole_value_with_space",
        "company",
        {"where": {"keyword_match": {"must": {"industries": "import export"}}}},
        {"vandelay"},
    ),
    match(
        "keyword_part_of_value_no_match",
        "company",
        {"where": {"keyword_match": {"must": {"industries": "Import"}}}},
        set(),
    ),
    match(
        "keyword_value_with_punctuation",
        "company",
        {"where": {"keyword_match": {"must": {"technologies": "C++"}}}},
        {"microlabs", "stark", "cyberdyne"},
    ),
    match(
        "keyword_unicode_uppercase",
        "contact",
        {"where": {"keyword_match": {"must": {"city": "SÃO PAULO"}}}},
        {"joao", "pedro"},
    ),
    match(
        "keyword_identifier_any_case",
        "contact",
        {"where": {"keyword_match": {"must": {"email": "Jonathan@ACME-micro.com"}}}},
        {"jonathan"},
    ),
    match(
        "keyword_different_fields_anded",
        "company",
        {
            "where": {
                "keyword_match": {"must": {"industries": ["Defense"], "technologies": ["Python"]}}
            }
        },
        {"stark", "cyberdyne"},
    ),
    match(
        "keyword_must_and_must_not",
        "company",
        {
            "where": {
                "keyword_match": {
                    "must": {"technologies": ["aws"]},
                    "must_not": {"industries": ["Software"]},
                }
            }
        },
        {"acme", "umbrella", "oscorp"},
    ),
    match(
        "keyword_must_not_each_field_excludes_on_its_own",
        "company",
        {
            "where": {
                "keyword_match": {"must_not": {"industries": "Software", "technologies": "Python"}}
            }
        },
        names(
            "microlabs globex umbrella wayne saopaulo mueller soylent tyrell vandelay nakatomi "
            "oscorp blackmesa dunder"
        ),
    ),
    match(
        "keyword_must_not_keeps_rows_without_the_field",
        "contact",
        {"where": {"keyword_match": {"must_not": {"company_country": "United States"}}}},
        {"zoe", "lena", "max", "joao", "pedro", "chloe", "sofia", "diego"},
    ),
    match(
        "keyword_denormalised_array_and_seniority",
        "contact",
        {
            "where": {
                "keyword_match": {
                    "must": {"company_industries": ["Software"], "seniority": ["entry"]}
                }
            }
        },
        {"ana", "ravi", "lucas", "nina", "lea"},
    ),
    # -------------------------------------------------------------------- range_query --------
    match(
        "range_gte_number",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {"gte": 1000}}}}},
        {"globex", "umbrella", "stark", "hooli", "cyberdyne", "oscorp", "blackmesa"},
    ),
    match(
        "range_gt_number",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {"gt": 1000}}}}},
        {"umbrella", "stark", "cyberdyne", "oscorp", "blackmesa"},
    ),
    match(
        "range_lte_number",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {"lte": 50}}}}},
        {"ab", "xyz", "zebra", "piedpiper", "vandelay"},
    ),
    match(
        "range_lt_number",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {"lt": 50}}}}},
        {"ab", "piedpiper", "vandelay"},
    ),
    match(
        "range_between_inclusive",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {"gte": 100, "lte": 500}}}}},
        {"acme", "microlabs", "initech", "mueller", "tyrell", "aperture", "dunder"},
    ),
    match(
        "range_numeric_string_bound",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {"gte": "1000"}}}}},
        {"globex", "umbrella", "stark", "hooli", "cyberdyne", "oscorp", "blackmesa"},
    ),
    match(
        "range_fractional_bounds",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {"gt": 999.5, "lt": 1000.5}}}}},
        {"globex", "hooli"},
    ),
    match(
        "range_missing_value_never_matches",
        "company",
        {"where": {"range_query": {"must": {"annual_revenue": {"gte": 0}}}}},
        names(
            "acme microlabs xyz zebra globex initech umbrella stark saopaulo mueller "
            "hooli cyberdyne"
        ),
    ),
    match(
        "range_must_not_excludes_and_keeps_missing",
        "company",
        {"where": {"range_query": {"must_not": {"employees_count": {"lt": 100}}}}},
        COMPANIES - {"ab", "xyz", "zebra", "saopaulo", "piedpiper", "vandelay", "massive"},
    ),
    match(
        "range_must_and_must_not_same_field",
        "company",
        {
            "where": {
                "range_query": {
                    "must": {"employees_count": {"gte": 100}},
                    "must_not": {"employees_count": {"gte": 1000}},
                }
            }
        },
        names("acme microlabs initech mueller nakatomi tyrell aperture dunder bluesun"),
    ),
    match(
        "range_on_denormalised_number",
        "contact",
        {"where": {"range_query": {"must": {"company_employees_count": {"gte": 1000}}}}},
        BIG_COMPANY,
    ),
    match(
        "range_must_not_on_denormalised_keeps_no_company",
        "contact",
        {
            "where": {"range_query": {"must_not": {"company_employees_count": {"gte": 1000}}}},
            "limit": 100,
        },
        CONTACTS - BIG_COMPANY,
    ),
    match(
        "range_date_only_gte",
        "company",
        {"where": {"range_query": {"must": {"created_at": {"gte": "2025-01-01"}}}}},
        CREATED_2025,
    ),
    match(
        "range_datetime_with_offset_gte",
        "company",
        {"where": {"range_query": {"must": {"created_at": {"gte": "2025-01-01T00:00:00+02:00"}}}}},
        CREATED_2025 | {"hooli"},
    ),
    match(
        "range_epoch_millis_gte",
        "company",
        {"where": {"range_query": {"must": {"created_at": {"gte": 1735689600000}}}}},
        CREATED_2025,
    ),
    match(
        "range_epoch_millis_gte_inclusive",
        "contact",
        {"where": {"range_query": {"must": {"created_at": {"gte": 1744279200000}}}}},
        names("noah chloe liam sofia ethan grace hiro fatima pedro lea"),
    ),
    match(
        "range_epoch_millis_gt_exclusive",
        "contact",
        {"where": {"range_query": {"must": {"created_at": {"gt": 1744279200000}}}}},
        {"chloe", "liam", "sofia", "ethan", "grace", "hiro", "fatima", "pedro", "lea"},
    ),
    match(
        "range_date_only_lt",
        "company",
        {"where": {"range_query": {"must": {"created_at": {"lt": "2026-01-01"}}}}},
        COMPANIES - {"bluesun"},
    ),
    match(
        "range_datetime_with_offset_lt",
        "company",
        {
            "where": {"range_query": {"must": {"created_at": {"lt": "2026-01-01T00:00:00-05:00"}}}},
            "limit": 100,
        },
        COMPANIES,
    ),
    match(
        "range_date_only_lte_no_row_on_that_day",
        "company",
        {"where": {"range_query": {"must": {"created_at": {"lte": "2024-06-30"}}}}},
        {"acme", "microlabs", "ab", "xyz", "zebra", "globex"},
    ),
    match(
        "range_datetime_gt_is_exclusive",
        "company",
        {"where": {"range_query": {"must": {"created_at": {"gt": "2025-06-15T09:00:00Z"}}}}},
        {"nakatomi", "oscorp", "massive", "aperture", "blackmesa", "dunder", "bluesun"},
    ),
    match(
        "range_datetime_gte_is_inclusive",
        "company",
        {"where": {"range_query": {"must": {"created_at": {"gte": "2025-06-15T09:00:00Z"}}}}},
        names("vandelay nakatomi oscorp massive aperture blackmesa dunder bluesun"),
    ),
    match(
        "range_date_must_not",
        "company",
        {"where": {"range_query": {"must_not": {"created_at": {"lt": "2025-01-01"}}}}},
        CREATED_2025,
    ),
    match(
        "range_one_year_half_open",
        "company",
        {
            "where": {
                "range_query": {"must": {"created_at": {"gte": "2024-01-01", "lt": "2025-01-01"}}}
            }
        },
        COMPANIES - CREATED_2025,
    ),
    # ------------------------------------------- range_query on keyword fields (§c.3) -------
    # Decision (README "VQL"): bounds are lower-cased like the stored values and the strings
    # compare by Unicode code point; a multi-valued field matches if any value is in range.
    match(
        "keyword_range_half_open_bounds_lower_cased",
        "company",
        {"where": {"range_query": {"must": {"city": {"gte": "A", "lt": "C"}}}}},
        {"microlabs", "initech", "ab", "blackmesa"},
    ),
    match(
        "keyword_range_gt_exclusive_lte_inclusive",
        "company",
        {"where": {"range_query": {"must": {"city": {"gt": "new york", "lte": "Palo Alto"}}}}},
        {"hooli", "piedpiper"},
    ),
    match(
        "keyword_range_equal_bounds",
        "company",
        {"where": {"range_query": {"must": {"city": {"gte": "Austin", "lte": "austin"}}}}},
        {"microlabs", "initech"},
    ),
    match(
        "keyword_range_equal_bounds_one_exclusive_is_empty",
        "company",
        {"where": {"range_query": {"must": {"city": {"gt": "austin", "lte": "austin"}}}}},
        set(),
    ),
    match(
        "keyword_range_code_point_order_not_collation",
        "company",
        # "são paulo": ã (U+00E3) comes after u; "münchen": ü (U+00FC) comes after z.
        {"where": {"range_query": {"must": {"city": {"gt": "su"}}}}},
        {"cyberdyne", "saopaulo"},
    ),
    match(
        "keyword_range_code_point_order_after_z",
        "company",
        {"where": {"range_query": {"must": {"city": {"gt": "mz", "lt": "n"}}}}},
        {"mueller"},
    ),
    match(
        "keyword_range_missing_value_never_matches",
        "company",
        {"where": {"range_query": {"must": {"city": {"lte": "zzz"}}}}},
        COMPANIES - {"soylent"},
    ),
    match(
        "keyword_range_must_not_keeps_missing",
        "company",
        {"where": {"range_query": {"must_not": {"city": {"gte": "n"}}}}},
        names(
            "microlabs initech ab zebra wayne mueller tyrell nakatomi aperture blackmesa soylent"
        ),
    ),
    match(
        "keyword_range_multi_valued_any_value",
        "contact",
        {"where": {"range_query": {"must": {"departments": {"gte": "r", "lt": "t"}}}}},
        names("zoe sarah david noah hiro fatima pedro lena omar kate kwame julia"),
    ),
    match(
        "keyword_range_multi_valued_min_and_max_around_the_range_do_not_match",
        "contact",
        # marcus holds engineering and operations: below and above, none inside.
        {"where": {"range_query": {"must": {"departments": {"gt": "it", "lt": "marketing"}}}}},
        set(),
    ),
    ordered(
        "keyword_range_sorted_by_the_same_field",
        "contact",
        {
            "where": {"range_query": {"must": {"seniority": {"gte": "manager", "lt": "senior"}}}},
            "order_by": [{"order_by": "seniority", "order_direction": "desc"}],
        },
        ["marcus", "sarah", "sofia", "pedro", "kwame", "diego"],
    ),
    # ---------------------------------------------------------------------- sorting ----------
    ordered(
        "sort_number_asc_ties_by_uuid",
        "company",
        {
            "where": {"keyword_match": {"must": {"employees_count": [50, 1000, 200]}}},
            "order_by": ASC_EMPLOYEES,
        },
        ["xyz", "zebra", "initech", "tyrell", "globex", "hooli"],
    ),
    ordered(
        "sort_number_desc_ties_still_uuid_ascending",
        "company",
        {
            "where": {"keyword_match": {"must": {"employees_count": [50, 1000, 200]}}},
            "order_by": DESC_EMPLOYEES,
        },
        ["globex", "hooli", "initech", "tyrell", "xyz", "zebra"],
    ),
    ordered(
        "sort_missing_values_last_ascending",
        "company",
        {
            "where": {"keyword_match": {"must": {"industries": ["Conglomerate", "Food"]}}},
            "order_by": ASC_EMPLOYEES,
        },
        ["globex", "wayne", "soylent"],
    ),
    ordered(
        "sort_missing_values_last_descending",
        "company",
        {
            "where": {"keyword_match": {"must": {"industries": ["Conglomerate", "Food"]}}},
            "order_by": DESC_EMPLOYEES,
        },
        ["globex", "wayne", "soylent"],
    ),
    ordered(
        "sort_all_descending_default_limit",
        "company",
        {"order_by": DESC_EMPLOYEES, "limit": 0},
        BY_EMPLOYEES_DESC,
    ),
    ordered(
        "sort_multi_key_keyword_then_number",
        "company",
        {
            "where": {"keyword_match": {"must": {"technologies": ["AWS", "SAP"]}}},
            "order_by": [
                {"order_by": "state", "order_direction": "asc"},
                {"order_by": "employees_count", "order_direction": "desc"},
            ],
        },
        ["mueller", "hooli", "nakatomi", "acme", "oscorp", "globex", "umbrella"],
    ),
    ordered(
        "sort_multi_key_reversed_directions",
        "company",
        {
            "where": {"keyword_match": {"must": {"technologies": ["AWS", "SAP"]}}},
            "order_by": [
                {"order_by": "state", "order_direction": "desc"},
                {"order_by": "employees_count"},
            ],
        },
        ["globex", "oscorp", "acme", "nakatomi", "hooli", "mueller", "umbrella"],
    ),
    ordered(
        "sort_keyword_case_insensitive_multi_key_ties",
        "contact",
        {
            "where": {
                "keyword_match": {
                    "must": {"company_id": companies("acme", "xyz", "zebra", "globex")}
                }
            },
            "order_by": [
                {"order_by": "seniority", "order_direction": "asc"},
                {"order_by": "company_employees_count", "order_direction": "desc"},
            ],
        },
        ["ana", "ravi", "sarah", "jonathan", "jon", "anna", "arjun", "david"],
    ),
    ordered(
        "sort_multi_valued_ascending_by_minimum",
        "contact",
        {
            "where": {
                "keyword_match": {
                    "must": {"company_id": companies("acme", "zebra", "initech", "globex")}
                }
            },
            "order_by": [{"order_by": "departments", "order_direction": "asc"}],
        },
        ["david", "ravi", "jonathan", "jon", "ana", "marcus", "arjun", "sarah"],
    ),
    ordered(
        "sort_multi_valued_descending_by_maximum",
        "contact",
        {
            "where": {
                "keyword_match": {
                    "must": {"company_id": companies("acme", "zebra", "initech", "globex")}
                }
            },
            "order_by": [{"order_by": "departments", "order_direction": "desc"}],
        },
        ["sarah", "david", "marcus", "jon", "jonathan", "ana", "ravi", "arjun"],
    ),
    ordered(
        "sort_date_ascending_tie_across_time_zones",
        "contact",
        {
            "where": {"keyword_match": {"must": {"company_id": companies("globex")}}},
            "order_by": [{"order_by": "created_at", "order_direction": "asc"}],
        },
        ["sarah", "david", "arjun"],
    ),
    ordered(
        "sort_date_descending_tie_uuid_ascending",
        "contact",
        {
            "where": {"keyword_match": {"must": {"company_id": companies("globex")}}},
            "order_by": [{"order_by": "created_at", "order_direction": "desc"}],
        },
        ["arjun", "sarah", "david"],
    ),
    ordered(
        "sort_date_with_text_filter",
        "contact",
        {
            "where": {"text_matches": {"must": [cond("title", "senior engineer", "shuffle")]}},
            "order_by": [{"order_by": "created_at"}],
        },
        ["jonathan", "jon", "anna", "yuki", "zoe", "mei", "julia"],
    ),
    ordered(
        "sort_direction_other_than_desc_is_ascending",
        "company",
        {
            "where": {"keyword_match": {"must": {"employees_count": [15, 10, 8]}}},
            "order_by": [{"order_by": "employees_count", "order_direction": "DESC"}],
        },
        ["piedpiper", "ab", "vandelay"],
    ),
    match(
        "sort_entry_with_empty_field_is_skipped",
        "company",
        {
            "where": {"keyword_match": {"must": {"employees_count": [8, 10]}}},
            "order_by": [{"order_by": "", "order_direction": "desc"}],
        },
        {"piedpiper", "ab"},
    ),
    ordered(
        "sort_by_uuid_descending",
        "company",
        {"order_by": [{"order_by": "uuid", "order_direction": "desc"}], "limit": 3},
        ["bluesun", "dunder", "blackmesa"],
        total=25,
    ),
    # ------------------------------------------------------------ paging and cursors ---------
    ordered(
        "page_two_uses_offset",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": 5, "page": 2},
        BY_EMPLOYEES[5:10],
        total=25,
    ),
    ordered(
        "page_last_partial",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": 4, "page": 7},
        ["soylent"],
        total=25,
    ),
    ordered(
        "page_beyond_the_end_is_empty",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": 5, "page": 6},
        [],
        total=25,
    ),
    ordered(
        "page_without_limit_uses_default_limit",
        "company",
        {"order_by": ASC_EMPLOYEES, "page": 2},
        [],
        total=25,
    ),
    ordered(
        "limit_negative_is_default_limit",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": -5},
        BY_EMPLOYEES,
    ),
    ordered(
        "page_negative_is_first_page",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": 3, "page": -3},
        ["piedpiper", "ab", "vandelay"],
        total=25,
    ),
    ordered(
        "cursor_without_uuid_resumes_after_every_tie",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": 3, "cursor": ["200"]},
        ["mueller", "aperture", "acme"],
        total=25,
    ),
    ordered(
        "cursor_with_uuid_resumes_inside_a_tie",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": 3, "cursor": [f"200|{COMPANY_UUIDS['initech']}"]},
        ["tyrell", "mueller", "aperture"],
        total=25,
    ),
    ordered(
        "cursor_ignores_page",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": 3, "page": 3, "cursor": ["200"]},
        ["mueller", "aperture", "acme"],
        total=25,
    ),
    ordered(
        "cursor_on_date_sort",
        "company",
        {"order_by": [{"order_by": "created_at"}], "cursor": ["2025-11-15T09:00:00.000000Z"]},
        ["dunder", "bluesun"],
        total=25,
    ),
    ordered(
        "search_after_alias_descending",
        "company",
        {"order_by": DESC_EMPLOYEES, "limit": 3, "search_after": ["1000"]},
        ["bluesun", "nakatomi", "acme"],
        total=25,
    ),
    ordered(
        "cursor_on_missing_value",
        "company",
        {"order_by": ASC_EMPLOYEES, "cursor": [f"|{COMPANY_UUIDS['wayne']}"]},
        ["soylent"],
        total=25,
    ),
]


def _param(case: Case) -> Any:
    return pytest.param(case, id=case.id)


def test_the_table_is_well_formed() -> None:
    assert len(CASES) >= 70
    assert len({case.id for case in CASES}) == len(CASES)
    for case in CASES:
        assert set(case.expected) <= ALL[case.entity], case.id
        assert len(set(case.expected)) == len(case.expected), case.id


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_case(engine: SearchIndex, case: Case) -> None:
    entity = ENTITIES[case.entity]
    search = parse_search(case.body, entity)
    result = engine.search(entity, search.query, search.sort, search.page, with_total=True)
    names = [NAMES[case.entity][hit.uuid] for hit in result.hits]
    if isinstance(case.expected, tuple):
        assert search.sort, "an ordered expectation needs order_by"
        assert names == list(case.expected)
    else:
        assert not search.sort, "a sorted query needs an ordered expectation"
        assert len(names) == len(set(names)), "duplicate hits"
        assert sorted(names) == sorted(case.expected)
    assert result.total == case.total
    assert engine.count(entity, search.query) == case.total


# ------------------------------------------------------------- cursor walks (§c.4) ----------


@dataclass(frozen=True)
class Walk:
    id: str
    entity: str
    body: dict[str, Any]  # a sorted query with a small limit, without cursor
    expected: Sequence[str]  # every match in order
    alias_on_page: int = 0  # send the cursor as "search_after" for this page (1-based, 0: never)


WALKS = [
    Walk(
        "number_sort_with_ties_and_missing_values",
        "company",
        {"order_by": ASC_EMPLOYEES, "limit": 4},
        BY_EMPLOYEES,
        alias_on_page=3,
    ),
    Walk(
        "number_sort_descending",
        "company",
        {"order_by": DESC_EMPLOYEES, "limit": 6},
        BY_EMPLOYEES_DESC,
    ),
    Walk(
        "date_sort_descending_tie_split_across_pages",
        "contact",
        {
            "where": {"keyword_match": {"must": {"departments": ["Sales"]}}},
            "order_by": [{"order_by": "created_at", "order_direction": "desc"}],
            "limit": 2,
        },
        ["pedro", "hiro", "noah", "sarah", "david", "kwame", "lena"],
        alias_on_page=2,
    ),
    Walk(
        "keyword_then_number_multi_key",
        "contact",
        {
            "where": {
                "keyword_match": {
                    "must": {"company_id": companies("acme", "xyz", "zebra", "globex")}
                }
            },
            "order_by": [
                {"order_by": "seniority", "order_direction": "asc"},
                {"order_by": "company_employees_count", "order_direction": "desc"},
            ],
            "limit": 3,
        },
        ["ana", "ravi", "sarah", "jonathan", "jon", "anna", "arjun", "david"],
        alias_on_page=2,
    ),
    Walk(
        "multi_valued_descending",
        "contact",
        {
            "where": {
                "keyword_match": {
                    "must": {"company_id": companies("acme", "zebra", "initech", "globex")}
                }
            },
            "order_by": [{"order_by": "departments", "order_direction": "desc"}],
            "limit": 3,
        },
        ["sarah", "david", "marcus", "jon", "jonathan", "ana", "ravi", "arjun"],
    ),
]


@pytest.mark.parametrize("walk", [pytest.param(walk, id=walk.id) for walk in WALKS])
def test_cursor_walk(engine: SearchIndex, walk: Walk) -> None:
    """Page through every match with cursors: no duplicates, no gaps, then an empty page."""
    entity = ENTITIES[walk.entity]
    body = dict(walk.body)
    limit = body["limit"]
    seen: list[str] = []
    for page in range(1, 100):
        search = parse_search(body, entity)
        result = engine.search(entity, search.query, search.sort, search.page, with_total=True)
        assert result.total == len(walk.expected)
        if not result.hits:
            break
        assert len(result.hits) <= limit
        seen += [NAMES[walk.entity][hit.uuid] for hit in result.hits]
        last = result.hits[-1]
        body = dict(walk.body)
        key = "search_after" if page + 1 == walk.alias_on_page else "cursor"
        body[key] = cursor.encode(search.sort, last.sort_values, last.uuid)
    else:
        pytest.fail("cursor paging did not end")
    assert seen == list(walk.expected)
    assert page == -(-len(walk.expected) // limit) + 1  # full pages, then one empty page


# ------------------------------------------------------------ validation errors ------------

VALIDATION_CASES: list[tuple[str, str, Any, type[ValidationError], str]] = [
    (
        "unknown_text_field",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must": [cond("title", "x", "shuffle"), cond("titel", "x", "shuffle")]
                }
            }
        },
        ValidationError,
        "where.text_matches.must[1].filter_key",
    ),
    (
        "unknown_text_must_not_field",
        "company",
        {"where": {"text_matches": {"must_not": [cond("description", "x", "exact")]}}},
        ValidationError,
        "where.text_matches.must_not[0].filter_key",
    ),
    (
        "unindexed_keyword_field",
        "contact",
        {"where": {"keyword_match": {"must": {"stage": "lead"}}}},
        ValidationError,
        "where.keyword_match.must.stage",
    ),
    (
        "unindexed_keyword_must_not_field",
        "company",
        {"where": {"keyword_match": {"must_not": {"id": 3}}}},
        ValidationError,
        "where.keyword_match.must_not.id",
    ),
    (
        "unknown_range_field",
        "company",
        {"where": {"range_query": {"must": {"revenue": {"gte": 1}}}}},
        ValidationError,
        "where.range_query.must.revenue",
    ),
    (
        "unknown_sort_field",
        "contact",
        {"order_by": [{"order_by": "id"}]},
        ValidationError,
        "order_by[0].order_by",
    ),
    (
        "sort_on_text_field",
        "contact",
        {"order_by": [{"order_by": "seniority"}, {"order_by": "first_name"}]},
        ValidationError,
        "order_by[1].order_by",
    ),
    (
        "sort_on_company_text_field",
        "company",
        {"order_by": [{"order_by": "name", "order_direction": "desc"}]},
        ValidationError,
        "order_by[0].order_by",
    ),
    (
        "unknown_select_column",
        "contact",
        {"select_columns": ["uuid", "email", "company_name"]},
        ValidationError,
        "select_columns[2]",
    ),
    (
        "unknown_company_select_column",
        "contact",
        {"company_config": {"populate": True, "select_columns": ["company_name"]}},
        ValidationError,
        "company_config.select_columns[0]",
    ),
    ("limit_above_100", "contact", {"limit": 101}, PageSizeExceeded, "limit"),
    ("page_above_10", "company", {"page": 11}, PageOutOfRange, "page"),
    ("cursor_without_order_by", "company", {"cursor": ["500"]}, ValidationError, "cursor"),
    (
        "search_after_without_order_by",
        "company",
        {"search_after": ["500"]},
        ValidationError,
        "cursor",
    ),
    (
        "cursor_of_the_wrong_length",
        "company",
        {"order_by": ASC_EMPLOYEES, "cursor": ["500", "x"]},
        ValidationError,
        "cursor",
    ),
    (
        "cursor_not_a_number_for_number_sort",
        "company",
        {"order_by": ASC_EMPLOYEES, "cursor": ["many"]},
        ValidationError,
        "cursor[0]",
    ),
    (
        "null_keyword_value",
        "contact",
        {"where": {"keyword_match": {"must": {"seniority": None}}}},
        ValidationError,
        "where.keyword_match.must.seniority",
    ),
    (
        "null_in_keyword_array",
        "contact",
        {"where": {"keyword_match": {"must_not": {"departments": ["Sales", None]}}}},
        ValidationError,
        "where.keyword_match.must_not.departments[1]",
    ),
    (
        "number_keyword_not_a_number",
        "company",
        {"where": {"keyword_match": {"must": {"employees_count": "many"}}}},
        ValidationError,
        "where.keyword_match.must.employees_count",
    ),
    (
        "null_range_bound",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {"gte": None}}}}},
        ValidationError,
        "where.range_query.must.employees_count.gte",
    ),
    (
        "invalid_date_bound",
        "company",
        {"where": {"range_query": {"must_not": {"created_at": {"lt": "yesterday"}}}}},
        ValidationError,
        "where.range_query.must_not.created_at.lt",
    ),
    (
        "range_on_text_field",
        "company",
        {"where": {"range_query": {"must": {"name": {"gte": "a", "lt": "c"}}}}},
        ValidationError,
        "where.range_query.must.name",
    ),
    (
        "null_keyword_range_bound",
        "company",
        {"where": {"range_query": {"must": {"city": {"gte": "a", "lt": None}}}}},
        ValidationError,
        "where.range_query.must.city.lt",
    ),
    (
        "object_keyword_range_bound",
        "contact",
        {"where": {"range_query": {"must_not": {"departments": {"gt": {"a": 1}}}}}},
        ValidationError,
        "where.range_query.must_not.departments.gt",
    ),
    (
        "range_without_bounds",
        "company",
        {"where": {"range_query": {"must": {"employees_count": {}}}}},
        ValidationError,
        "where.range_query.must.employees_count",
    ),
    (
        "substring_on_keyword_field",
        "contact",
        {"where": {"text_matches": {"must": [cond("city", "jose", "substring")]}}},
        ValidationError,
        "where.text_matches.must[0].search_type",
    ),
    (
        "unknown_search_type",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "engineer", "fuzzy")]}}},
        ValidationError,
        "where.text_matches.must[0].search_type",
    ),
    (
        "operator_xor",
        "contact",
        {
            "where": {
                "text_matches": {
                    "must_not": [cond("title", "a b", "shuffle", operator="xor")],
                }
            }
        },
        ValidationError,
        "where.text_matches.must_not[0].operator",
    ),
    (
        "text_condition_on_number_field",
        "contact",
        {"where": {"text_matches": {"must": [cond("company_employees_count", "50", "exact")]}}},
        ValidationError,
        "where.text_matches.must[0].filter_key",
    ),
    (
        "missing_text_value",
        "contact",
        {"where": {"text_matches": {"must": [{"filter_key": "title", "search_type": "exact"}]}}},
        ValidationError,
        "where.text_matches.must[0].text_value",
    ),
    (
        "negative_slop",
        "contact",
        {"where": {"text_matches": {"must": [cond("title", "a b", "exact", slop=-1)]}}},
        ValidationError,
        "where.text_matches.must[0].slop",
    ),
    ("body_not_an_object", "company", [], ValidationError, "$"),
]


@pytest.mark.parametrize(
    ("entity_name", "body", "error", "path"),
    [pytest.param(*rest, id=id_) for id_, *rest in VALIDATION_CASES],
)
def test_validation_error(
    entity_name: str, body: Any, error: type[ValidationError], path: str
) -> None:
    with pytest.raises(error) as caught:
        parse_search(body, ENTITIES[entity_name])
    assert type(caught.value) is error
    assert caught.value.path == path
    assert caught.value.status == 400
    assert caught.value.error_code == "VALIDATION_ERROR"
