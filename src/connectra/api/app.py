"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi_offline import FastAPIOffline
from starlette.middleware.gzip import GZipMiddleware

from connectra import __version__
from connectra.api.errors import UnhandledErrorMiddleware, error_response, install_error_handlers
from connectra.api.metrics import MetricsEndpoint
from connectra.api.middleware import (
    AuthRateLimitMiddleware,
    BodyLimitMiddleware,
    PreflightCORSMiddleware,
)
from connectra.api.openapi import DOCS_OPTIONS, install_openapi
from connectra.api.ratelimit import RateLimiter
from connectra.api.request_log import RequestLogMiddleware
from connectra.api.routes import common, filters, health, jobs, reads, writes
from connectra.api.routes.objects import objects_router
from connectra.api.routes.ui import install_ui
from connectra.errors import ValidationError
from connectra.index.base import SearchIndex
from connectra.model.fields import COMPANY, CONTACT
from connectra.objects.base import ObjectStore
from connectra.settings import Settings
from connectra.store.database import Store
from connectra.vql.validate import json_path
from connectra.workers.link import IndexerLink

CORS_HEADERS = [
    "Origin",
    "Content-Type",
    "Accept",
    "Authorization",
    "X-Requested-With",
    "X-API-Key",
]
DESCRIPTION = """
B2B contact and company data. Every route except `/health` needs an `X-API-Key` header: press
**Authorize**, paste the key (printed at first start, kept in `data/api_key`), then "Try it out".
List endpoints take a VQL body (see the examples on `POST /contacts`); responses omit empty keys.
"""


async def _request_validation(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0]
    loc = tuple(first.get("loc", ()))
    path = json_path(loc[1:] if loc[:1] == ("body",) else loc) or "$"
    message = first.get("msg", "invalid request")
    if first.get("type") == "missing" and loc == ("body",):
        message = "a JSON body is required (send {} to match everything)"
    return error_response(ValidationError(f"{path}: {message}", path=path, field=path))


def create_app(
    settings: Settings,
    store: Store,
    index: SearchIndex,
    *,
    api_keys: Sequence[str],
    limiter: RateLimiter,
    indexer: IndexerLink | None = None,
    objects: ObjectStore | None = None,
) -> FastAPI:
    app = FastAPIOffline(
        title="Connectra", version=__version__, description=DESCRIPTION, **DOCS_OPTIONS
    )
    app.state.settings = settings
    app.state.store = store
    app.state.index = index
    app.state.indexer = indexer
    app.state.objects = objects
    install_error_handlers(app)
    app.add_exception_handler(RequestValidationError, _request_validation)

    app.include_router(health.router)
    app.include_router(
        objects_router(settings.s3_upload_file_path_prifix)
    )  # transfer paths before /common/{service}/...
    app.include_router(common.common_router())
    app.include_router(filters.filters_router())  # before GET /{plural}/{uuid}
    app.include_router(jobs.router)
    for entity in (CONTACT, COMPANY):
        app.include_router(reads.read_router(entity))
        app.include_router(writes.write_router(entity))
    # Parameter routes last, so that literal sub-paths (count, create, filters...) win.
    for entity in (CONTACT, COMPANY):
        app.include_router(reads.get_router(entity))
        app.include_router(writes.item_router(entity))
    install_ui(app)

    # Added innermost first: CORS answers pre-flight before anything else runs.
    if not settings.metrics_public:
        app.add_middleware(MetricsEndpoint, store=store, index=index)
    app.add_middleware(AuthRateLimitMiddleware, keys=list(api_keys), limiter=limiter)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(UnhandledErrorMiddleware)  # inside CORS: a 500 still carries its headers
    app.add_middleware(
        PreflightCORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"],
        allow_headers=CORS_HEADERS,
        expose_headers=["Content-Length", "Content-Type"],
        allow_credentials=False,
    )
    if settings.metrics_public:
        app.add_middleware(MetricsEndpoint, store=store, index=index)
    app.add_middleware(RequestLogMiddleware, keys=list(api_keys), store=store)
    install_openapi(app)
    return app
