"""Filter definitions and values through both clients (needs the filters routes on the server)."""

from __future__ import annotations

import pytest

from connectra.client import FilterDefinition, FilterValue, NotFound, Q, ValidationFailed
from tests.client.conftest import Api, Seeded


def test_get_filters(api: Api) -> None:
    contact = api.get_filters("contact")
    assert all(isinstance(f, FilterDefinition) for f in contact)
    assert [f.key for f in contact] == sorted(f.key for f in contact)
    by_key = {f.key: f for f in contact}
    assert by_key["seniority"].direct_derived is False
    assert by_key["email"].direct_derived is True
    assert {f.service for f in contact} == {"contact"}
    company = api.get_filters("companies")
    assert len(company) == 14
    assert {f.service for f in company} == {"company"}


def test_get_filter_data_counts_live_records(api: Api, read_server: Seeded) -> None:
    values = api.get_filter_data("contact", "seniority", limit=100)
    assert all(isinstance(v, FilterValue) for v in values)
    assert {v.value for v in values} == {row["seniority"] for row in read_server.rows}
    for value in values[:3]:
        assert value.count == api.count_contacts(Q.keyword("seniority", value.value))


def test_get_filter_data_pages_and_search_text(api: Api) -> None:
    every = api.get_filter_data("company", "country", limit=100)
    assert len(every) > 3
    first = api.get_filter_data("company", "country", page=1, limit=2)
    second = api.get_filter_data("company", "country", page=2, limit=2)
    assert [v.value for v in first + second] == [v.value for v in every[:4]]
    matching = api.get_filter_data("company", "country", search_text="UNITED")
    assert matching
    assert all("united" in v.display_value.lower() for v in matching)


def test_get_filter_data_errors(api: Api) -> None:
    with pytest.raises(NotFound):
        api.get_filter_data("contact", "no_such_filter")
    with pytest.raises(ValidationFailed) as caught:
        api.get_filter_data("contact", "city", limit=101)
    assert caught.value.token == "ERR_PAGE_SIZE_EXCEEDED"
    with pytest.raises(ValueError, match="entity_type"):
        api.get_filters("person")
