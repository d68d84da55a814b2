"""Hypothesis over HTTP: VQL bodies near the grammar against POST /contacts and /contacts/count.

Valid queries (built from the field catalogue) answer 200. Each is then broken at one place
chosen anywhere in the body: an unknown key added at that depth, or the value replaced by one of
the wrong type, null, unicode, a huge array or a deep nesting. An unknown key is a 400 naming
exactly its JSON path; any other change answers 200 or a 400 naming a path on the way to it.
Never a 500.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectra.model.fields import COMPANY, CONTACT, FieldKind
from tests.fuzz.conftest import Target

VALID_EXAMPLES = 30
BROKEN_EXAMPLES = 70  # per test and route
HUGE = 10_000  # items of a huge array (well under the 10 MiB body limit)
DEEP = 500  # levels of a nested value inside a body (the server's parser takes 1,024)
TOO_DEEP = 2_000  # levels no JSON parser here takes
ROUTES = ("/contacts", "/contacts/count")

Loc = tuple[str | int, ...]

_FIELDS = {kind: [f.name for f in CONTACT.index_fields if f.kind is kind] for kind in FieldKind}
_SORTABLE = [f.name for f in CONTACT.index_fields if f.sortable]
_COLUMNS = [c.name for c in CONTACT.columns]
_COMPANY_COLUMNS = [c.name for c in COMPANY.columns]

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
_word = st.text(st.characters(exclude_categories=("Cs", "Cc", "Z")), min_size=1, max_size=12)
_number = st.integers(min_value=-(10**12), max_value=10**12)
_date = st.dates().map(lambda d: d.isoformat())


def _text_condition() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "text_value": _text,
            "filter_key": st.sampled_from(_FIELDS[FieldKind.TEXT]),
            "search_type": st.sampled_from(["exact", "shuffle", "substring"]),
        },
        optional={
            "slop": st.integers(0, 5),
            "operator": st.sampled_from(["and", "or", "AND"]),
            "fuzzy": st.booleans(),
        },
    )


def _range(kind: FieldKind) -> st.SearchStrategy[dict[str, Any]]:
    bound = _date if kind is FieldKind.DATE else _number
    return st.dictionaries(
        st.sampled_from(["gte", "gt", "lte", "lt"]), bound, min_size=1, max_size=2
    )


_keyword_match = st.dictionaries(
    st.sampled_from(_FIELDS[FieldKind.KEYWORD]),
    st.one_of(_word, st.lists(_word, max_size=4)),
    max_size=3,
)
_range_query = st.one_of(
    st.dictionaries(st.sampled_from(_FIELDS[FieldKind.NUMBER]), _range(FieldKind.NUMBER)),
    st.dictionaries(st.sampled_from(_FIELDS[FieldKind.DATE]), _range(FieldKind.DATE)),
)
_where = st.fixed_dictionaries(
    {},
    optional={
        "text_matches": st.fixed_dictionaries(
            {},
            optional={
                "must": st.lists(_text_condition(), max_size=3),
                "must_not": st.lists(_text_condition(), max_size=2),
            },
        ),
        "keyword_match": st.fixed_dictionaries(
            {}, optional={"must": _keyword_match, "must_not": _keyword_match}
        ),
        "range_query": st.fixed_dictionaries(
            {}, optional={"must": _range_query, "must_not": _range_query}
        ),
    },
)
valid_vql = st.fixed_dictionaries(
    {},
    optional={
        "where": _where,
        "order_by": st.lists(
            st.fixed_dictionaries(
                {"order_by": st.sampled_from(_SORTABLE)},
                optional={"order_direction": st.sampled_from(["asc", "desc"])},
            ),
            max_size=3,
        ),
        "select_columns": st.lists(st.sampled_from(_COLUMNS), min_size=1, max_size=5),
        "company_config": st.fixed_dictionaries(
            {},
            optional={
                "populate": st.booleans(),
                "select_columns": st.lists(st.sampled_from(_COMPANY_COLUMNS), max_size=3),
            },
        ),
        "page": st.integers(1, 10),
        "limit": st.integers(1, 100),
    },
)

_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    _text,
)
_wrong = st.one_of(
    _scalar,
    st.lists(_scalar, max_size=4),
    st.dictionaries(_text, _scalar, max_size=3),
    st.sampled_from(["x" * 5000, "\u0000", "日本語\u200b", "🦄" * 50]),
    st.just(["v"] * HUGE),
    st.just(list(range(HUGE))),
    st.just({f"k{i}": i for i in range(HUGE // 10)}),
    st.builds(lambda: _deep(DEEP)),
)


def _deep(depth: int) -> Any:
    value: Any = None
    for _ in range(depth):
        value = [value]
    return value


def _nodes(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    yield loc, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nodes(item, (*loc, i))


def _path(loc: Loc) -> str:
    """The contract's JSON path: ``where.text_matches.must[0].slop``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path


