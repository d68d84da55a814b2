"""OpenAPI ``responses`` of the gateway's routes: examples of every answer and error."""

from __future__ import annotations

from typing import Any

CONTACT_EXAMPLE: dict[str, Any] = {
    "uuid": "0b9f1c2e-3d4a-5b6c-8d9e-0f1a2b3c4d5e",
    "first_name": "Ann",
    "last_name": "Lee",
    "email": "ann.lee@acme.io",
    "title": "Senior Engineer",
    "seniority": "senior",
    "departments": "Engineering, IT",
    "city": "Austin",
    "country": "United States",
    "person_linkedin_url": "https://www.linkedin.com/in/annlee",
    "company": "Acme",
    "employees": 120,
    "industry": "Software",
    "company_city": "Austin",
    "technologies": "aws, react",
}
COMPANY_EXAMPLE: dict[str, Any] = {
    "uuid": "6d1e0c7a-2b3c-5d4e-9f8a-7b6c5d4e3f2a",
    "name": "Acme",
    "employees_count": 120,
    "industry": "Software",
    "city": "Austin",
    "country": "United States",
    "website": "https://acme.io",
    "linkedin_url": "https://www.linkedin.com/company/acme",
    "technologies": ["aws", "react"],
    "keywords": ["saas"],
}
NEXT = "http://127.0.0.1:8080/api/v1/contacts/?seniority=senior&cursor=eyJvIjoyNX0"


def _example(status: int, description: str, body: Any) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"description": description, "content": {"application/json": {"example": body}}}
    }


def _error(status: int, code: str, error: str) -> dict[int | str, dict[str, Any]]:
    body = {"success": False, "error": error, "error_code": code, "message": error}
    return _example(status, code, body)


ERRORS: dict[int | str, dict[str, Any]] = {
    **_error(400, "VALIDATION_ERROR", "ERR_PAGE_OUT_OF_RANGE: page must be at most 10"),
    **_error(401, "UNAUTHORIZED", "missing or invalid X-API-Key"),
    **_error(
        503,
        "SERVICE_UNAVAILABLE",
        "ERR_CONNECTRA_UNAVAILABLE: Connectra is unavailable: Connectra API request failed - "
        "ConnectError: [Errno 111] Connection refused",
    ),
}
NOT_FOUND = _error(404, "NOT_FOUND", "ERR_CONTACT_NOT_FOUND: contact '…' not found")


def page_of(item: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    body = {"data": [item], "success": True, "next": NEXT, "previous": None}
    return {**_example(200, "A page; `next`/`previous` are links or null", body), **ERRORS}


def one(item: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {**_example(200, "The record", {"data": item, "success": True}), **NOT_FOUND, **ERRORS}


def answer(body: Any, description: str = "OK", status: int = 200) -> dict[int | str, Any]:
    return {**_example(status, description, body), **ERRORS}


COUNT = answer({"count": 1234, "success": True}, "Records matching the filters")
