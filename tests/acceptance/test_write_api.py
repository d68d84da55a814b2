"""The write API over real HTTP on SQLite and PostgreSQL: status codes, visibility, outages."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from connectra.model.identity import company_uuid
from tests.acceptance.conftest import Seeded
from tests.acceptance.server import Server, running_server

PERSON = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "email": "grace@navy.mil",
    "title": "Rear Admiral Engineer",
    "linkedin_url": "https://www.linkedin.com/in/gracehopper",
}


def _wait_for(server: Server, body: dict[str, Any], count: int, timeout: float = 5.0) -> float:
    """Seconds until the search answers ``count`` hits (polling, as the contract's tests do)."""
    start = time.monotonic()
    with server.client() as client:
        while time.monotonic() - start < timeout:
            if client.post("/contacts/count", json=body).json()["count"] == count:
                return time.monotonic() - start
            time.sleep(0.02)
    raise AssertionError(f"search did not reach {count} hits for {body} within {timeout}s")


def _text_query(field: str, text: str) -> dict[str, Any]:
    cond = {"text_value": text, "filter_key": field, "search_type": "shuffle"}
    return {"where": {"text_matches": {"must": [cond]}}}


def _by_email(email: str) -> dict[str, Any]:
    return {"where": {"keyword_match": {"must": {"email": email}}}}


def test_contact_lifecycle_status_codes(seeded: Seeded) -> None:
    server = seeded.server
    with server.client() as client:
        created = client.post("/contacts/create", json=PERSON)
        assert created.status_code == 201, created.text
        uuid = created.json()["data"]["uuid"]
        assert _wait_for(server, _by_email("grace@navy.mil"), 1) < 5
        duplicate = client.post("/contacts/create", json=PERSON)
        assert (duplicate.status_code, duplicate.json()["error_code"]) == (409, "CONFLICT")
        bad = client.post("/contacts/create", json={**PERSON, "email": "nope"})
        assert bad.status_code == 400
        assert bad.json()["details"]["path"] == "email"
        put = client.put(f"/contacts/{uuid}", json={"title": "Commodore"})
        assert (put.status_code, put.json()["data"]["title"]) == (200, "Commodore")
        assert client.put(f"/contacts/{uuid}", json={"id": 1}).status_code == 400
        assert client.put(f"/contacts/{uuid}", json=[1]).status_code == 400
        missing = "6aa7dce4-330b-52d2-b4c5-605eb4e65a23"
        assert client.put(f"/contacts/{missing}", json={"title": "x"}).status_code == 404
        upsert = client.post(
            "/contacts/upsert", json={"email": "GRACE@navy.mil", "city": "Arlington"}
        )
        assert (upsert.status_code, upsert.json()["is_new"]) == (200, False)
        fresh = client.post("/contacts/upsert", json={"email": "ada@lovelace.org"})
        assert (fresh.status_code, fresh.json()["is_new"]) == (201, True)
        deleted = client.delete(f"/contacts/{uuid}")
        assert deleted.json() == {"success": True, "message": "Contact deleted successfully"}
        assert client.delete(f"/contacts/{uuid}").status_code == 404
        assert client.get(f"/contacts/{uuid}").status_code == 404
    _wait_for(server, _by_email("grace@navy.mil"), 0)


def test_bulk_and_batch_upsert(seeded: Seeded) -> None:
    people = [
        {"first_name": f"Bulk{n}", "last_name": "Person", "email": f"bulk{n}@x.io"}
        for n in range(30)
    ]
    with seeded.server.client() as client:
        ok = client.post("/contacts/bulk", json={"contacts": people})
        assert ok.status_code == 200
        assert ok.json()["data"] | {"errors": []} == {
            "total_count": 30, "success_count": 30, "error_count": 0, "created": 30,
            "updated": 0, "errors": [],
        }  # fmt: skip
        partial = client.post("/contacts/bulk", json={"contacts": [people[0], {"email": "x"}]})
        assert partial.status_code == 207
        body = partial.json()
        assert body["success"] is False
        assert body["data"]["updated"] == 1
        assert body["data"]["errors"][0]["index"] == 1
        assert (
            client.post("/contacts/bulk", json={"contacts": []})
            .json()["error"]
            .startswith("ERR_EMPTY_PAYLOAD")
        )
        too_many = client.post("/companies/bulk", json={"companies": [{"name": "A"}] * 1001})
        assert too_many.json()["error"].startswith("ERR_BATCH_TOO_LARGE")
        batch = client.post("/companies/batch-upsert", json=[{"name": "Batch Co"}])
        assert (batch.status_code, batch.json()["data"]["created"]) == (200, 1)
        over = client.post("/companies/batch-upsert", json=[{"name": "B"}] * 101)
        assert over.json()["error"].startswith("ERR_PAGE_SIZE_EXCEEDED")
    _wait_for(seeded.server, _text_query("first_name", "bulk29"), 1)


def test_renaming_a_company_changes_its_contacts_search(seeded: Seeded) -> None:
    with seeded.server.client() as client:
        company = client.post("/companies/create", json={"name": "Initech Widgets"}).json()["data"]
        for n in range(3):
            person = {**PERSON, "email": f"p{n}@initech.io", "first_name": f"P{n}",
                      "company_id": company["uuid"]}  # fmt: skip
            assert client.post("/contacts/create", json=person).status_code == 201
        by_name = _text_query("company_name", "initrode")
        _wait_for(seeded.server, by_name, 0)
        renamed = client.put(f"/companies/{company['uuid']}", json={"name": "Initrode"})
        assert renamed.status_code == 200
    _wait_for(seeded.server, by_name, 3)


def test_every_write_becomes_searchable(seeded: Seeded) -> None:
    """Each write is found by search within the contract's 5 s polling window (the p50/p95 lag
    is measured by benchmarks/write_load.py, not asserted here: tests do not time)."""
    with seeded.server.client() as client:
        for n in range(20):
            email = f"lag{n}@x.io"
            person = {**PERSON, "email": email, "first_name": f"Lag{n}"}
            assert client.post("/contacts/create", json=person).status_code == 201
            _wait_for(seeded.server, _by_email(email), 1)


def test_a_killed_writer_converges_after_restart(tmp_path: Path) -> None:
    """Rows committed by an API process with no indexer, which is then SIGKILLed, are in the
    outbox; the next server indexes them."""
    data = tmp_path / "data"
    with running_server(data, {}, command="api") as api:
        with api.client() as client:
            result = client.post("/companies/bulk", json={"companies": [
                {"name": f"Killed {n}"} for n in range(25)]})  # fmt: skip
            assert result.json()["data"]["created"] == 25
            assert client.post("/companies/count", json={}).json()["count"] == 0
        os.kill(api.process.pid, signal.SIGKILL)
        api.process.wait()
    with running_server(data, {}) as server:
        server.wait_indexed()
        with server.client() as client:
            assert client.post("/companies/count", json={}).json()["count"] == 25
            uuid = company_uuid("Killed 7", "")
            assert client.get(f"/companies/{uuid}").json()["data"]["name"] == "Killed 7"
