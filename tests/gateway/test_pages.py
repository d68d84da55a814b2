"""The page object's links and cursors, the transformer, and the OpenAPI document: no server."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.datastructures import URL, QueryParams

from connectra.errors import ValidationError
from connectra.gateway import transform
from connectra.gateway.app import create_app
from connectra.gateway.pages import Paging, Position
from connectra.gateway.settings import GatewaySettings

URL_ = URL("http://gw/api/v1/contacts/?seniority=senior&limit=2")


def _records(n: int) -> list[dict[str, Any]]:
    return [{"uuid": f"u{i}", "cursor": ["2025", f"k{i}"]} for i in range(n)]


def _cursor(link: str) -> str:
    return QueryParams(URL(link).query)["cursor"]


def test_page_mode_links() -> None:
    forward, back = Paging(2, page=3).links(URL_, _records(2))
    assert forward == "http://gw/api/v1/contacts/?seniority=senior&limit=2&page=4"
    assert back == "http://gw/api/v1/contacts/?seniority=senior&limit=2&page=2"
    assert Paging(2, page=1).links(URL_, _records(1)) == (None, None)
    assert Paging(2, page=1).vql() == {"page": 1, "limit": 2}


def test_cursor_mode_links_round_trip() -> None:
    first = Paging(2)
    assert first.vql() == {"page": 1, "limit": 2}
    forward, back = first.links(URL_, _records(2))
    assert back is None
    assert forward is not None
    token = _cursor(forward)
    second = Position.decode(token)
    assert second == Position(2, ("2025", "k1"))
    assert Paging(2, position=second).vql() == {"cursor": ["2025", "k1"], "limit": 2}
    _, back = Paging(2, position=second).links(URL(forward), _records(1))
    assert back == "http://gw/api/v1/contacts/?seniority=senior&limit=2"  # the first page
    third = Paging(2, position=Position(4, ("x", "y")))
    _, back = third.links(URL_, _records(2))
    assert back is not None
    assert Position.decode(_cursor(back)) == Position(2)
    assert Paging(2, position=Position(2)).vql() == {"page": 2, "limit": 2}


@pytest.mark.parametrize("token", ["garbage", "eyJ4IjoxfQ", "eyJvIjotMX0"])
def test_foreign_cursors_are_refused(token: str) -> None:
    with pytest.raises(ValidationError, match="cursor"):
        Position.decode(token)


def test_unreachable_offset_is_refused() -> None:
    with pytest.raises(ValidationError):
        Position(3).vql(2)
    with pytest.raises(ValidationError):
        Position(2000).vql(100)


def test_contact_item() -> None:
    record = {
        "uuid": "u1",
        "first_name": "Ann",
        "departments": ["sales", "it"],
        "linkedin_url": "https://www.linkedin.com/in/ann",
        "stage": "lead",
        "website": "",
        "company": {
            "name": "Acme",
            "employees_count": 10,
            "industries": ["Software", "Retail"],
            "technologies": ["aws", "gcp"],
            "phone_number": "123",
            "normalized_domain": "acme.io",
        },
    }
    item = transform.contact_item(record)
    assert item["departments"] == "sales, it"
    assert item["person_linkedin_url"] == "https://www.linkedin.com/in/ann"
    assert (item["company"], item["employees"], item["industry"]) == ("Acme", 10, "Software")
    assert (item["technologies"], item["company_phone"]) == ("aws, gcp", "123")
    assert item["stage"] == "lead"
    assert "website" not in item
    assert item["last_name"] is None
    simple = transform.simple_contact_item(record)
    assert simple["company_domain"] == "acme.io"
    assert simple["location"] == {"city": None, "state": None, "country": None}
    bare = transform.contact_item({"uuid": "u2"})
    assert bare["company"] is None
    assert bare["departments"] is None


def test_company_item_and_skipped_records() -> None:
    item = transform.company_item({"uuid": "c", "name": "Acme", "industries": ["Software"]})
    assert (item["name"], item["industry"], item["website"]) == ("Acme", "Software", None)
    records: list[Any] = [{"uuid": "c"}, {"name": "no uuid"}, "not a record", {"uuid": 5}]
    assert [i["uuid"] for i in transform.items(records, transform.company_item)] == ["c"]


def test_every_route_is_documented_with_examples() -> None:
    schema = create_app(GatewaySettings()).openapi()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 20
    for operation in operations:
        assert operation.get("summary"), operation
        answers = operation["responses"]
        ok = answers.get("200") or answers.get("202")
        assert ok["content"]["application/json"]["example"], operation["summary"]
        assert "503" in answers, operation["summary"]
