"""The gateway's FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from connectra import __version__
from connectra.client import AsyncConnectraClient
from connectra.gateway.auth import GatewayAuthMiddleware
from connectra.gateway.errors import install_error_handlers
from connectra.gateway.routes import (
    attributes,
    entities,
    exports,
    health,
    linkedin,
    sales_navigator,
)
from connectra.gateway.settings import GatewaySettings

DESCRIPTION = """
The consumer back end over Connectra: filter query parameters instead of VQL, pages with
`next`/`previous` links, CSV exports, LinkedIn search and Sales Navigator ingestion. Every route
except `/health/vql` needs an `X-API-Key` header when `GATEWAY_API_KEYS` is set. When Connectra
fails or cannot be reached the answer is a 503 `SERVICE_UNAVAILABLE`; Connectra's own 4xx
answers pass through with their `ERR_` token.
"""


def _client(settings: GatewaySettings) -> AsyncConnectraClient:
    return AsyncConnectraClient(
        settings.connectra_base_url,
        settings.connectra_api_key or None,
        timeout=settings.connectra_timeout,
        retry_attempts=settings.connectra_retry_attempts,
        retry_delay=settings.connectra_retry_delay,
    )


def create_app(settings: GatewaySettings) -> FastAPI:
    """The gateway; its Connectra client lives as long as the app (one connection pool)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _client(settings) as client:
            app.state.client = client
            yield

    app = FastAPI(
        title="Connectra consumer gateway",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    routers = (
        health.router,
        entities.router,
        attributes.router,
        exports.router,
        linkedin.router,
        sales_navigator.router,
        entities.items,  # last: /{uuid}/ would shadow the literal paths above
    )
    for router in routers:
        app.include_router(router)
    if settings.api_keys:
        app.add_middleware(GatewayAuthMiddleware, keys=settings.api_keys)
    return app
