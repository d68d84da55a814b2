"""Prometheus instruments every layer records into (requests, indexer batches, job rows).

prometheus-client picks single- or multi-process storage when it is first imported, from
``PROMETHEUS_MULTIPROC_DIR``; :func:`use_multiprocess_dir` switches a process that imported it
already, as long as nothing was recorded yet. The instruments are created on first use, so that
switch can still happen after this module is imported (the CLI imports every worker up front).
State read at scrape time (index documents, outbox lag, job counts, pool usage) is no instrument:
``connectra.api.metrics`` collects it when ``/metrics`` is asked.
"""

from __future__ import annotations

import atexit
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import Counter, Gauge, Histogram, multiprocess, values

from connectra.errors import ConfigurationError

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# Seconds: from a cached read (~1 ms) to a slow export page or a stalled cluster (30 s).
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


@dataclass(frozen=True, slots=True)
class Instruments:
    requests: Counter
    request_seconds: Histogram
    rate_limited: Counter
    indexer_batch_seconds: Histogram
    indexer_failures: Counter
    indexer_entries: Counter
    job_rows: Counter
    pool_connections: Gauge


@functools.cache
def instruments() -> Instruments:
    """The process's instruments, created once (on the default registry)."""
    if multiprocess_dir() is not None:
        # Its live gauges (the pool) leave the sum when the process ends.
        atexit.register(multiprocess.mark_process_dead, os.getpid())
    route = ("method", "route", "status")
    return Instruments(
        requests=Counter("connectra_http_requests", "HTTP requests answered.", route),
        request_seconds=Histogram(
            "connectra_http_request_duration_seconds",
            "Time from request to the last byte of the answer.",
            route,
            buckets=LATENCY_BUCKETS,
        ),
        rate_limited=Counter(
            "connectra_rate_limited",
            "Requests refused with 429, by key id (a hash of the key; 'anonymous' without one).",
            ("key_id",),
        ),
        indexer_batch_seconds=Histogram(
            "connectra_indexer_batch_duration_seconds",
            "Time to apply one outbox batch to the index.",
            ("outcome",),
            buckets=LATENCY_BUCKETS,
        ),
        indexer_failures=Counter(
            "connectra_indexer_batch_failures", "Outbox batches the index refused (retried)."
        ),
        indexer_entries=Counter(
            "connectra_indexer_entries", "Outbox entries applied to the index."
        ),
        job_rows=Counter(
            "connectra_job_rows_processed", "CSV rows imported or exported.", ("job_type",)
        ),
        pool_connections=Gauge(
            "connectra_store_pool_connections",
            "Store connections of the API processes: pool size, checked out, idle, overflow.",
            ("state",),
            multiprocess_mode="livesum",
        ),
    )


def multiprocess_dir() -> Path | None:
    """The directory shared by the processes whose metrics one scrape adds up, if any."""
    value = os.environ.get(MULTIPROC_ENV, "")
    return Path(value) if value else None


def use_multiprocess_dir(directory: Path) -> None:
    """Record into ``directory`` from now on, and so do processes started from this one.

    Must run before anything is recorded: values already held in memory could not be moved.
    """
    if instruments.cache_info().currsize:
        raise ConfigurationError(f"{MULTIPROC_ENV} must be set before any metric is recorded")
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
