"""The ``connectra`` command line: serve and scale-out processes, migrations, data, jobs, bench."""

from __future__ import annotations

import shlex
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson

from connectra import console
from connectra.errors import ConnectraError
from connectra.index.base import SearchIndex
from connectra.index.factory import open_index
from connectra.limits import VERIFY_PAGE_SIZE
from connectra.logs import configure_logging
from connectra.model.fake import DemoData
from connectra.model.fields import CONTACT, entity_for_service
from connectra.objects.base import ObjectStore
from connectra.objects.factory import open_objects
from connectra.services import batch_upsert as batch_service
from connectra.services import jobs as job_service
from connectra.services import search as search_service
from connectra.services import transfers
from connectra.services import verify as verify_service
from connectra.settings import Settings, load_settings
from connectra.store import migrate
from connectra.store.database import Store
from connectra.store.outbox import Priority
from connectra.workers.indexer import Indexer, discard_outdated, rebuild_outdated
from connectra.workers.indexer import reindex as rebuild
from connectra.workers.memory import MemoryLogger
from connectra.workers.presence import IndexerPresence
from connectra.workers.runner import Kind
from connectra.workers.setup import make_runner

FC = TypeVar("FC", bound=Callable[..., Any])
INDEX_WAIT_POLL_SECONDS = 0.2


def _env_option(*decls: str, envvar: str, **kwargs: Any) -> Callable[[FC], FC]:
    return click.option(*decls, envvar=envvar, show_envvar=True, **kwargs)


def _store_options(func: FC) -> FC:
    func = _env_option(
        "--database-url",
        envvar="CONNECTRA_DATABASE_URL",
        default=None,
        help="SQLAlchemy URL of the store; default sqlite:///<data-dir>/connectra.db "
        "(PG_DB_CONNECTION or PG_DB_HOST/PORT/DATABASE/USERNAME/PASSWORD also work).",
    )(func)
    return _env_option(
        "--data-dir",
        envvar="CONNECTRA_DATA_DIR",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Directory of the embedded store, index, objects and generated API key [./data].",
    )(func)


def _settings(data_dir: Path | None, database_url: str | None, **extra: Any) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if data_dir is not None:
        overrides["connectra_data_dir"] = data_dir
    if database_url:
        overrides["connectra_database_url"] = database_url
    return load_settings(**overrides)


@dataclass
class Engines:
    store: Store
    index: SearchIndex
    objects: ObjectStore

    def close(self) -> None:
        self.index.close()
        self.store.dispose()


def _engines(settings: Settings) -> Engines:
    store = _migrated_store(settings)
    objects = open_objects(settings, settings.public_url())
    return Engines(store, open_index(settings.search_url()), objects)


def _migrated_store(settings: Settings) -> Store:
    store = Store.from_url(
        settings.database_url(), echo=settings.pg_db_debug, pool=settings.pool_limits()
    )
    migrate.upgrade(store.engine)
    return store


def _rebuild_outdated(store: Store, index: SearchIndex) -> None:
    for entity, written in rebuild_outdated(store, index):
        click.echo(f"rebuilt the outdated {entity.plural} index: {written} documents", err=True)


@contextmanager
def _operated(settings: Settings, store: Store, index: SearchIndex) -> Iterator[None]:
    """A long-running process: logs in LOG_FORMAT, and the memory log when it is on."""
    configure_logging(settings.log_style())
    interval = settings.memory_log_seconds()
    memory = MemoryLogger(store, index, interval) if interval > 0 else None
    if memory is not None:
        memory.start()
    try:
        yield
    finally:
        if memory is not None:
            memory.stop()


@click.group()
@click.version_option(package_name="connectra")
def cli() -> None:
    """Connectra: B2B contact and company data service."""


