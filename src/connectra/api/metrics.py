"""``GET /metrics``: the process's instruments (all processes' in multi-process mode) and the
state read at scrape time (store rows, index documents, outbox lag, jobs, the store's pool)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from connectra.index.base import SearchIndex
from connectra.instruments import instruments, multiprocess_dir
from connectra.services import health
from connectra.store.database import Store

METRICS_PATH = "/metrics"
log = logging.getLogger(__name__)


class StateCollector(Collector):
    """Gauges read from the store and the index when scraped (shared state: any process may
    report it). A part that fails is left out and its ``*_up`` gauge says 0."""

    def __init__(self, store: Store, index: SearchIndex) -> None:
        self.store = store
        self.index = index

    def collect(self) -> Iterator[Metric]:
        yield from self._store()
        yield from self._index()

    def _store(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("connectra_store_up", "Whether the store answered this scrape.")
        try:
            rows = health.store_counts(self.store)
            lag = health.outbox_state(self.store)
            jobs = health.job_counts(self.store)
        except Exception as exc:  # a scrape reports a broken store, it does not fail
            log.warning("metrics: store state unavailable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield _labelled("connectra_store_rows", "Live rows in the store.", "entity", rows)
        yield GaugeMetricFamily(
            "connectra_outbox_entries", "Index outbox entries not applied yet.", value=lag.pending
        )
        yield GaugeMetricFamily(
            "connectra_outbox_oldest_age_seconds",
            "Age of the oldest outbox entry (0 when empty).",
            value=lag.oldest_age_seconds,
        )
        family = GaugeMetricFamily(
            "connectra_jobs", "Jobs by type and status.", labels=("job_type", "status")
        )
        for kind, status, count in jobs:
            family.add_metric([kind, status], count)
        yield family

    def _index(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("connectra_index_up", "Whether the index answered this scrape.")
        try:
            documents = health.index_counts(self.index)
        except Exception as exc:
            log.warning("metrics: index state unavailable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield _labelled(
            "connectra_index_documents", "Documents in the search index.", "entity", documents
        )


def _labelled(name: str, doc: str, label: str, counts: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=(label,))
    for value, count in counts.items():
        family.add_metric([value], count)
    return family


def record_pool(store: Store) -> None:
    """This process's store pool, into the gauge every process of a scrape adds up."""
    gauge = instruments().pool_connections
    for state, count in store.pool_usage().items():
        gauge.labels(state).set(count)


def exposition(store: Store, index: SearchIndex) -> bytes:
    """The text a scrape gets."""
    record_pool(store)
    directory = multiprocess_dir()
    if directory is None:
        recorded = generate_latest(REGISTRY)
    else:
        combined = CollectorRegistry()
        MultiProcessCollector(combined, path=str(directory))  # type: ignore[no-untyped-call]
        recorded = generate_latest(combined)
    state = CollectorRegistry()
    state.register(StateCollector(store, index))
    return recorded + generate_latest(state)


class MetricsEndpoint:
    """Answers ``GET /metrics``. ``create_app`` places it outside the API-key check when
    ``METRICS_PUBLIC`` is set, inside it otherwise; either way requests to it are measured."""

    route = Route(METRICS_PATH, endpoint=lambda _request: Response())  # the request's label

    def __init__(self, app: ASGIApp, *, store: Store, index: SearchIndex) -> None:
        self.app = app
        self.store = store
        self.index = index

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = scope["type"] == "http" and scope["method"] in ("GET", "HEAD")
        if not wanted or scope["path"] != METRICS_PATH:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route
        body = await run_in_threadpool(exposition, self.store, self.index)
        await Response(body, media_type=CONTENT_TYPE_LATEST)(scope, receive, send)
