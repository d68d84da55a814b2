"""The same input gets the same answer on SQLite and PostgreSQL: a NUL character or a number
beyond int64 anywhere in a body is a 400 naming its JSON path, never a 500 or a stored row that
breaks a later read."""

from __future__ import annotations

from typing import Any

import pytest

from tests.acceptance.conftest import Bare
from tests.acceptance.server import assert_error

NUL = "\u0000"
TOO_BIG = 1e30
INT64_MAX = 2**63 - 1

CASES = [
    ("/contacts/create", {"first_name": f"a{NUL}b", "last_name": "x"}, "first_name"),
    ("/companies/create", {"name": "n", "keywords": ["ok", f"b{NUL}"]}, "keywords[1]"),
    ("/companies/upsert", {"name": "n", "employees_count": TOO_BIG}, "employees_count"),
    ("/contacts/bulk", {"contacts": [{"first_name": "a"}, {"title": NUL}]}, "contacts[1].title"),
    ("/common/jobs/create", {"job_type": "x", "job_data": {f"k{NUL}": 1}}, "job_data"),
    ("/common/jobs/create", {"job_type": "x", "job_data": {"n": TOO_BIG}}, "job_data.n"),
    ("/common/jobs/create", {"job_type": "x", "job_data": {"n": [1, -1e19]}}, "job_data.n[1]"),
    ("/common/jobs/create", {"job_type": "x", "job_data": {"s": f"{NUL}"}}, "job_data.s"),
    (
        "/contacts",
        {"where": {"keyword_match": {"must": {"email": f"a{NUL}@b.co"}}}},
        "where.keyword_match.must.email",
    ),
    ("/common/contact/filters/data", {"filter_key": "title", "search_text": NUL}, "search_text"),
]


@pytest.mark.parametrize(("path", "body", "json_path"), CASES)
def test_nul_and_huge_numbers_are_a_400_naming_the_path(
    shared_server: Bare, path: str, body: dict[str, Any], json_path: str
) -> None:
    with shared_server.server.client() as client:
        body_error = assert_error(client.post(path, json=body), 400, "VALIDATION_ERROR")
        assert body_error["details"]["path"] == json_path
        assert client.post("/common/jobs", json={}).status_code == 200


def test_retry_count_beyond_the_column_is_a_400(shared_server: Bare) -> None:
    with shared_server.server.client() as client:
        body = {"job_type": "x", "job_data": {}, "retry_count": 3_000_000_000}
        answer = client.post("/common/jobs/create", json=body)
        assert_error(answer, 400, "VALIDATION_ERROR", "ERR_INVALID_RETRY_COUNT")


def test_a_jobs_data_never_poisons_the_listing(shared_server: Bare) -> None:
    with shared_server.server.client() as client:
        for data in ({"n": TOO_BIG}, {"n": 1.5e20}, {f"k{NUL}": 1}):
            answer = client.post("/common/jobs/create", json={"job_type": "x", "job_data": data})
            assert answer.status_code == 400, answer.text
        edge = {"max": INT64_MAX, "min": -INT64_MAX, "f": 1.5e18, "tiny": 1e-30, "u": "ü\u2028"}
        created = client.post("/common/jobs/create", json={"job_type": "x", "job_data": edge})
        assert created.status_code == 201, created.text
        listing = client.post("/common/jobs", json={"limit": 100})
        assert listing.status_code == 200, listing.text
        stored = next(
            j for j in listing.json()["data"] if j["uuid"] == created.json()["data"]["uuid"]
        )
        assert stored["data"]["max"] == INT64_MAX
        assert stored["data"]["u"] == edge["u"]
