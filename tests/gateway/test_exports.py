"""CSV exports through the gateway: Connectra export jobs, progress, a working download URL."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import httpx

from connectra.gateway.converter import COMPANY_RULES, CONTACT_RULES, where
from connectra.gateway.routes.exports import COMPANIES, CONTACTS, EMAILS
from tests.acceptance.server import assert_error
from tests.gateway.conftest import Stack


def _finished(
    gw: httpx.Client, started: httpx.Response, expected: str = "completed", timeout: float = 90
) -> dict[str, Any]:
    assert started.status_code == 202, started.text
    status = started.json()["data"]
    deadline = time.monotonic() + timeout
    while status["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, status
        time.sleep(0.3)
        answer = gw.get(f"/api/v1/exports/{status['job_uuid']}/")
        assert answer.status_code == 200, answer.text
        status = answer.json()["data"]
    assert status["status"] == expected, status
    return dict(status)


def _rows(status: dict[str, Any]) -> list[list[str]]:
    body = httpx.get(status["download_url"]).text  # signed: no key needed
    return list(csv.reader(io.StringIO(body)))


def test_contact_export(stack: Stack, gw: httpx.Client) -> None:
    filters = {"seniority": "senior", "country": "France"}
    status = _finished(gw, gw.post("/api/v1/exports/contacts/", json={"filters": filters}))
    rows = _rows(status)
    with stack.connectra_client() as connectra:
        expected = {
            r["uuid"] for r in connectra.iter_contacts({"where": where(filters, CONTACT_RULES)})
        }
    assert rows[0] == list(CONTACTS.columns)
    assert {row[0] for row in rows[1:]} == expected
    assert status["rows"] == len(expected) == len(rows) - 1
    assert status["service"] == "contact"
    assert status["errors"] == []


def test_email_export_with_chosen_columns(gw: httpx.Client) -> None:
    started = gw.post("/api/v1/exports/emails/", json={"filters": {"email_status": "verified"}})
    rows = _rows(_finished(gw, started))
    assert rows[0] == list(EMAILS.columns)
    assert all("@" in row[3] for row in rows[1:])
    chosen = {"filters": {"seniority": "entry"}, "select_columns": ["email", "seniority"]}
    rows = _rows(_finished(gw, gw.post("/api/v1/exports/emails/", json=chosen)))
    assert rows[0] == ["email", "seniority"]
    assert {row[1] for row in rows[1:]} == {"entry"}


def test_company_export(stack: Stack, gw: httpx.Client) -> None:
    filters = {"country": "France"}
    rows = _rows(_finished(gw, gw.post("/api/v1/exports/companies/", json={"filters": filters})))
    with stack.connectra_client() as connectra:
        expected = connectra.count_companies({"where": where(filters, COMPANY_RULES)})
    assert rows[0] == list(COMPANIES.columns)
    assert len(rows) - 1 == expected > 0


def test_export_errors(gw: httpx.Client) -> None:
    assert_error(gw.post("/api/v1/exports/contacts/", json={"filter": {}}), 400, "VALIDATION_ERROR")
    assert_error(gw.get("/api/v1/exports/00000000-0000-4000-8000-000000000000/"), 404, "NOT_FOUND")


def test_failed_export_reports_its_error(gw: httpx.Client) -> None:
    body = {"select_columns": ["uuid", "no_such_column"]}
    status = _finished(gw, gw.post("/api/v1/exports/companies/", json=body), "failed")
    assert status["download_url"] is None
    assert any("no_such_column" in error for error in status["errors"])
