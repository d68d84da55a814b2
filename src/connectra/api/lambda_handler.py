"""AWS Lambda entry point: ``connectra.api.lambda_handler.handler`` serves API Gateway REST (v1)
and HTTP (v2) events through Mangum, with the same routes as the server.

An instance builds the app on its first event and keeps it while warm. Lambda mode reads the
environment only (no ``.env``), sizes the store pool small (``PG_DB_MAX_OPEN_CONNS`` /
``PG_DB_MAX_IDLE_CONNS``, 5 / 2 by default), needs ``API_KEY`` (there is nowhere to keep a
generated one), and runs no indexer or job runner: run ``connectra indexer`` and the job runners
elsewhere, and ``connectra migrate`` when deploying.
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi import FastAPI
from mangum import Mangum

from connectra.api.app import create_app
from connectra.api.ratelimit import make_rate_limiter
from connectra.errors import ConfigurationError
from connectra.index.factory import open_index
from connectra.logs import configure_logging
from connectra.objects.factory import open_objects
from connectra.settings import Settings, load_settings
from connectra.store.database import Store


def build_app(settings: Settings) -> FastAPI:
    """The API over the configured store, index and object storage, without workers."""
    keys = settings.api_keys()
    if not keys:
        raise ConfigurationError("API_KEY must be set in Lambda mode")
    store = Store.from_url(
        settings.database_url(), echo=settings.pg_db_debug, pool=settings.pool_limits()
    )
    return create_app(
        settings,
        store,
        open_index(settings.search_url()),
        api_keys=keys,
        limiter=make_rate_limiter(settings.max_requests_per_minute, settings.redis_url),
        objects=open_objects(settings, settings.public_url()),
    )


@functools.cache
def _adapter() -> Mangum:
    settings = load_settings(env_file=None, lambda_mode=True)
    configure_logging(settings.log_style())
    return Mangum(build_app(settings), lifespan="off")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The function AWS invokes (set the function's handler to this path)."""
    return _adapter()(event, context)
