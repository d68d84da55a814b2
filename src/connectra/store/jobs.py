"""Repository of the jobs table: the queue, its atomic claims and leases.

A claim is one statement: PostgreSQL picks the row with ``FOR UPDATE SKIP LOCKED`` so
concurrent runners never block on or share a job; SQLite runs the same conditional UPDATE inside
its write lock. Every later change names the lease owner, so a worker that lost its lease (it
stalled past the expiry and another runner took the job) cannot overwrite the new owner's work.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from connectra.store.tables import jobs

PUBLIC_COLUMNS = (
    "id", "uuid", "job_type", "data", "status", "job_response", "retry_count",
    "retry_interval", "run_after", "created_at", "updated_at",
)  # fmt: skip

OPEN = "open"
IN_QUEUE = "in_queue"
PROCESSING = "processing"
COMPLETED = "completed"
FAILED = "failed"
RETRY_IN_QUEUED = "retry_in_queued"
ACTIVE = (IN_QUEUE, PROCESSING, RETRY_IN_QUEUED)
CHANNEL = "connectra_jobs"  # PostgreSQL NOTIFY channel of new and re-triggered jobs


def _row(row: Any) -> dict[str, Any]:
    return {str(key): value for key, value in row._mapping.items()}


def create(
    conn: sa.Connection, job_type: str, data: Any, retry_count: int, now: datetime
) -> dict[str, Any]:
    stmt = (
        sa.insert(jobs)
        .values(
            uuid=str(uuid_lib.uuid4()),
            job_type=job_type,
            data=data,
            status=OPEN,
            job_response={},
            retry_count=retry_count,
            retry_interval=30,
            created_at=now,
            updated_at=now,
        )
        .returning(*jobs.c)
    )
    row = _row(conn.execute(stmt).one())
    notify(conn)
    return row


def notify(conn: sa.Connection) -> None:
    """Tell runners in other processes that a job is open (PostgreSQL ``NOTIFY``, delivered
    when the transaction commits; other stores are polled, see ``store.job_signals``)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_notify(CHANNEL, "")))


def get(conn: sa.Connection, uuid: str) -> dict[str, Any] | None:
    found = conn.execute(sa.select(jobs).where(jobs.c.uuid == uuid)).first()
    return None if found is None else _row(found)


def list_jobs(
    conn: sa.Connection, job_type: str | None, statuses: Sequence[str], limit: int
) -> list[dict[str, Any]]:
    """Newest first (created_at, then id)."""
    stmt = sa.select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.id.desc()).limit(limit)
    if job_type:
        stmt = stmt.where(jobs.c.job_type == job_type)
    if statuses:
        stmt = stmt.where(jobs.c.status.in_(list(statuses)))
    return [_row(row) for row in conn.execute(stmt)]


def retrigger(
    conn: sa.Connection, uuid: str, data: Any, retry_count: int, now: datetime
) -> dict[str, Any] | None:
    """A failed or completed job back to ``open`` (None when it is in another state).

    Its progress and results are cleared so it runs from the start; ``runtime_errors`` stay.
    """
    found = conn.execute(
        sa.select(jobs.c.job_response)
        .where(jobs.c.uuid == uuid, jobs.c.status.in_((FAILED, COMPLETED)))
        .with_for_update()
    ).first()
    if found is None:
        return None
    history = (found.job_response or {}).get("runtime_errors")
    values: dict[str, Any] = {
        "status": OPEN,
        "retry_count": retry_count,
        "run_after": None,
        "job_response": {"runtime_errors": history} if history else {},
        "updated_at": now,
    }
    if data is not None:
        values["data"] = data
    stmt = (
        sa.update(jobs)
        .where(jobs.c.uuid == uuid, jobs.c.status.in_((FAILED, COMPLETED)))
        .values(**values)
        .returning(*jobs.c)
    )
    updated = conn.execute(stmt).first()
    if updated is None:
        return None
    notify(conn)
    return _row(updated)


def _claim(
    conn: sa.Connection,
    eligible: sa.ColumnElement[bool],
    values: dict[str, Any],
) -> dict[str, Any] | None:
    pick = sa.select(jobs.c.id).where(eligible).order_by(jobs.c.id).limit(1)
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        sa.update(jobs)
        .where(jobs.c.id == pick.scalar_subquery(), eligible)
        .values(**values)
        .returning(*jobs.c)
    )
    found = conn.execute(stmt).first()
    return None if found is None else _row(found)


def _lease(owner: str, now: datetime, lease: timedelta) -> dict[str, Any]:
    return {"lease_owner": owner, "lease_expires_at": now + lease, "updated_at": now}


def _expired(now: datetime) -> sa.ColumnElement[bool]:
    """Claimed or running jobs whose worker stopped renewing its lease (it died)."""
    return sa.and_(jobs.c.status.in_(ACTIVE), jobs.c.lease_expires_at < now)


def _first_time_eligible(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(jobs.c.status == OPEN, _expired(now))


def claimable(conn: sa.Connection, now: datetime) -> bool:
    """Whether a first_time runner would find a job to claim (a cheap, indexed look)."""
    pick = sa.select(jobs.c.id).where(_first_time_eligible(now)).limit(1)
    return conn.execute(pick).first() is not None


def claim_first_time(
    conn: sa.Connection, owner: str, now: datetime, lease: timedelta, uuid: str | None = None
) -> dict[str, Any] | None:
    """An open job (that one, when ``uuid`` is given), or one whose worker died, now held by
    ``owner`` with status in_queue."""
    eligible = _first_time_eligible(now)
    if uuid is not None:
        eligible = sa.and_(jobs.c.uuid == uuid, eligible)
    return _claim(conn, eligible, {"status": IN_QUEUE, **_lease(owner, now, lease)})


def claim_retry(
    conn: sa.Connection, owner: str, now: datetime, lease: timedelta
) -> dict[str, Any] | None:
    """A failed job with retries left whose ``run_after`` has come; one retry is used up."""
    eligible = sa.and_(
        jobs.c.status == FAILED,
        jobs.c.retry_count > 0,
        sa.or_(jobs.c.run_after.is_(None), jobs.c.run_after <= now),
    )
    values = {
        "status": RETRY_IN_QUEUED,
        "retry_count": jobs.c.retry_count - 1,
        **_lease(owner, now, lease),
    }
    return _claim(conn, eligible, values)


def _owned(uuid: str, owner: str) -> sa.ColumnElement[bool]:
    return sa.and_(jobs.c.uuid == uuid, jobs.c.lease_owner == owner)


def update_owned(conn: sa.Connection, uuid: str, owner: str, **values: Any) -> bool:
    """Change a job this worker still holds; False when the lease was lost."""
    result = conn.execute(sa.update(jobs).where(_owned(uuid, owner)).values(**values))
    return result.rowcount == 1


def finish(
    conn: sa.Connection, uuid: str, owner: str, status: str, now: datetime, **values: Any
) -> bool:
    """Set a final (or released) status and drop the lease."""
    return update_owned(
        conn,
        uuid,
        owner,
        status=status,
        lease_owner=None,
        lease_expires_at=None,
        updated_at=now,
        **values,
    )


def counts(conn: sa.Connection) -> list[tuple[str, str, int]]:
    """(job_type, status, number of jobs) for every pair that has jobs."""
    stmt = sa.select(jobs.c.job_type, jobs.c.status, sa.func.count()).group_by(
        jobs.c.job_type, jobs.c.status
    )
    return [(str(kind), str(status), int(n)) for kind, status, n in conn.execute(stmt)]
