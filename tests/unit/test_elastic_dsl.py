"""Golden tests of the Elasticsearch compiler: request bodies compared to literal dicts."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest

from connectra.errors import SearchEngineError
from connectra.index.elastic_dsl import (
    AFTER_EVERY_UUID,
    KEYWORD_MISSING_ASC,
    LONG_MAX,
    LONG_MIN,
    MAX_EXPANSIONS,
    compile_query,
    compile_sort,
    count_body,
    hit_sort_values,
    index_definition,
    needs_tie_break,
    search_after,
    search_body,
    source_document,
    substring_grams,
    terms_body,
)
from connectra.model.fields import COMPANY, CONTACT, Entity, FieldKind
from connectra.model.text import ngrams
from connectra.vql import reference
from connectra.vql.ast import (
    AnyOf,
    KeywordRange,
    Page,
    Query,
    Range,
    SortKey,
    Terms,
    Text,
    TextMode,
)
from connectra.vql.validate import parse_search

UUID_A = "0b6f1c36-5d0e-5c8a-9f35-2a8c1c1d2e3f"
FUZZY = {"transpositions": True, "prefix_length": 0, "max_expansions": MAX_EXPANSIONS}


def where(entity: Entity, **parts: Any) -> dict[str, Any]:
    """The compiled query of a VQL ``where`` built from keyword arguments."""
    return compile_query(parse_search({"where": parts}, entity).query, entity)


def text(value: str, field: str, search_type: str, **options: Any) -> dict[str, Any]:
    return {"text_value": value, "filter_key": field, "search_type": search_type, **options}


# --------------------------------------------------------------------------- queries


def test_contract_c2_example() -> None:
    body = {
        "where": {
            "text_matches": {
                "must": [
                    text("cloud", "title", "shuffle", fuzzy=True),
                    text("devops lead", "title", "exact", slop=1),
                ]
            },
            "keyword_match": {
                "must": {"seniority": "senior", "departments": ["engineering", "it"]}
            },
        }
    }
    query = parse_search(body, CONTACT).query
    assert compile_query(query, CONTACT) == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [
                            {"fuzzy": {"title": {"value": "cloud", "fuzziness": 1, **FUZZY}}},
                            {"match_phrase": {"title": {"query": "devops lead", "slop": 1}}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "filter": [
                {"term": {"seniority": "senior"}},
                {"terms": {"departments": ["engineering", "it"]}},
            ],
        }
    }


def test_keyword_values_are_lower_cased() -> None:
    compiled = where(CONTACT, keyword_match={"must": {"seniority": "Senior", "country": ["US", 1]}})
    assert compiled == {
        "bool": {"filter": [{"term": {"seniority": "senior"}}, {"terms": {"country": ["us", "1"]}}]}
    }


def test_empty_where_matches_all() -> None:
    assert compile_query(parse_search({}, CONTACT).query, CONTACT) == {"match_all": {}}
    assert count_body(Query(), COMPANY) == {"query": {"match_all": {}}}


def test_must_not_only() -> None:
    compiled = where(
        CONTACT,
        text_matches={
            "must_not": [text("intern", "title", "shuffle"), text("jr", "title", "exact")]
        },
        keyword_match={"must_not": {"email_status": "invalid"}},
    )
    assert compiled == {
        "bool": {
            "must_not": [
                {"term": {"title": "intern"}},
                {"term": {"title": "jr"}},
                {"term": {"email_status": "invalid"}},
            ]
        }
    }


def test_empty_terms_match_nothing_in_must_and_exclude_nothing_in_must_not() -> None:
    assert where(CONTACT, keyword_match={"must": {"departments": []}}) == {
        "bool": {"filter": [{"match_none": {}}]}
    }
    assert where(CONTACT, keyword_match={"must_not": {"departments": []}}) == {"match_all": {}}


def test_numeric_terms_outside_long_range_match_nothing() -> None:
    clause = Terms("employees_count", FieldKind.NUMBER, (2**70,))
    assert compile_query(Query(must=(clause,)), COMPANY) == {
        "bool": {"filter": [{"match_none": {}}]}
    }


# --------------------------------------------------------------------------- ranges


def test_range_bounds_become_inclusive_integers() -> None:
    compiled = where(
        COMPANY,
        range_query={
            "must": {"employees_count": {"gt": 5, "lt": 10}, "annual_revenue": {"gte": 1000}},
            "must_not": {"total_funding": {"lte": 0}},
        },
    )
    assert compiled == {
        "bool": {
            "filter": [
                {"range": {"employees_count": {"gte": 6, "lte": 9}}},
                {"range": {"annual_revenue": {"gte": 1000}}},
            ],
            "must_not": [{"range": {"total_funding": {"lte": 0}}}],
        }
    }


def test_date_range_is_epoch_microseconds() -> None:
    compiled = where(
        CONTACT, range_query={"must": {"created_at": {"gte": "2024-01-01", "lt": "2024-02-01"}}}
    )
    assert compiled == {
        "bool": {
            "filter": [
                {
                    "range": {
                        "created_at": {"gte": 1_704_067_200_000_000, "lte": 1_706_745_599_999_999}
                    }
                }
            ]
        }
    }


def test_empty_and_unbounded_ranges() -> None:
    assert where(COMPANY, range_query={"must": {"employees_count": {"gt": 10, "lt": 5}}}) == {
        "bool": {"filter": [{"match_none": {}}]}
    }
    open_range = Range("employees_count", FieldKind.NUMBER, None, None)
    beyond = Range("employees_count", FieldKind.NUMBER, 2**64, None)
    clamped = Range("employees_count", FieldKind.NUMBER, -(2**70), 2**70)
    assert compile_query(Query(must=(open_range, beyond, clamped)), COMPANY) == {
        "bool": {
            "filter": [
                {"exists": {"field": "employees_count"}},
                {"match_none": {}},
                {"range": {"employees_count": {"gte": LONG_MIN, "lte": LONG_MAX}}},
            ]
        }
    }


def test_keyword_range_is_a_range_on_the_keyword_with_lower_cased_bounds() -> None:
    compiled = where(
        COMPANY,
        range_query={
            "must": {"city": {"gte": "A", "lt": "São"}},
            "must_not": {"industries": {"gt": "Robotics", "lte": "Software"}},
        },
    )
    assert compiled == {
        "bool": {
            "filter": [{"range": {"city": {"gte": "a", "lt": "são"}}}],
            "must_not": [{"range": {"industries": {"gt": "robotics", "lte": "software"}}}],
        }
    }


def test_keyword_range_keeps_the_tightest_bounds_and_empty_ranges_match_none() -> None:
    tightest = where(COMPANY, range_query={"must": {"city": {"gte": "b", "gt": "b", "lt": 7}}})
    assert tightest == {"bool": {"filter": [{"match_none": {}}]}}  # "b" > "7"
    both = where(COMPANY, range_query={"must": {"city": {"gt": "b", "gte": "a", "lte": "c"}}})
    assert both == {"bool": {"filter": [{"range": {"city": {"gt": "b", "lte": "c"}}}]}}
    for empty in ({"gt": "a", "lt": "a"}, {"gte": "a", "lt": "a"}, {"gte": "b", "lte": "a"}):
        compiled = where(COMPANY, range_query={"must": {"city": empty}})
        assert compiled == {"bool": {"filter": [{"match_none": {}}]}}, empty
    assert compile_query(Query(must=(KeywordRange("city", None, None),)), COMPANY) == {
        "bool": {"filter": [{"exists": {"field": "city"}}]}
    }


# --------------------------------------------------------------------------- text clauses


def test_shuffle_with_operator_or() -> None:
    compiled = where(
        CONTACT, text_matches={"must": [text("Cloud Architect", "title", "shuffle", operator="OR")]}
    )
    should = compiled["bool"]["must"][0]["bool"]["should"]
    assert should == [
        {"bool": {"should": [{"term": {"title": "cloud"}}, {"term": {"title": "architect"}}],
                  "minimum_should_match": 1}}
    ]  # fmt: skip


def test_text_is_tokenised_and_lower_cased_in_python() -> None:
    compiled = where(
        CONTACT,
        text_matches={
            "must": [
                text("İstanbul  Straße", "title", "exact", slop=1),
                text("Zoë zoë ab", "title", "shuffle", fuzzy=True),
                text("--", "title", "shuffle"),
            ]
        },
    )
    assert compiled["bool"]["must"][0]["bool"]["should"] == [
        {"match_phrase": {"title": {"query": "i̇stanbul straße", "slop": 1}}},
        {"bool": {"must": [{"fuzzy": {"title": {"value": "zoë", "fuzziness": 1, **FUZZY}}},
                           {"term": {"title": "ab"}}]}},
        {"match_none": {}},
    ]  # fmt: skip


def test_source_document_holds_space_separated_tokens() -> None:
    doc = {"uuid": UUID_A, "title": "VP, Sales—EMEA", "seniority": "vp", "departments": ["sales"]}
    assert source_document(CONTACT, doc) == {
        "uuid": UUID_A,
        "title": "vp sales emea",
        "seniority": "vp",
        "departments": ["sales"],
    }


def test_substring_or_uses_min_gram_windows_of_the_ngram_field() -> None:
    compiled = where(
        COMPANY, text_matches={"must": [text("Acme, Co", "name", "substring", operator="or")]}
    )
    assert compiled["bool"]["must"][0]["bool"]["should"] == [
        {
            "bool": {
                "should": [
                    {"term": {"name.ngram": "acm"}},
                    {"term": {"name.ngram": "cme"}},
                ],
                "minimum_should_match": 1,
            }
        }
    ]


def test_substring_and_requires_each_token_or_its_max_gram_windows() -> None:
    compiled = where(
        CONTACT, text_matches={"must": [text("Jonat Ab Abcdefghijkl", "first_name", "substring")]}
    )
    assert compiled["bool"]["must"][0]["bool"]["should"] == [
        {
            "bool": {
                "must": [
                    {"term": {"first_name.ngram": "jonat"}},
                    {"term": {"first_name.ngram": "abcdefghij"}},
                    {"term": {"first_name.ngram": "bcdefghijk"}},
                    {"term": {"first_name.ngram": "cdefghijkl"}},
                ]
            }
        }
    ]


def test_substring_with_only_short_tokens_matches_nothing() -> None:
    compiled = where(COMPANY, text_matches={"must": [text("ab c", "name", "substring")]})
    assert compiled["bool"]["must"][0]["bool"]["should"] == [{"match_none": {}}]


@pytest.mark.parametrize("any_token", [False, True])
@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("jonat", "Jonathan Smith"),
        ("jona", "Jonathan"),
        ("nathan smi", "Jonathan Smith"),
        ("athanx", "Jonathan"),
        ("abcdefghijklm", "xabcdefghijklmx"),
        ("abcdefghijklm", "abcdefghij cdefghijklm"),
        ("abcdefghijklm", "abcdefghijk"),
        ("smith jonathan", "Jonathan Smith"),
        ("zzz jon", "Jonathan"),
        ("zz", "zz top"),
    ],
)
def test_substring_grams_decide_like_the_reference(
    value: str, stored: str, any_token: bool
) -> None:
    """The reduced n-gram set, looked up in the document's n-grams, agrees with the oracle."""
    clause = Text("first_name", FieldKind.TEXT, TextMode.SUBSTRING, value, any_token=any_token)
    lo, hi = CONTACT.min_gram, CONTACT.max_gram
    have = set().union(*(ngrams(word, lo, hi) for word in re.findall(r"\w+", stored.lower())))
    grams = substring_grams(value, lo, hi, any_token=any_token)
    found = [gram in have for gram in grams]
    engine = bool(grams) and (any(found) if any_token else all(found))
    assert engine == reference.clause_matches(clause, CONTACT, {"first_name": stored})


