"""Filter definitions and dropdown values over a real store (SQLite and PostgreSQL) and a real
tantivy index: stored, direct-derived and SQL-counted values, live counts, paging, errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectra.errors import NotFound, PageSizeExceeded, UnsupportedService, ValidationError
from connectra.index.tantivy import TantivyIndex
from connectra.model.fake import DemoData
from connectra.model.fields import COMPANY, CONTACT, Entity
from connectra.services.batch_upsert import BatchResult, upsert_csv_rows
from connectra.services.filters import filter_values, list_filters
from connectra.store import entities, outbox
from connectra.store.database import Store
from connectra.store.filter_queries import like_pattern
from connectra.workers.indexer import Indexer

ROWS = [
    {
        "first_name": "John", "last_name": "Doe", "email": "john@acme.com",
        "person_linkedin_url": "https://linkedin.com/in/johndoe", "city": "Austin",
        "title": "Senior Engineer", "departments": "Engineering, IT", "seniority": "Senior",
        "company": "Acme Corporation", "company_linkedin_url": "https://linkedin.com/company/acme",
        "employees": "250", "technologies": "Python, React", "company_country": "Germany",
    },
    {
        "first_name": "Ann", "last_name": "Lee", "email": "ann@beta.io", "city": "austin",
        "title": "senior engineer", "departments": "engineering", "seniority": "senior",
        "company": "Beta Labs", "employees": "12", "technologies": "python, Go",
        "company_country": "germany",
    },
    {
        "first_name": "Bob", "last_name": "Ray", "email": "bob@beta.io", "city": "Berlin",
        "title": "Recruiter", "departments": "Human Resources", "company": "Beta Labs",
        "employees": "12", "technologies": "python, Go",
    },
]  # fmt: skip


@pytest.fixture
def index(tmp_path: Path) -> Iterator[TantivyIndex]:
    found = TantivyIndex(tmp_path / "index", writer_heap=15_000_000)
    yield found
    found.close()


def _load(store: Store, index: TantivyIndex, rows: Sequence[Mapping[str, Any]]) -> BatchResult:
    with store.write() as conn:
        result = upsert_csv_rows(conn, rows)
    Indexer(store, index).drain()
    return result


def _soft_delete(store: Store, index: TantivyIndex, entity: Entity, uuids: list[str]) -> None:
    with store.write() as conn:
        for uuid in uuids:
            entities.soft_delete(conn, entity, uuid, datetime.now(UTC))
        outbox.enqueue(conn, entity.name, uuids)
    Indexer(store, index).drain()


def _values(
    store: Store, index: TantivyIndex, service: str, key: str, search: str = "", **kw: Any
) -> list[dict[str, Any]]:
    return filter_values(store, index, service, key, search, kw.get("page"), kw.get("limit", 100))


def _counts(store: Store, index: TantivyIndex, service: str, key: str, search: str = "") -> dict:
    return {v["display_value"]: v["count"] for v in _values(store, index, service, key, search)}


# -- definitions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "count", "ids"),
    [("contact", 13, range(15, 28)), ("contacts", 13, range(15, 28)),
     ("company", 14, range(1, 15)), ("Companies", 14, range(1, 15))],
)  # fmt: skip
def test_definitions_per_service_ordered_by_key(
    store: Store, service: str, count: int, ids: range
) -> None:
    rows = list_filters(store, service)
    assert len(rows) == count
    assert [row["key"] for row in rows] == sorted(row["key"] for row in rows)
    assert {row["id"] for row in rows} == set(ids)
    for row in rows:
        assert set(row) == {
            "id", "key", "service", "filter_type", "display_name", "direct_derived", "active",
            "deleted_at",
        }  # fmt: skip
        assert row["active"] is True
        assert row["deleted_at"] is None
    by_key = {row["key"]: row for row in rows}
    if count == 14:
        assert by_key["uuid"]["display_name"] == "Name"
        assert by_key["employees_count"]["direct_derived"] is True
        assert by_key["technologies"]["direct_derived"] is False


def test_inactive_and_deleted_definitions_are_hidden(store: Store, index: TantivyIndex) -> None:
    with store.write() as conn:
        conn.execute(sa.text("UPDATE filters SET active = false WHERE key = 'city'"))
        conn.execute(
            sa.text("UPDATE filters SET deleted_at = :now WHERE key = 'state'"),
            {"now": datetime.now(UTC)},
        )
    keys = {row["key"] for row in list_filters(store, "contact")}
    assert "city" not in keys
    assert "state" not in keys
    assert "country" in keys
    with pytest.raises(NotFound):
        _values(store, index, "contact", "city")


@pytest.mark.parametrize("service", ["people", "", "contactz"])
def test_unknown_service_is_400(store: Store, index: TantivyIndex, service: str) -> None:
    with pytest.raises(UnsupportedService) as caught:
        list_filters(store, service)
    assert caught.value.status == 400
    assert caught.value.error.startswith("ERR_UNSUPPORTED_SERVICE: ")
    with pytest.raises(UnsupportedService):
        _values(store, index, service, "city")


def test_unknown_key_is_404(store: Store, index: TantivyIndex) -> None:
    with pytest.raises(NotFound) as caught:
        _values(store, index, "contact", "technologies")  # a company filter, not a contact one
    assert caught.value.status == 404
    assert caught.value.error_code == "NOT_FOUND"


# -- stored values --------------------------------------------------------------------------


def test_stored_values_with_live_counts(store: Store, index: TantivyIndex) -> None:
    result = _load(store, index, ROWS)
    assert _counts(store, index, "contact", "city") == {"Austin": 2, "Berlin": 1}
    assert _counts(store, index, "contact", "departments") == {
        "Engineering": 2, "Human Resources": 1, "IT": 1,
    }  # fmt: skip
    assert _counts(store, index, "company", "technologies") == {"Go": 1, "Python": 2, "React": 1}
    assert _counts(store, index, "company", "country") == {"Germany": 2}
    assert _counts(store, index, "contact", "title") == {"Recruiter": 1, "Senior Engineer": 2}
    for item in _values(store, index, "contact", "city"):
        assert set(item) == {"value", "display_value", "count"}
        assert item["value"] == item["display_value"]
    acme, beta = result.company_uuids
    assert _values(store, index, "company", "uuid") == [
        {"value": acme, "display_value": "Acme Corporation", "count": 1},
        {"value": beta, "display_value": "Beta Labs", "count": 1},
    ]
    names = _values(store, index, "companies", "uuid", "LABS")
    assert [item["value"] for item in names] == [beta]


def test_case_variants_are_one_entry_showing_the_first_written(
    store: Store, index: TantivyIndex
) -> None:
    _load(store, index, ROWS)
    _load(store, index, [{"first_name": "Cy", "last_name": "Oh", "city": "AUSTIN"}])
    assert _values(store, index, "contact", "city", "aus") == [
        {"value": "Austin", "display_value": "Austin", "count": 3}
    ]
    assert _counts(store, index, "contact", "seniority") == {"Senior": 2}
    assert _counts(store, index, "contact", "title", "ENGINEER") == {"Senior Engineer": 2}


def test_values_of_soft_deleted_records_are_not_listed(store: Store, index: TantivyIndex) -> None:
    result = _load(store, index, ROWS)
    bob = result.contact_uuids[2]
    _soft_delete(store, index, CONTACT, [bob])
    assert _counts(store, index, "contact", "city") == {"Austin": 2}
    assert _counts(store, index, "contact", "departments") == {"Engineering": 2, "IT": 1}
    assert _counts(store, index, "contact", "title") == {"Senior Engineer": 2}
    assert _counts(store, index, "contact", "last_name") == {"Doe": 1, "Lee": 1}
    acme, beta = result.company_uuids
    _soft_delete(store, index, COMPANY, [beta])
    assert [item["value"] for item in _values(store, index, "company", "uuid")] == [acme]
    assert _counts(store, index, "company", "technologies") == {"Python": 1, "React": 1}
    assert _counts(store, index, "company", "employees_count") == {"250": 1}


WILDCARDS = ["100% Remote", "100 Remote", "Rock_Hill", "RockXHill", "Back\\Slash", "BackSlash"]


@pytest.mark.parametrize("key", ["city", "title", "last_name"])  # index, SQL-counted, direct
@pytest.mark.parametrize(
    ("search", "expected"),
    [("0%", {"100% Remote"}), ("k_h", {"Rock_Hill"}), ("k\\s", {"Back\\Slash"}),
     ("%", {"100% Remote"}), ("_", {"Rock_Hill"}), ("REMOTE", {"100% Remote", "100 Remote"})],
)  # fmt: skip
def test_search_text_wildcards_are_literal(
    store: Store, index: TantivyIndex, key: str, search: str, expected: set[str]
) -> None:
    rows = [
        {"first_name": f"P{n}", "last_name": "Q", key: value} for n, value in enumerate(WILDCARDS)
    ]
    _load(store, index, rows)
    assert set(_counts(store, index, "contact", key, search)) == expected


def test_like_pattern_escapes_wildcards_and_folds_case() -> None:
    assert like_pattern("A%b_C\\") == "%a\\%b\\_c\\\\%"


def test_non_ascii_search_is_case_insensitive(store: Store, index: TantivyIndex) -> None:
    rows = [{"first_name": "A", "last_name": "ÉLODIE", "city": "Île-de-France", "title": "ÜBER"}]
    _load(store, index, rows)
    assert _counts(store, index, "contact", "city", "ÎLE") == {"Île-de-France": 1}
    assert _counts(store, index, "contact", "title", "über") == {"ÜBER": 1}
    assert _counts(store, index, "contact", "last_name", "élo") == {"ÉLODIE": 1}


def test_paging(store: Store, index: TantivyIndex) -> None:
    cities = [f"City {n:02d}" for n in range(30)]
    _load(store, index, [{"first_name": f"P{n}", "city": c} for n, c in enumerate(cities)])
    everything = [v["display_value"] for v in _values(store, index, "contact", "city")]
    assert everything == cities  # ascending display value
    default = filter_values(store, index, "contact", "city", None, None, None)
    assert [v["display_value"] for v in default] == cities[:25]  # limit absent → 25
    assert filter_values(store, index, "contact", "city", "", 1, 0) == default  # limit 0 → 25
    assert filter_values(store, index, "contact", "city", "", 0, -5) == default  # page 0 → 1
    pages = [filter_values(store, index, "contact", "city", "", n, 7) for n in range(1, 6)]
    assert [len(page) for page in pages] == [7, 7, 7, 7, 2]
    assert [v["display_value"] for page in pages for v in page] == cities
    assert filter_values(store, index, "contact", "city", "", 10**15, 100) == []
    assert len(filter_values(store, index, "contact", "city", "", 1, 100)) == 30


@pytest.mark.parametrize("key", ["city", "first_name", "title"])
def test_limit_over_100_is_page_size_exceeded(store: Store, index: TantivyIndex, key: str) -> None:
    with pytest.raises(PageSizeExceeded) as caught:
        filter_values(store, index, "contact", key, "", 1, 101)
    assert caught.value.error.startswith("ERR_PAGE_SIZE_EXCEEDED: ")
    assert caught.value.status == 400
    assert filter_values(store, index, "contact", key, "", 1, 100) == []


# -- direct-derived values ------------------------------------------------------------------


def test_direct_derived_values_are_distinct_and_live(store: Store, index: TantivyIndex) -> None:
    result = _load(store, index, ROWS)
    assert _values(store, index, "contact", "first_name") == [
        {"value": "Ann", "display_value": "Ann", "count": 1},
        {"value": "Bob", "display_value": "Bob", "count": 1},
        {"value": "John", "display_value": "John", "count": 1},
    ]
    employees = _values(store, index, "company", "employees_count")
    assert employees == [
        {"value": "12", "display_value": "12", "count": 1},  # numeric order, not "12" < "250"
        {"value": "250", "display_value": "250", "count": 1},
    ]
    assert _counts(store, index, "company", "employees_count", "5") == {"250": 1}
    assert _counts(store, index, "contact", "email", "BETA") == {"ann@beta.io": 1, "bob@beta.io": 1}
    _soft_delete(store, index, CONTACT, [result.contact_uuids[0]])
    assert "John" not in _counts(store, index, "contact", "first_name")


def test_direct_derived_values_count_records(store: Store, index: TantivyIndex) -> None:
    rows = [
        {"first_name": f"P{n}", "last_name": "Same", "company": f"Co {n}", "employees": e}
        for n, e in enumerate(["10", "10", "7", "0", ""])
    ]
    _load(store, index, rows)
    assert _counts(store, index, "contact", "last_name") == {"Same": 5}
    assert _counts(store, index, "company", "employees_count") == {"7": 1, "10": 2}  # 0 = empty


def test_direct_derived_array_column(store: Store, index: TantivyIndex) -> None:
    """No default row reads an array column live; one that does lists elements per record."""
    with store.write() as conn:
        conn.execute(sa.text("UPDATE filters SET direct_derived = true WHERE key = 'departments'"))
    rows = [
        {"first_name": "A", "departments": "Sales, Sales, Legal"},
        {"first_name": "B", "departments": "Sales"},
        {"first_name": "C", "departments": "sales"},
    ]
    _load(store, index, rows)
    assert _counts(store, index, "contact", "departments") == {"Legal": 1, "Sales": 2, "sales": 1}
    assert _counts(store, index, "contact", "departments", "LEG") == {"Legal": 1}


def test_direct_derived_timestamp_column_is_refused(store: Store, index: TantivyIndex) -> None:
    with store.write() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO filters (key, service, filter_type, display_name, direct_derived, "
                "active) VALUES ('created_at', 'contact', 'range', 'Created', true, true)"
            )
        )
    with pytest.raises(ValidationError) as caught:
        _values(store, index, "contact", "created_at")
    assert caught.value.path == "filter_key"


# -- THE dropdown test: 10k contacts, counts against SQL over the store ---------------------

ARRAY_ELEMENTS = {
    "postgresql": "CROSS JOIN unnest(t.{key}) AS e(value)",
    "sqlite": "CROSS JOIN json_each(t.{key}) AS e",
}


def _expected_counts(store: Store, table: str, key: str, *, array: bool, search: str = "") -> dict:
    """Live holders per case-folded value, straight from the store."""
    if array:
        source = ARRAY_ELEMENTS[store.dialect].format(key=key)
        sql = (
            f"SELECT lower(e.value) AS v, count(DISTINCT t.id) FROM {table} t {source} "
            "WHERE t.deleted_at IS NULL AND e.value <> '' GROUP BY lower(e.value)"
        )
    else:
        sql = (
            f"SELECT lower({key}) AS v, count(*) FROM {table} t WHERE t.deleted_at IS NULL "
            f"AND {key} IS NOT NULL AND {key} <> '' GROUP BY lower({key})"
        )
    with store.read() as conn:
        counts = {value: n for value, n in conn.execute(sa.text(sql))}
    return {value: n for value, n in counts.items() if search.lower() in value}


def _all_pages(store: Store, index: TantivyIndex, service: str, key: str, search: str) -> dict:
    seen: dict[str, int] = {}
    for page in range(1, 100):
        items = filter_values(store, index, service, key, search, page, 100)
        if not items:
            break
        for item in items:
            assert item["display_value"].lower() not in seen  # one entry per folded value
            seen[item["display_value"].lower()] = item["count"]
    return seen


DROPDOWNS = [
    ("company", "companies", "technologies", True),
    ("contact", "contacts", "departments", True),
    ("contact", "contacts", "seniority", False),
    ("contact", "contacts", "country", False),
]


def _check_dropdowns(store: Store, index: TantivyIndex) -> None:
    for service, table, key, array in DROPDOWNS:
        for search in ("", "an"):
            expected = _expected_counts(store, table, key, array=array, search=search)
            assert expected
            assert _all_pages(store, index, service, key, search) == expected, (key, search)


def test_dropdown_counts_match_the_store_on_10k_contacts(store: Store, index: TantivyIndex) -> None:
    rows = list(DemoData(7).rows(10_000))
    contacts: list[str] = []
    companies: list[str] = []
    for start in range(0, len(rows), 1000):
        with store.write() as conn:
            result = upsert_csv_rows(conn, rows[start : start + 1000])
        contacts += result.contact_uuids
        companies += result.company_uuids
    Indexer(store, index).drain()
    _check_dropdowns(store, index)

    rarest = min(_expected_counts(store, "contacts", "country", array=False).items(), key=_second)
    with store.read() as conn:
        holders = conn.execute(
            sa.text("SELECT uuid FROM contacts WHERE lower(country) = :c"), {"c": rarest[0]}
        )
        in_rarest = list(holders.scalars())
    _soft_delete(store, index, CONTACT, contacts[::7] + in_rarest)
    _soft_delete(store, index, COMPANY, companies[::5])
    _check_dropdowns(store, index)
    assert rarest[0] not in _all_pages(store, index, "contact", "country", "")


def _second(item: tuple[str, int]) -> int:
    return item[1]
