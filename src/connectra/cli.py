"""The ``connectra`` command line: serve and scale-out processes, migrations, data, jobs, bench."""

from __future__ import annotations

import shutil
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import click
import orjson
from tqdm import tqdm

from connectra.errors import ConnectraError
from connectra.index.base import SearchIndex
from connectra.index.factory import open_index
from connectra.model.fake import DemoData
from connectra.model.fields import CONTACT, entity_for_service
from connectra.objects.base import ObjectStore
from connectra.objects.factory import open_objects
from connectra.services import batch_upsert as batch_service
from connectra.services import jobs as job_service
from connectra.services import search as search_service
from connectra.services import transfers
from connectra.settings import Settings, load_settings
from connectra.store import migrate
from connectra.store.database import Store
from connectra.workers.indexer import Indexer
from connectra.workers.indexer import reindex as rebuild
from connectra.workers.runner import Kind
from connectra.workers.setup import make_runner

FC = TypeVar("FC", bound=Callable[..., Any])


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
    store = Store.from_url(settings.database_url(), echo=settings.pg_db_debug)
    migrate.upgrade(store.engine)
    return store


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
    if keys.generated:
        key_file = settings.connectra_data_dir / KEY_FILE
        click.echo(f"Generated API key (shown once, kept in {key_file}): {keys.generated}")
    try:
        run_server(settings, engines.store, engines.index, engines.objects, keys.keys,
                   with_indexer=with_indexer, workers=workers or default_workers())  # fmt: skip
    finally:
        engines.close()


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
    with tqdm(total=count, unit="row", disable=None) as bar:
        while batch := list(islice(rows, settings.batch_size_for_insertion)):
            batch_service.batch_upsert(store, batch)
            bar.update(len(batch))
    click.echo(f"seeded {count} demo contacts")


@cli.command()
@_store_options
def indexer(data_dir: Path | None, database_url: str | None) -> None:
    """Apply the index outbox forever (the single index writer beside `connectra api`)."""
    settings = _settings(data_dir, database_url)
    store = _migrated_store(settings)
    index = open_index(settings.search_url())
    click.echo("indexer running; Ctrl-C to stop")
    try:
        Indexer(store, index).run_forever()
    finally:
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
            written = rebuild(store, index, entity)
            click.echo(f"reindexed {written} {entity.plural}")
    finally:
        index.close()


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
    """Create a job and run it in this process, with a progress bar fed by its saved progress
    (the total is the job's own when it records one)."""
    job = job_service.submit(engines.store, job_service.NewJob(job_type, data, 0))
    runner = make_runner("first_time", settings, engines.store, engines.index, engines.objects)
    with tqdm(total=total, unit="row", disable=None) as bar:
        worker = threading.Thread(target=runner.run_one, kwargs={"uuid": job["uuid"]})
        worker.start()
        while worker.is_alive():
            worker.join(0.5)
            rows, known = job_service.progress_rows(job_service.get_job(engines.store, job["uuid"]))
            bar.n, bar.total = rows, known if known is not None else bar.total
            bar.refresh()
    finished = job_service.get_job(engines.store, job["uuid"])
    if finished["status"] != job_service.COMPLETED:
        errors = finished["job_response"].get("runtime_errors", [])
        raise click.ClickException(f"job {job['uuid']} failed: {'; '.join(errors)}")
    return finished


@cli.command("import")
@_store_options
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_cmd(data_dir: Path | None, database_url: str | None, path: Path) -> None:
    """Import a CSV file (the contract's import columns) as an insert_csv_file job."""
    settings = _settings(data_dir, database_url)
    engines = _engines(settings)
    with path.open("rb") as source:
        key = transfers.store_file(engines.objects, settings, source, path.name)
    lines = sum(1 for _ in path.open("rb")) - 1
    job = _run_job_here(engines, settings, "insert_csv_file", {"s3_key": key}, lines)
    click.echo(job["job_response"].get("messages", "done"))
    Indexer(engines.store, engines.index).drain()
    engines.close()


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
    Indexer(engines.store, engines.index).drain()
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
    """The consumer API of CONTRACT.md §g over a Connectra server (CONNECTRA_BASE_URL,
    CONNECTRA_API_KEY, CONNECTRA_TIMEOUT); callers authenticate with GATEWAY_API_KEYS."""
    import uvicorn

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


def main(argv: list[str] | None = None) -> None:
    """Entry point: a ConnectraError prints its cause chain and exits non-zero."""
    try:
        cli.main(args=argv, prog_name="connectra", standalone_mode=False)
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