def test_fuzzy_text_on_a_keyword_field_uses_the_auto_distance() -> None:
    compiled = where(
        CONTACT,
        text_matches={
            "must": [
                text("Berlni", "city", "shuffle", fuzzy=True),
                text("Pnue", "city", "shuffle", fuzzy=True),
                text("NY", "city", "shuffle", fuzzy=True),
            ]
        },
    )
    assert compiled["bool"]["must"][0]["bool"]["should"] == [
        {"fuzzy": {"city": {"value": "berlni", "fuzziness": 2, **FUZZY}}},
        {"fuzzy": {"city": {"value": "pnue", "fuzziness": 1, **FUZZY}}},
        {"term": {"city": "ny"}},
    ]


def test_text_on_a_multi_valued_keyword_field_is_whole_value_equality() -> None:
    compiled = where(
        CONTACT,
        text_matches={
            "must": [
                text("Information Technology", "departments", "shuffle", operator="or"),
                text("Sales", "departments", "exact", slop=3),
            ]
        },
    )
    assert compiled["bool"]["must"][0]["bool"]["should"] == [
        {"term": {"departments": "information technology"}},
        {"term": {"departments": "sales"}},
    ]


def test_fields_are_grouped_and_anded() -> None:
    compiled = where(
        CONTACT,
        text_matches={
            "must": [
                text("ann", "first_name", "shuffle"),
                text("lee", "last_name", "shuffle"),
                text("anne", "first_name", "shuffle"),
            ]
        },
    )
    groups = compiled["bool"]["must"]
    assert [len(g["bool"]["should"]) for g in groups] == [2, 1]
    assert all(g["bool"]["minimum_should_match"] == 1 for g in groups)