@cli.command("migrate")
@_store_options
@_env_option(
    "--revision",
    envvar="CONNECTRA_MIGRATE_REVISION",
    default="head",
    show_default=True,
    help="Target revision.",
)
@_env_option(
    "--down",
    envvar="CONNECTRA_MIGRATE_DOWN",
    is_flag=True,
    help="Downgrade to --revision (default: base).",
)
def migrate_cmd(data_dir: Path | None, database_url: str | None, revision: str, down: bool) -> None:
    """Apply (or revert) the database migrations."""
    store = Store.from_url(_settings(data_dir, database_url).database_url())
    if down:
        migrate.downgrade(store.engine, "base" if revision == "head" else revision)
    else:
        migrate.upgrade(store.engine, revision)
    click.echo(f"database at revision {migrate.current_revision(store.engine)}")


def _server_options(func: FC) -> FC:
    func = click.option(
        "--workers",
        envvar=["CONNECTRA_WORKERS", "WEB_CONCURRENCY"],
        show_envvar=True,
        type=click.IntRange(min=1),
        default=None,
        help="API processes on the port [the number of cores]; with more than one, "
        "this process supervises them and is the only one that writes the index.",
    )(func)
    func = _env_option(
        "--port", envvar="CONNECTRA_PORT", type=int, default=None, help="Port [8000]."
    )(func)
    func = _env_option(
        "--host", envvar="CONNECTRA_HOST", default=None, help="Bind address [127.0.0.1]."
    )(func)
    return _store_options(func)


@cli.command()
@_server_options
def serve(data_dir: Path | None, database_url: str | None, host: str | None, port: int | None,
          workers: int | None) -> None:  # fmt: skip
    """Everything on one machine: migrate, index in the background, serve on HOST:PORT."""
    _run_server(data_dir, database_url, host, port, workers, with_indexer=True)


@cli.command()
@_server_options
def api(data_dir: Path | None, database_url: str | None, host: str | None, port: int | None,
        workers: int | None) -> None:  # fmt: skip
    """Serve the API only (scale-out: run `connectra indexer` once beside any number of these)."""
    _run_server(data_dir, database_url, host, port, workers, with_indexer=False)


cli.add_command(api, "api-server")  # the contract's name for it


def _run_server(
    data_dir: Path | None,
    database_url: str | None,
    host: str | None,
    port: int | None,
    workers: int | None,
    *,
    with_indexer: bool,
) -> None:
    from connectra.api.keys import KEY_FILE, resolve_api_keys
    from connectra.api.serving import default_workers, run_server

    settings = _settings(data_dir, database_url, connectra_host=host, connectra_port=port)
    engines = _engines(settings)
    keys = resolve_api_keys(settings)
    key_file = settings.connectra_data_dir / KEY_FILE
    if keys.generated:
        click.echo(f"Generated API key (shown once, kept in {key_file}): {keys.generated}")
    if with_indexer:
        _rebuild_outdated(engines.store, engines.index)
    presence = _announce_indexer(settings) if with_indexer else None
    key_source = "from API_KEY" if settings.api_keys() else f"in {key_file.resolve()}"
    click.echo(console.banner(settings, key_source))
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with _operated(settings, engines.store, engines.index):
            run_server(settings, engines.store, engines.index, engines.objects, keys.keys,
                       with_indexer=with_indexer, workers=workers or default_workers())  # fmt: skip
    finally:
        if presence is not None:
            presence.release()
        engines.close()
        click.echo("Connectra stopped: requests, job runners and the indexer are done")


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    """uvicorn handles SIGTERM (drains requests), then raises it again with the handler it found:
    this one ends the process through the ``finally`` that stops the workers, not at once."""
    raise SystemExit(0)


def _announce_indexer(settings: Settings) -> IndexerPresence:
    """Let the CLI's import/export on this data dir know an indexer runs here."""
    presence = IndexerPresence(settings.connectra_data_dir)
    if not presence.hold():
        click.echo(f"warning: another indexer holds {presence.path}", err=True)
    return presence


