"""Schemathesis over the live OpenAPI document of a running server, on each store engine.

Every route, positive and negative data, with the API key: no response is a 5xx, and every
response conforms to the document (status code, content type, body schema); and the document
declares what validation enforces: positive data is never refused as invalid. A bounded run
(``FUZZ_EXAMPLES`` cases per operation); ``scripts/fuzz.sh`` runs the long one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import Target

FUZZ_EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MIN_OPERATIONS = 30  # every route of the app (36 when written)
MIN_CASES = 150  # per engine: positive and negative cases of every operation
SERVER_ERROR = 500
NOT_FOUND = 404
# What a request the document calls valid may never get: "your request is invalid". Any other
# answer can be right for positive data: 404 (no such uuid, job or filter key), 409 (a create
# whose uuid exists, a job that is not failed/completed), 401/403 (a signed transfer URL whose
# signature is missing or wrong: the key's own format is valid, its signature is not ours),
# 207 (a bulk write's records are checked one by one against the store).
REFUSED_AS_INVALID = (400, 422)

Check = Callable[[Any, Any], None]


def _conforms(case: Any, response: Any) -> None:
    case.validate_response(response, checks=CHECKS)


def _not_refused_as_invalid(case: Any, response: Any) -> None:
    assert response.status_code not in REFUSED_AS_INVALID, (
        f"positive data refused: {response.status_code} {response.text[:500]}\n"
        f"request: {case.path_parameters} {case.query} {str(case.body)[:500]}"
    )


def _fuzz(
    target: Target, operation: Any, mode: GenerationMode, check: Check = _conforms
) -> str | None:
    """Run one operation's cases through ``check``; the first failure's report, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Any) -> None:
        target.cases += 1
        response = case.call(headers={"X-API-Key": target.server.key}, timeout=30)
        check(case, response)

    try:
        run()
    except Unsatisfiable:  # nothing can break this operation's document (no parameters)
        return None
    except Exception as exc:  # a check's failure group, reported per operation
        return f"{operation.label} ({mode}): {exc}"
    return None


def _operations(target: Target) -> list[Any]:
    schema = schemathesis.openapi.from_url(
        f"{target.server.base}/openapi.json", headers={"X-API-Key": target.server.key}
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= MIN_OPERATIONS, "the document lost its routes"
    return operations


def test_api_keeps_its_schema(live: Target) -> None:
    operations = _operations(live)
    failures = [
        failure
        for operation in operations
        for mode in GenerationMode
        if (failure := _fuzz(live, operation, mode))
    ]
    assert not failures, "\n\n".join(failures)
    assert live.cases >= MIN_CASES, f"only {live.cases} cases ran"


def test_the_document_declares_what_validation_enforces(live: Target) -> None:
    """Issue 15: data the document calls valid is never a 400/422. On both engines: the checks
    run before the store, but a store-specific refusal of positive data would be the same bug."""
    failures = []
    for operation in _operations(live):
        before = live.cases
        failure = _fuzz(live, operation, GenerationMode.POSITIVE, _not_refused_as_invalid)
        if failure:
            failures.append(failure)
        elif live.cases == before:  # a schema nothing can satisfy would hide the operation
            failures.append(f"{operation.label}: no positive case could be generated")
    assert not failures, "\n\n".join(failures)


# Issue 15's findings, each pinned by its own test (they were the long run's failures).


def test_an_unrouted_path_is_a_404_envelope(live: Target) -> None:
    with live.server.client() as client:
        for path in ("/common/downloads/a%0Ab", "/no/such/route"):
            response = client.get(path)
            assert response.status_code == NOT_FOUND
            assert response.json()["error_code"] == "NOT_FOUND"


def test_batch_upsert_documents_its_207(live: Target) -> None:
    with live.server.client() as client:
        document = client.get("/openapi.json").json()
    for path in ("/contacts/batch-upsert", "/companies/batch-upsert"):
        assert "207" in document["paths"][path]["post"]["responses"], path


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("/contacts/create", {"first_name": "a\u0000b", "last_name": "x", "email": "nul@x.io"}),
        ("/common/jobs/create", {"job_type": "insert_csv_file", "job_data": {"a\u0000": "x"}}),
        (
            "/common/jobs/create",
            {"job_type": "insert_csv_file", "job_data": {"s3_key": "x"}, "retry_count": 3 * 10**9},
        ),
    ],
    ids=["nul-in-field", "nul-in-job-data-key", "retry-count-3e9"],
)
def test_nul_and_out_of_range_are_a_400_naming_the_path(
    live: Target, route: str, body: dict[str, Any]
) -> None:
    with live.server.client() as client:
        response = client.post(route, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["details"]["path"]


def test_a_nul_in_a_filter_read_is_no_500(live: Target) -> None:
    with live.server.client() as client:
        for body in (
            {"filter_key": "a\u0000"},
            {"filter_key": "seniority", "search_text": "\u0000"},
        ):
            response = client.post("/contacts/filters/data", json=body)
            assert response.status_code < SERVER_ERROR, response.text


def test_job_data_never_poisons_the_job_list(live: Target) -> None:
    with live.server.client() as client:
        created = client.post(
            "/common/jobs/create", json={"job_type": "x", "job_data": {"n": 1e30}}
        )
        listing = client.post("/common/jobs", json={})
    assert created.status_code < SERVER_ERROR, created.text
    assert listing.status_code == 200, listing.text