@pytest.mark.parametrize(
    "node",
    [
        "not a node",
        Range("city", FieldKind.KEYWORD, 1, 2),
        Text("created_at", FieldKind.DATE, TextMode.SHUFFLE, "x"),
        AnyOf((cast(Any, "title"),)),
    ],
)
def test_nodes_the_compiler_cannot_express_raise(node: object) -> None:
    with pytest.raises(SearchEngineError):
        compile_query(Query(must=(cast(Any, node),)), CONTACT)


def test_must_not_with_an_unknown_clause_raises() -> None:
    with pytest.raises(SearchEngineError):
        compile_query(Query(must_not=(cast(Any, AnyOf(())),)), CONTACT)


# --------------------------------------------------------------------------- sorting and paging

SORT = (
    SortKey("departments", FieldKind.KEYWORD),
    SortKey("company_employees_count", FieldKind.NUMBER, descending=True),
)


def test_sort_modes_missing_values_and_uuid_tie_break() -> None:
    desc_departments = SortKey("departments", FieldKind.KEYWORD, descending=True)
    assert compile_sort((*SORT, desc_departments), CONTACT) == [
        {"departments": {"order": "asc", "missing": KEYWORD_MISSING_ASC, "mode": "min"}},
        {"company_employees_count": {"order": "desc", "missing": "_last"}},
        {"departments": {"order": "desc", "missing": "", "mode": "max"}},
        {"uuid": {"order": "asc"}},
    ]
    assert compile_sort((), CONTACT) == [{"uuid": {"order": "asc"}}]


