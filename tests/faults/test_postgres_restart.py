"""PostgreSQL restarted under a stream of writes (a private cluster, stopped and started here).

Every write the API acknowledged is in the database afterwards and reaches the index; requests
during the outage are answered with a 503 envelope; the API recovers without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest

from tests.acceptance.server import Server, running_server
from tests.faults.postgres import PrivatePostgres, private_postgres

ACKED_BEFORE = 20  # acknowledged writes before the database goes away
ACKED_AFTER = 20  # and after it is back
OUTAGE_S = 3.0
RECOVERY_TIMEOUT_S = 90.0
PACE_S = 0.02  # between two requests of the stream: a steady stream, not a flood
CREATED = 201


@dataclass
class Stream:
    """What a writer saw: acknowledged uuids, and every other answer with the phase it came in
    (``during`` from the moment the database is being stopped)."""

    acked: list[str] = field(default_factory=list)
    refused: list[tuple[str, httpx.Response]] = field(default_factory=list)
    phase: str = "before"
    stop: threading.Event = field(default_factory=threading.Event)

    def acked_in(self, count: int, timeout: float) -> None:
        target = len(self.acked) + count
        deadline = time.monotonic() + timeout
        while len(self.acked) < target:
            assert time.monotonic() < deadline, f"{len(self.acked)} of {target} writes acked"
            time.sleep(0.05)


def _write_stream(server: Server, stream: Stream) -> None:
    with server.client(timeout=30) as client:
        n = 0
        while not stream.stop.is_set():
            n += 1
            body = {"first_name": f"Ada{n}", "last_name": "Restart", "email": f"ada{n}@pg.io"}
            try:
                response = client.post("/contacts/create", json=body)
            except httpx.TransportError:
                continue  # no answer is no acknowledgement
            if response.status_code == CREATED:
                stream.acked.append(response.json()["data"]["uuid"])
            else:
                stream.refused.append((stream.phase, response))
            time.sleep(PACE_S)


def _read(server: Server, uuid: str) -> httpx.Response:
    with server.client(timeout=30) as client:
        return client.get(f"/contacts/{uuid}")


@dataclass
class Outage:
    stream: Stream
    during_reads: list[httpx.Response]
    stored: set[str]
    indexed: int


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    with private_postgres() as pg:
        data_dir = tmp_path_factory.mktemp("pg-restart") / "data"
        with running_server(data_dir, {"CONNECTRA_DATABASE_URL": pg.url}) as server:
            yield _run_outage(server, pg)


def _run_outage(server: Server, pg: PrivatePostgres) -> Outage:
    stream = Stream()
    writer = threading.Thread(target=_write_stream, args=(server, stream), daemon=True)
    writer.start()
    try:
        stream.acked_in(ACKED_BEFORE, RECOVERY_TIMEOUT_S)
        known = stream.acked[0]
        stream.phase = "during"
        pg.stop()
        reads = [_read(server, known)]
        time.sleep(OUTAGE_S)
        reads.append(_read(server, known))
        pg.start()
        stream.acked_in(ACKED_AFTER, RECOVERY_TIMEOUT_S)
    finally:
        stream.stop.set()
        writer.join(timeout=60)
    with psycopg.connect(pg.url.replace("+psycopg", "")) as conn:
        rows = conn.execute("SELECT uuid FROM contacts WHERE deleted_at IS NULL").fetchall()
    server.wait_indexed(timeout=RECOVERY_TIMEOUT_S)
    with server.client() as client:
        indexed = client.post("/contacts/count", json={}).json()["count"]
    return Outage(stream, reads, {str(row[0]) for row in rows}, indexed)


def test_every_acknowledged_write_is_kept(outage: Outage) -> None:
    acked = outage.stream.acked
    assert len(acked) >= ACKED_BEFORE + ACKED_AFTER
    assert len(set(acked)) == len(acked)
    assert set(acked) <= outage.stored
    assert outage.indexed == len(outage.stored)  # and the index converged on the store


def test_the_api_recovers_without_a_restart(outage: Outage) -> None:
    assert outage.stream.refused, "the outage was never seen: the test proves nothing"
    assert not [r for phase, r in outage.stream.refused if phase == "before"]
    # acked_in(ACKED_AFTER) returned: writes were acknowledged again after the restart.


def _envelope(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert body["success"] is False
    return dict(body)


def test_requests_during_the_outage_get_a_503_envelope(outage: Outage) -> None:
    for response in [r for _phase, r in outage.stream.refused] + outage.during_reads:
        assert response.status_code == 503, response.text
        assert _envelope(response)["error_code"] == "DATABASE_UNAVAILABLE"


def test_no_answer_during_the_outage_leaks_a_dsn_or_a_trace(outage: Outage) -> None:
    for _phase, response in outage.stream.refused:
        assert "postgresql" not in response.text.lower()
        assert "Traceback" not in response.text
