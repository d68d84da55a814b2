"""Running the API server: one process, or N API worker processes on one port beside one writer.

With ``workers > 1`` the process that was started (the parent) binds the port, runs the
indexer and the job runners — so exactly one process writes the index — and supervises N
uvicorn workers (restarting one that dies; SIGTERM or SIGINT stops them all, then itself).
Each worker opens its own store connections and its own index reader, which follows the
writer's commits; writes in a worker wake the parent's indexer through a datagram (see
:mod:`connectra.workers.wake`); rate limits are shared through Redis when ``REDIS_URL`` is
set, else through a SQLite file in the data dir; metrics add up over every process through
``PROMETHEUS_MULTIPROC_DIR`` (``<data dir>/metrics``, emptied at start, unless it is set).
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connectra.api.app import create_app
from connectra.api.http import BoundedHeadProtocol
from connectra.api.ratelimit import make_rate_limiter
from connectra.errors import ConfigurationError
from connectra.index.base import SearchIndex
from connectra.index.factory import open_index
from connectra.instruments import multiprocess_dir, use_multiprocess_dir
from connectra.logs import configure_logging
from connectra.objects.base import ObjectStore
from connectra.objects.factory import open_objects
from connectra.settings import Settings
from connectra.store.database import Store
from connectra.store.write_failures import WriteFailures
from connectra.workers.indexer import Indexer
from connectra.workers.link import RemoteIndexer
from connectra.workers.runner import Runner
from connectra.workers.setup import make_runner
from connectra.workers.wake import WakeListener, wake_address

RATE_LIMIT_FILE = "ratelimit.db"
INDEXER_STATUS_FILE = "indexer.status"
WRITE_FAILURES_FILE = "write-failure"
METRICS_DIR = "metrics"
WORKER_HEADER = b"x-connectra-worker"
PR_SET_PDEATHSIG = 1  # linux/prctl.h
# The supervisor pings each worker every half second and replaces one that has not answered in
# this time; a worker answers from a thread, so a long search holding the GIL must not count.
WORKER_HEALTHCHECK_SECONDS = 30


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_server(
    settings: Settings,
    store: Store,
    index: SearchIndex,
    objects: ObjectStore,
    api_keys: Sequence[str],
    *,
    with_indexer: bool,
    workers: int,
) -> None:
    """Serve until SIGTERM/SIGINT; the indexer (``with_indexer``) and the job runners (with it,
    or with ``RUN_JOBS_IN_API``) run in this process."""
    shared = workers > 1
    if shared:
        _share_metrics(settings)
    status = settings.connectra_data_dir / INDEXER_STATUS_FILE if shared else None
    if shared:
        store.write_failures = WriteFailures(settings.connectra_data_dir / WRITE_FAILURES_FILE)
        store.write_failures.reset()
    indexer = Indexer(store, index, status_file=status) if with_indexer else None
    # Jobs' writes are bulk imports: they let the indexer gather them (not urgent).
    wake = functools.partial(indexer.wake, urgent=False) if indexer is not None else (lambda: None)
    runners = [
        make_runner(kind, settings, store, index, objects, wake)
        for kind in ("first_time", "retry")
        if with_indexer or settings.run_jobs_in_api
    ]
    listener = (
        WakeListener(wake_address(settings.database_url()), indexer.wake)
        if shared and indexer is not None
        else None
    )
    for worker in (indexer, *runners):
        if worker is not None:
            worker.start()
    try:
        if shared:
            _supervise(settings, WorkerApp(settings, tuple(api_keys), with_indexer), workers)
        else:
            limiter = make_rate_limiter(settings.max_requests_per_minute, settings.redis_url)
            app = create_app(settings, store, index, api_keys=api_keys, limiter=limiter,
                             indexer=indexer, objects=objects)  # fmt: skip
            _serve_here(settings, app)
    finally:
        if listener is not None:
            listener.close()
        _stop(runners, indexer)


def _share_metrics(settings: Settings) -> None:
    """One scrape of any worker adds up every process (before anything is recorded here)."""
    if multiprocess_dir() is None:
        directory = settings.connectra_data_dir / METRICS_DIR
        shutil.rmtree(directory, ignore_errors=True)  # a previous run's counters
        use_multiprocess_dir(directory)


def _stop(runners: list[Runner], indexer: Indexer | None) -> None:
    for runner in runners:
        runner.stop()
    if indexer is not None:
        indexer.stop()


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    """What every API process runs with, one or several."""
    return {
        "host": settings.connectra_host,
        "port": settings.connectra_port,
        "access_log": False,  # connectra.api.request_log replaces it
        "log_level": "warning",
        "log_config": None,  # uvicorn's own records go through our handler and format
        "http": BoundedHeadProtocol,  # request heads over the limit refused as they arrive
        # Forwarded headers are believed from the configured proxies only (none by default).
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": settings.trusted_proxies or None,
    }


def _serve_here(settings: Settings, app: ASGIApp) -> None:
    import uvicorn

    uvicorn.run(app, **_uvicorn_options(settings))


def _supervise(settings: Settings, factory: WorkerApp, workers: int) -> None:
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(factory, factory=True, workers=workers,
                            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
                            **_uvicorn_options(settings))  # fmt: skip
    sock = config.bind_socket()
    supervisor = Multiprocess(config, sockets=[sock])
    try:
        supervisor.run()
    finally:
        sock.close()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        raise ConfigurationError("an API worker failed to start (its error is logged above)")


@dataclass(frozen=True)
class WorkerApp:
    """The app factory uvicorn calls in each worker process (pickled into it at spawn)."""

    settings: Settings
    api_keys: tuple[str, ...]
    indexer_in_parent: bool
    parent: int = field(default_factory=os.getpid)

    def __call__(self) -> ASGIApp:
        _die_with(self.parent)
        settings = self.settings
        configure_logging(settings.log_style())  # a spawned process starts without it
        store = Store.from_url(settings.database_url(), echo=settings.pg_db_debug,
                               pool=settings.pool_limits())  # fmt: skip
        data_dir = settings.connectra_data_dir
        store.write_failures = WriteFailures(data_dir / WRITE_FAILURES_FILE)
        indexer = None
        if self.indexer_in_parent:
            address = wake_address(settings.database_url())
            indexer = RemoteIndexer(store, data_dir / INDEXER_STATUS_FILE, address)
        limiter = make_rate_limiter(
            settings.max_requests_per_minute, settings.redis_url, data_dir / RATE_LIMIT_FILE
        )
        app = create_app(
            settings,
            store,
            open_index(settings.search_url()),
            api_keys=self.api_keys,
            limiter=limiter,
            indexer=indexer,
            objects=open_objects(settings, settings.public_url()),
        )
        return WorkerHeader(app)


def _die_with(parent: int) -> None:
    """Linux: have the kernel send this worker SIGTERM when its supervisor dies, even by SIGKILL
    (a graceful stop goes through the supervisor; this is for the other deaths)."""
    if sys.platform != "linux":
        return
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


class WorkerHeader:
    """Names the worker that answered (``X-Connectra-Worker: <pid>``) so that clients and tests
    can tell the workers apart; a process id says nothing about the data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (WORKER_HEADER, str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), self.header]}
            await send(message)

        await self.app(scope, receive, send_named)