@pytest.mark.parametrize(
    "key", [SortKey("title", FieldKind.TEXT), SortKey("stage", FieldKind.KEYWORD)]
)
def test_unsortable_keys_raise(key: SortKey) -> None:
    with pytest.raises(SearchEngineError):
        compile_sort((key,), CONTACT)


def test_search_body_with_offset() -> None:
    search = parse_search({"order_by": [{"order_by": "city"}], "page": 3, "limit": 10}, CONTACT)
    assert search_body(search.query, search.sort, search.page, CONTACT, with_total=True) == {
        "query": {"match_all": {}},
        "sort": [
            {"city": {"order": "asc", "missing": KEYWORD_MISSING_ASC}},
            {"uuid": {"order": "asc"}},
        ],
        "from": 20,
        "size": 10,
        "track_total_hits": True,
        "_source": False,
    }


def test_unsorted_search_body_has_no_sort() -> None:
    body = search_body(Query(), (), Page(limit=25), COMPANY, with_total=False)
    assert body == {
        "query": {"match_all": {}},
        "from": 0,
        "size": 25,
        "track_total_hits": False,
        "_source": False,
    }


def test_search_body_with_a_cursor() -> None:
    page = Page(limit=5, after=("sales", 120, UUID_A))
    body = search_body(Query(), SORT, page, CONTACT, with_total=False)
    assert "from" not in body
    assert body["search_after"] == ["sales", 120, UUID_A]
    assert body["sort"][-1] == {"uuid": {"order": "asc"}}