@cli.command()
@_store_options
@_env_option(
    "--demo",
    "count",
    envvar="CONNECTRA_SEED_DEMO",
    type=click.IntRange(min=1),
    required=True,
    help="Number of demo contacts (companies get 5-20 contacts each).",
)
@_env_option(
    "--seed",
    "seed",
    envvar="CONNECTRA_SEED",
    type=int,
    default=42,
    show_default=True,
    help="Random seed.",
)
@_env_option(
    "--if-empty",
    envvar="CONNECTRA_SEED_IF_EMPTY",
    is_flag=True,
    help="Do nothing when the store already holds contacts.",
)
@_env_option(
    "--batch-size",
    envvar="BATCH_SIZE_FOR_INSERTION",
    type=click.IntRange(min=1),
    default=None,
    help="Rows per transaction [500].",
)
def seed(data_dir: Path | None, database_url: str | None, count: int, seed: int,
         if_empty: bool, batch_size: int | None) -> None:  # fmt: skip
    """Load a realistic demo dataset from a fixed seed."""
    settings = _settings(data_dir, database_url, batch_size_for_insertion=batch_size)
    store = _migrated_store(settings)
    existing = search_service.count_stored(store, CONTACT)
    if if_empty and existing:
        click.echo(f"store already holds {existing} contacts; not seeding")
        return
    rows = DemoData(seed).rows(count)
    done = 0
    with console.Progress("seed", count) as progress:
        while batch := list(islice(rows, settings.batch_size_for_insertion)):
            batch_service.batch_upsert(store, batch, priority=Priority.BULK)
            done += len(batch)
            progress.update(done)
    click.echo(f"seeded {count} demo contacts")


@cli.command()
@_store_options
def indexer(data_dir: Path | None, database_url: str | None) -> None:
    """Apply the index outbox forever (the single index writer beside `connectra api`)."""
    settings = _settings(data_dir, database_url)
    store = _migrated_store(settings)
    index = open_index(settings.search_url())
    presence = _announce_indexer(settings)
    _rebuild_outdated(store, index)
    click.echo("indexer running; Ctrl-C to stop")
    try:
        with _operated(settings, store, index):
            Indexer(store, index).run_forever()
    finally:
        presence.release()
        index.close()


@cli.command()
@_store_options
@click.argument("entities", nargs=-1, type=click.Choice(["contacts", "companies"]))
def reindex(data_dir: Path | None, database_url: str | None, entities: tuple[str, ...]) -> None:
    """Rebuild the search index of ENTITIES (default: both) from the store."""
    settings = _settings(data_dir, database_url)
    store = _migrated_store(settings)
    index = open_index(settings.search_url())
    try:
        for name in entities or ("companies", "contacts"):
            entity = entity_for_service(name)
            discard_outdated(index, entity)
            written = rebuild(store, index, entity)
            click.echo(f"reindexed {written} {entity.plural}")
    finally:
        index.close()


@cli.command()
@_store_options
@_env_option(
    "--repair",
    envvar="CONNECTRA_VERIFY_REPAIR",
    is_flag=True,
    help="Queue every difference to the index outbox (the indexer then rewrites or deletes).",
)
@_env_option(
    "--page-size",
    envvar="CONNECTRA_VERIFY_PAGE_SIZE",
    type=click.IntRange(min=1),
    default=VERIFY_PAGE_SIZE,
    show_default=True,
    help="Uuids read per page on each side (memory stays bounded by it).",
)
@click.argument("entities", nargs=-1, type=click.Choice(["contacts", "companies"]))
def verify(data_dir: Path | None, database_url: str | None, repair: bool, page_size: int,
           entities: tuple[str, ...]) -> None:  # fmt: skip
    """Compare the store's live rows with the index (missing, extra, stale documents); exits 1
    when differences are found and not repaired."""
    settings = _settings(data_dir, database_url)
    store = _migrated_store(settings)
    index = open_index(settings.search_url())
    found = 0
    try:
        for name in entities or ("companies", "contacts"):
            entity = entity_for_service(name)
            total = search_service.count_stored(store, entity)
            with console.Progress(entity.plural, total) as progress:
                report = verify_service.verify(
                    store, index, entity, repair=repair, page=page_size,
                    progress=lambda walked: progress.update(walked.rows),
                )  # fmt: skip
            queued = f"; {report.queued} queued for the indexer" if repair else ""
            click.echo(
                f"{entity.plural}: {report.rows} rows, {report.documents} documents: "
                f"{report.missing} missing, {report.extra} extra, {report.stale} stale{queued}"
            )
            found += report.differences
    finally:
        index.close()
        store.dispose()
    if found and not repair:
        sys.exit(1)


