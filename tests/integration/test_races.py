"""Known races, closed: concurrent first-time upserts of one record, forced to collide."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from connectra.model.fields import COMPANY
from connectra.services import writes
from connectra.store import entities
from connectra.store.database import Store
from tests.conftest import create_database, drop_database, pg_url

WAIT_S = 30.0
FIELDS = {"city": "Austin", "country": "US", "address": "1 Main St", "industries": ["saas"]}


@pytest.fixture
def pg_store(pg_admin: sa.Engine, pg_template: str) -> Iterator[Store]:
    name = create_database(pg_admin, template=pg_template)
    store = Store.from_url(pg_url(name))
    yield store
    store.dispose()
    drop_database(pg_admin, name)


def _upsert_all(store: Store, bodies: list[dict[str, Any]]) -> list[bool]:
    """Upsert each body in its own thread; the is_new flags."""
    results: list[bool] = []
    errors: list[BaseException] = []

    def work(body: dict[str, Any]) -> None:
        try:
            results.append(writes.upsert(store, COMPANY, body)[1])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    return_after = time.monotonic() + WAIT_S
    for thread in threads:
        thread.join(timeout=max(0.1, return_after - time.monotonic()))
    assert errors == []
    return results


def _stored(store: Store, uuid: str) -> dict[str, Any]:
    with store.read() as conn:
        return entities.fetch_by_uuids(conn, COMPANY, [uuid])[uuid]


def test_colliding_first_time_upserts_one_is_new_and_no_field_is_lost(pg_store: Store) -> None:
    """Both requests read "absent" before either inserts (a table lock holds their inserts
    back until both wait on it): exactly one creates, the other merges into its row."""
    bodies = [{"name": "Race Co", name: value} for name, value in FIELDS.items()]
    blocker = pg_store.engine.connect()
    transaction = blocker.begin()
    blocker.execute(sa.text("LOCK TABLE companies IN SHARE ROW EXCLUSIVE MODE"))
    results: list[bool] = []
    runner = threading.Thread(target=lambda: results.extend(_upsert_all(pg_store, bodies)))
    runner.start()
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + WAIT_S
    # pg_stat_activity is a snapshot per transaction: clear it before each look.
    while blocker.execute(waiting).scalar_one() < len(bodies):
        blocker.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
        assert time.monotonic() < deadline, "the upserts never reached their insert"
        time.sleep(0.02)
    transaction.commit()
    blocker.close()
    runner.join(timeout=WAIT_S)
    assert sorted(results) == [False] * (len(bodies) - 1) + [True]
    uuid = writes.upsert(pg_store, COMPANY, {"name": "Race Co"})[0]["uuid"]
    stored = _stored(pg_store, uuid)
    for name, value in FIELDS.items():
        assert stored[name] == value, name


@pytest.mark.parametrize("store", ["sqlite", "postgresql"], indirect=True)
def test_concurrent_upserts_of_one_field_last_writer_wins(store: Store) -> None:
    bodies = [{"name": "Same Co", "city": f"City {n}"} for n in range(6)]
    results = _upsert_all(store, bodies)
    assert sorted(results) == [False] * 5 + [True]
    uuid = writes.upsert(store, COMPANY, {"name": "Same Co"})[0]["uuid"]
    assert _stored(store, uuid)["city"] in {body["city"] for body in bodies}