NEWEST_FIRST = (
    SortKey("created_at", FieldKind.DATE, descending=True),
    SortKey("uuid", FieldKind.KEYWORD, descending=True),
)
UUID_B = "00000000-0000-5000-8000-00000000000b"


@pytest.mark.parametrize(
    ("after", "tie_break"),
    [
        (None, False),
        ((1_704_067_200_000_000, UUID_A, UUID_A), False),  # the cursor of a hit
        ((1_704_067_200_000_000, UUID_A, None), False),  # hand-written, without a tie-break
        ((1_704_067_200_000_000, UUID_A, UUID_B), True),  # hand-written: this tie-break decides
        ((1_704_067_200_000_000, None, None), False),
    ],
)
def test_a_sort_by_uuid_needs_no_tie_break(after: tuple[Any, ...] | None, tie_break: bool) -> None:
    # Newest first is then exactly the index sort (index_definition), which the engine can read
    # from the cursor's place and stop after the page.
    body = search_body(Query(), NEWEST_FIRST, Page(limit=25, after=after), CONTACT,
                       with_total=False)  # fmt: skip
    index_sort = [
        {"created_at": {"order": "desc", "missing": "_last"}},
        {"uuid": {"order": "desc"}},
    ]
    assert body["sort"] == index_sort + ([{"uuid": {"order": "asc"}}] if tie_break else [])
    if after is not None:
        expected = [after[0], after[1] if after[1] is not None else ""]
        assert body["search_after"] == expected + ([UUID_B] if tie_break else [])
    assert needs_tie_break(NEWEST_FIRST, after) is tie_break
    assert needs_tie_break(SORT, after and ("x", 1, UUID_A)) is True


def test_cursor_through_validation() -> None:
    request = {
        "order_by": [{"order_by": "created_at", "order_direction": "desc"}],
        "cursor": [f"2024-01-01T00:00:00.000000Z|{UUID_A}"],
        "page": 4,
    }
    search = parse_search(request, COMPANY)
    body = search_body(search.query, search.sort, search.page, COMPANY, with_total=False)
    assert body["search_after"] == [1_704_067_200_000_000, UUID_A]
    assert "from" not in body


def test_missing_values_and_hand_written_cursors() -> None:
    assert search_after(SORT, (None, None, None)) == [
        KEYWORD_MISSING_ASC,
        LONG_MIN,
        AFTER_EVERY_UUID,
    ]
    desc = (
        SortKey("city", FieldKind.KEYWORD, descending=True),
        SortKey("created_at", FieldKind.DATE),
    )
    assert search_after(desc, (None, None, UUID_A)) == ["", LONG_MAX, UUID_A]
    assert all(ch < AFTER_EVERY_UUID for ch in UUID_A)
    with pytest.raises(SearchEngineError):
        search_after(SORT, ("sales", 1))


def test_hit_sort_values_map_engine_sentinels_back_to_none() -> None:
    assert hit_sort_values(SORT, ["sales", 120, UUID_A]) == ("sales", 120)
    assert hit_sort_values(SORT, [KEYWORD_MISSING_ASC, LONG_MIN, UUID_A]) == (None, None)
    desc = (
        SortKey("city", FieldKind.KEYWORD, descending=True),
        SortKey("created_at", FieldKind.DATE),
    )
    assert hit_sort_values(desc, ["", LONG_MAX, UUID_A]) == (None, None)


# --------------------------------------------------------------------------- terms aggregation


