"""Runners wired to the engines: what ``serve`` and ``connectra jobs ...`` start."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from connectra.index.base import SearchIndex
from connectra.objects.base import ObjectStore
from connectra.settings import Settings
from connectra.store.database import Store
from connectra.workers.context import Handler, JobContext
from connectra.workers.csv_export import run_export
from connectra.workers.csv_import import run_import
from connectra.workers.runner import Kind, Runner

HANDLERS: dict[str, Handler] = {"insert_csv_file": run_import, "export_csv_file": run_export}


def make_runner(
    kind: Kind,
    settings: Settings,
    store: Store,
    index: SearchIndex,
    objects: ObjectStore,
    on_write: Callable[[], None] = lambda: None,
) -> Runner:
    """``first_time`` gets PARALLEL_JOBS workers, ``retry`` one (CONTRACT.md §f.4)."""

    def context(job: dict[str, Any], owner: str, stopping: threading.Event) -> JobContext:
        return JobContext(job, owner, store, index, objects, settings, stopping, on_write)

    return Runner(
        kind,
        store,
        HANDLERS,
        context,
        workers=settings.parallel_jobs if kind == "first_time" else 1,
        tick_seconds=settings.ticker_seconds(),
        lease_seconds=settings.connectra_job_lease_seconds,
    )
