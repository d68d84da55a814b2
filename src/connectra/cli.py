"""The ``connectra`` command line: migrate, serve, seed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from connectra.errors import ConnectraError
from connectra.index.factory import open_index
from connectra.model.fake import DemoData
from connectra.model.fields import CONTACT, entity_for_service
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.services.indexing import Indexer
from connectra.services.indexing import reindex as rebuild
from connectra.settings import Settings, load_settings
from connectra.store import entities, migrate
from connectra.store.database import Store

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
    func = _env_option(
        "--port", envvar="CONNECTRA_PORT", type=int, default=None, help="Port [8000]."
    )(func)
    func = _env_option(
        "--host", envvar="CONNECTRA_HOST", default=None, help="Bind address [127.0.0.1]."
    )(func)
    return _store_options(func)


@cli.command()
@_server_options
def serve(
    data_dir: Path | None, database_url: str | None, host: str | None, port: int | None
) -> None:
    """Everything in one process: migrate, index in the background, serve on HOST:PORT."""
    _run_server(data_dir, database_url, host, port, with_indexer=True)


@cli.command()
@_server_options
def api(
    data_dir: Path | None, database_url: str | None, host: str | None, port: int | None
) -> None:
    """Serve the API only (scale-out: run `connectra indexer` once beside any number of these)."""
    _run_server(data_dir, database_url, host, port, with_indexer=False)


def _run_server(
    data_dir: Path | None,
    database_url: str | None,
    host: str | None,
    port: int | None,
    *,
    with_indexer: bool,
) -> None:
    import uvicorn

    from connectra.api.app import create_app
    from connectra.api.keys import resolve_api_keys
    from connectra.api.ratelimit import make_rate_limiter

    settings = _settings(data_dir, database_url, connectra_host=host, connectra_port=port)
    store = _migrated_store(settings)
    index = open_index(settings.search_url())
    keys = resolve_api_keys(settings)
    if keys.generated:
        key_file = settings.connectra_data_dir / "api_key"
        click.echo(f"Generated API key (shown once, kept in {key_file}): {keys.generated}")
    indexer = Indexer(store, index) if with_indexer else None
    app = create_app(
        settings,
        store,
        index,
        api_keys=keys.keys,
        limiter=make_rate_limiter(settings.max_requests_per_minute, settings.redis_url),
        indexer=indexer,
    )
    if indexer is not None:
        indexer.start()
    try:
        uvicorn.run(
            app,
            host=settings.connectra_host,
            port=settings.connectra_port,
            access_log=False,
            log_level="warning",
        )
    finally:
        if indexer is not None:
            indexer.stop()
        index.close()


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
    with store.read() as conn:
        existing = entities.count_live(conn, CONTACT)
    if if_empty and existing:
        click.echo(f"store already holds {existing} contacts; not seeding")
        return
    rows = DemoData(seed).rows(count)
    with tqdm(total=count, unit="row", disable=None) as bar:
        while batch := list(islice(rows, settings.batch_size_for_insertion)):
            with store.write() as conn:
                upsert_csv_rows(conn, batch)
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