@cli.group()
def jobs() -> None:
    """Job runners (also running inside `connectra serve`)."""


def _run_jobs(kind: Kind, data_dir: Path | None, database_url: str | None) -> None:
    settings = _settings(data_dir, database_url)
    engines = _engines(settings)
    runner = make_runner(kind, settings, engines.store, engines.index, engines.objects)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    runner.start()
    click.echo(f"{kind} runner started with {runner.workers} worker(s); SIGTERM to stop")
    with _operated(settings, engines.store, engines.index):
        stop.wait()
    runner.stop()
    engines.close()


@jobs.command("first_time")
@_store_options
def jobs_first_time(data_dir: Path | None, database_url: str | None) -> None:
    """Run open jobs with PARALLEL_JOBS workers until SIGTERM."""
    _run_jobs("first_time", data_dir, database_url)


@jobs.command("retry")
@_store_options
def jobs_retry(data_dir: Path | None, database_url: str | None) -> None:
    """Retry failed jobs that have retries left, once their run_after has come."""
    _run_jobs("retry", data_dir, database_url)


def _run_job_here(engines: Engines, settings: Settings, job_type: str, data: dict[str, Any],
                  total: int | None = None) -> dict[str, Any]:  # fmt: skip
    """Create a job and run it in this process, with progress fed by its saved progress (the
    total is the job's own when it records one)."""
    job = job_service.submit(engines.store, job_service.NewJob(job_type, data, 0))
    click.echo(f"job {job['uuid']} ({job_type})")
    runner = make_runner("first_time", settings, engines.store, engines.index, engines.objects)
    with console.Progress(job_type, total) as progress:
        worker = threading.Thread(target=runner.run_one, kwargs={"uuid": job["uuid"]})
        worker.start()
        while worker.is_alive():
            worker.join(0.5)
            rows, known = job_service.progress_rows(job_service.get_job(engines.store, job["uuid"]))
            progress.update(rows, known)
    finished = job_service.get_job(engines.store, job["uuid"])
    if finished["status"] != job_service.COMPLETED:
        errors = finished["job_response"].get("runtime_errors", [])
        raise click.ClickException(f"job {job['uuid']} failed: {'; '.join(errors)}")
    return finished


@cli.command("import")
@_store_options
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_cmd(data_dir: Path | None, database_url: str | None, path: Path) -> None:
    """Import a CSV file (columns: docs/csv.md) as an insert_csv_file job."""
    settings = _settings(data_dir, database_url)
    engines = _engines(settings)
    with path.open("rb") as source:
        key = transfers.store_file(engines.objects, settings, source, path.name)
    lines = sum(1 for _ in path.open("rb")) - 1
    job = _run_job_here(engines, settings, "insert_csv_file", {"s3_key": key}, lines)
    for line in console.rejected_rows(job["job_response"].get("row_errors", [])):
        click.echo(line)
    click.echo(f"job {job['uuid']}: {job['job_response'].get('messages', 'done')}")
    if _server_indexes(settings):
        click.echo("the running server indexes the rows (GET /health shows indexer.pending)")
    else:
        Indexer(engines.store, engines.index).drain()
    engines.close()


def _server_indexes(settings: Settings) -> bool:
    """Whether a server's indexer runs on this data dir: then it applies our outbox entries,
    and this process keeps off the index (its writer lock is the server's)."""
    return IndexerPresence(settings.connectra_data_dir).running_elsewhere()


def _index_caught_up(engines: Engines, settings: Settings) -> None:
    """Before an export: everything stored is searchable (indexed here, or by the running
    server's indexer when there is one)."""
    if not _server_indexes(settings):
        Indexer(engines.store, engines.index).drain()
        return
    waiter = Indexer(engines.store, engines.index)  # only asked for the outbox lag
    if pending := waiter.lag()["pending"]:
        click.echo(f"waiting for the running server to index {pending} pending changes")
    while waiter.lag()["pending"]:
        time.sleep(INDEX_WAIT_POLL_SECONDS)