def _set(body: dict[str, Any], loc: Loc, value: Any) -> dict[str, Any]:
    result = copy.deepcopy(body)
    parent: Any = result
    for part in loc[:-1]:
        parent = parent[part]
    parent[loc[-1]] = value
    return result


def _post(target: Target, route: str, body: Any) -> httpx.Response:
    target.cases += 1
    with target.server.client(timeout=60) as client:
        return client.post(route, json=body)


def _runs(target: Target, run: Callable[[], None], examples: int) -> None:
    """Run a hypothesis test and check that it did send (most of) its examples."""
    before = target.cases
    run()
    assert target.cases - before >= examples // 2, f"only {target.cases - before} requests"


def _error_path(response: httpx.Response) -> str:
    body = response.json()
    assert body["success"] is False, response.text
    assert body["error_code"] == "VALIDATION_ERROR", response.text
    path = body["details"]["path"]
    assert isinstance(path, str), response.text
    assert path, response.text
    return path


_SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.mark.parametrize("route", ROUTES)
def test_valid_queries_answer_200(live_sqlite: Target, route: str) -> None:
    @settings(_SETTINGS, max_examples=VALID_EXAMPLES)
    @given(body=valid_vql)
    def run(body: dict[str, Any]) -> None:
        response = _post(live_sqlite, route, body)
        assert response.status_code == 200, f"{body}\n{response.text}"

    _runs(live_sqlite, run, VALID_EXAMPLES)


@st.composite
def unknown_key(draw: st.DrawFn) -> tuple[dict[str, Any], Loc]:
    """A valid body with a key added to one of its objects; the added key's location."""
    body = draw(valid_vql)
    objects = [loc for loc, value in _nodes(body) if isinstance(value, dict)]
    loc = draw(st.sampled_from(objects))
    # (no NUL: a NUL in a key is refused first, naming the object that holds it)
    characters = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
    key = "x_" + draw(st.text(characters, max_size=8))
    return _set(body, (*loc, key), draw(_scalar)) if loc else {**body, key: None}, (*loc, key)


@pytest.mark.parametrize("route", ROUTES)
def test_an_unknown_key_at_any_depth_is_a_400_naming_it(live_sqlite: Target, route: str) -> None:
    @settings(_SETTINGS, max_examples=BROKEN_EXAMPLES)
    @given(case=unknown_key())
    def run(case: tuple[dict[str, Any], Loc]) -> None:
        body, loc = case
        response = _post(live_sqlite, route, body)
        assert response.status_code == 400, f"{body}\n{response.text}"
        assert _error_path(response) == _path(loc), response.text

    _runs(live_sqlite, run, BROKEN_EXAMPLES)


@st.composite
def wrong_value(draw: st.DrawFn) -> tuple[dict[str, Any], Loc]:
    """A valid body with one value (any depth, the root excepted) replaced."""
    body = draw(valid_vql.filter(bool))
    loc = draw(st.sampled_from([loc for loc, _ in _nodes(body) if loc]))
    return _set(body, loc, draw(_wrong)), loc


@pytest.mark.parametrize("route", ROUTES)
def test_a_wrong_value_is_a_200_or_a_400_naming_its_path(live_sqlite: Target, route: str) -> None:
    @settings(_SETTINGS, max_examples=BROKEN_EXAMPLES)
    @given(case=wrong_value())
    def run(case: tuple[dict[str, Any], Loc]) -> None:
        body, loc = case
        response = _post(live_sqlite, route, body)
        assert response.status_code in (200, 400), f"{_path(loc)}\n{response.text}"
        if response.status_code == 400:
            named = _error_path(response)
            where = _path(loc)
            assert where.startswith(named) or named.startswith(where), (
                f"changed {where}, error names {named}"
            )

    _runs(live_sqlite, run, BROKEN_EXAMPLES)


def test_a_nesting_past_the_parser_is_a_400_at_the_root(live_sqlite: Target) -> None:
    body = '{"where": {"keyword_match": {"must": {"seniority": ' + "[" * TOO_DEEP
    with live_sqlite.server.client() as client:
        response = client.post("/contacts", content=body + "]" * TOO_DEEP + "}}}}")
    assert response.status_code == 400, response.text
    assert _error_path(response) == "$"


@pytest.mark.parametrize("body", ["[]", "null", "1", '"x"', "{", "[" * TOO_DEEP, "{}" * 2])
def test_a_body_that_is_no_json_object_is_a_400_at_the_root(live_sqlite: Target, body: str) -> None:
    with live_sqlite.server.client() as client:
        response = client.post("/contacts", content=body)
    assert response.status_code == 400, response.text
    assert _error_path(response) == "$"