def test_terms_body() -> None:
    query = parse_search({"where": {"keyword_match": {"must": {"country": "US"}}}}, CONTACT).query
    assert terms_body("company_technologies", query, "C++", 7, CONTACT) == {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {"filter": [{"term": {"country": "us"}}]}},
        "aggs": {
            "values": {
                "terms": {
                    "field": "company_technologies",
                    "size": 7,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                    "include": r".*c\+\+.*",
                }
            }
        },
    }
    no_filter = terms_body("city", Query(), "", 25, CONTACT)["aggs"]["values"]["terms"]
    assert "include" not in no_filter


@pytest.mark.parametrize(
    ("contains", "pattern"),
    [("a.b", r".*a\.b.*"), ("(x|y)*", r".*\(x\|y\)\*.*"), ("Node JS", r".*node\ js.*")],
)
def test_terms_include_escapes_regex_syntax(contains: str, pattern: str) -> None:
    include = terms_body("keywords", Query(), contains, 5, COMPANY)["aggs"]["values"]["terms"]
    assert include["include"] == pattern
    for value in ("a.b", "axb", "(x|y)*z", "xy", "node js", "nodejs"):
        assert bool(re.fullmatch(pattern, value)) == (contains.lower() in value)


# --------------------------------------------------------------------------- index definition


@pytest.mark.parametrize("entity", [CONTACT, COMPANY])
def test_index_definition(entity: Entity) -> None:
    definition = index_definition(entity)
    settings, mappings = definition["settings"], definition["mappings"]
    assert settings["index"]["max_ngram_diff"] == entity.max_gram - entity.min_gram == 7
    # Newest first, as the compiled sort of that order (missing created_at last, like _missing).
    assert settings["index"]["sort.field"] == ["created_at", "uuid"]
    assert settings["index"]["sort.order"] == ["desc", "desc"]
    assert settings["index"]["sort.missing"] == ["_last", "_last"]
    analysis = settings["analysis"]
    assert analysis["tokenizer"]["connectra_spaces"] == {
        "type": "whitespace",
        "max_token_length": 1024 * 1024,
    }
    assert analysis["analyzer"]["connectra_words"] == {
        "type": "custom",
        "tokenizer": "connectra_spaces",
    }
    ngram = analysis["analyzer"]["connectra_ngram"]
    assert ngram["tokenizer"] == "connectra_spaces"
    assert ngram["filter"] == ["connectra_ngrams"]
    assert analysis["filter"]["connectra_ngrams"] == {
        "type": "ngram",
        "min_gram": 3,
        "max_gram": 10,
    }

    assert mappings["dynamic"] == "strict"
    properties = mappings["properties"]
    assert set(properties) == {field.name for field in entity.index_fields} | {"updated_at"}
    # The row's updated_at, for `connectra verify`: kept in _source, never searched.
    assert properties["updated_at"] == {"type": "long", "index": False, "doc_values": False}
    expected_type = {
        FieldKind.TEXT: "text",
        FieldKind.KEYWORD: "keyword",
        FieldKind.NUMBER: "long",
        FieldKind.DATE: "long",
    }
    for field in entity.index_fields:
        mapping = properties[field.name]
        assert mapping["type"] == expected_type[field.kind], field.name
        assert ("fields" in mapping) == (field.kind is FieldKind.TEXT), field.name
        if field.kind is FieldKind.TEXT:
            assert mapping["analyzer"] == "connectra_words"
            assert mapping["fields"] == {"ngram": {"type": "text", "analyzer": "connectra_ngram"}}
        if field.kind is FieldKind.KEYWORD:
            assert mapping == {"type": "keyword"}, field.name


def test_index_definition_field_kinds_match_the_contract_table() -> None:
    companies = index_definition(COMPANY)["mappings"]["properties"]
    texts = {name for name, mapping in companies.items() if mapping["type"] == "text"}
    assert texts == {"name", "address", "normalized_domain", "website"}
    assert companies["created_at"] == {"type": "long"}
    contacts = index_definition(CONTACT)["mappings"]["properties"]
    assert contacts["departments"] == {"type": "keyword"}
    assert contacts["company_total_funding"] == {"type": "long"}