@cli.command("export")
@_store_options
@click.option(
    "--vql",
    "vql_path",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    envvar="CONNECTRA_EXPORT_VQL",
    show_envvar=True,
    help="JSON file with the VQL.",
)
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(path_type=Path),
    envvar="CONNECTRA_EXPORT_OUT",
    show_envvar=True,
    help="Where to write the CSV.",
)
@click.option(
    "--service",
    default="contact",
    show_default=True,
    envvar="CONNECTRA_EXPORT_SERVICE",
    show_envvar=True,
    type=click.Choice(["contact", "company", "contacts", "companies"]),
)
def export_cmd(data_dir: Path | None, database_url: str | None, vql_path: Path, out_path: Path,
               service: str) -> None:  # fmt: skip
    """Export the records a VQL query matches to a CSV file (an export_csv_file job)."""
    settings = _settings(data_dir, database_url)
    engines = _engines(settings)
    _index_caught_up(engines, settings)
    vql = orjson.loads(vql_path.read_bytes())
    job = _run_job_here(engines, settings, "export_csv_file", {"service": service, "vql": vql})
    key = job["job_response"]["s3_key"]
    with closing(engines.objects.open_read(key)) as source, out_path.open("wb") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
    click.echo(f"{job['job_response']['messages']} to {out_path}")
    engines.close()


@cli.command()
@_env_option("--host", envvar="GATEWAY_HOST", default=None, help="Bind address [127.0.0.1].")
@_env_option("--port", envvar="GATEWAY_PORT", type=int, default=None, help="Port [8080].")
def gateway(host: str | None, port: int | None) -> None:
    """The consumer back end over a Connectra server (CONNECTRA_BASE_URL,
    CONNECTRA_API_KEY, CONNECTRA_TIMEOUT); callers authenticate with GATEWAY_API_KEYS."""
    import uvicorn

    from connectra.api.http import BoundedHeadProtocol
    from connectra.gateway.app import create_app
    from connectra.gateway.settings import load_gateway_settings

    settings = load_gateway_settings(gateway_host=host, gateway_port=port)
    notice = settings.check_exposure()
    if notice:
        click.echo(notice, err=True)
    click.echo(
        f"gateway on http://{settings.gateway_host}:{settings.gateway_port} "
        f"over Connectra at {settings.connectra_base_url}"
    )
    uvicorn.run(
        create_app(settings),
        host=settings.gateway_host,
        port=settings.gateway_port,
        access_log=False,
        log_level="warning",
        http=BoundedHeadProtocol,  # request heads over the limit refused as they arrive (431)
        proxy_headers=False,  # the gateway keeps no per-address state: no forwarded header needed
    )


@cli.command("bench", context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Run benchmarks/run.py of this checkout with ARGS (try: connectra bench --help)."""
    import subprocess

    script = Path(__file__).parents[2] / "benchmarks" / "run.py"
    if not script.is_file():
        raise click.ClickException(
            f"{script} not found: the benchmarks ship with the repository, not the package; "
            "run this from a source checkout"
        )
    done = subprocess.run([sys.executable, str(script), *args], check=False)  # noqa: S603
    sys.exit(done.returncode)


@cli.command("run")
def run_cmd() -> None:
    """Run the command in RUN_COMMAND (a container's entry point).

    For example `api-server`, `serve`, `indexer`, `jobs first_time`, `jobs retry`, `migrate`,
    `verify --repair`; `help` lists the commands. A bare `connectra` with RUN_COMMAND set does
    the same.
    """
    settings = load_settings()
    words = shlex.split(settings.run_command)
    if not words:
        raise click.UsageError("RUN_COMMAND is not set (try RUN_COMMAND=api-server)")
    if words[0] == "run":
        raise click.UsageError("RUN_COMMAND=run would run itself")
    cli.main(args=["--help"] if words == ["help"] else words, prog_name="connectra",
             standalone_mode=False)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Entry point: a ConnectraError prints its cause chain and exits non-zero."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        settings = load_settings()
        args = ["run"] if settings.run_command else args
    try:
        cli.main(args=args, prog_name="connectra", standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ConnectraError as exc:
        cause: BaseException | None = exc
        while cause is not None:
            click.echo(f"error: {cause}", err=True)
            cause = cause.__cause__
        sys.exit(1)
