"""The FastAPI application factory."""

from __future__ import annotations

from typing import Any

import orjson
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.responses import Response

from connectra import __version__
from connectra.api.errors import install_error_handlers
from connectra.settings import Settings
from connectra.store.database import Store
from connectra.store.migrate import current_revision


def _store_health(store: Store) -> dict[str, Any]:
    try:
        with store.read() as conn:
            conn.execute(sa.text("SELECT 1"))
        return {"ok": True, "engine": store.dialect, "revision": current_revision(store.engine)}
    except sa.exc.SQLAlchemyError as exc:
        return {"ok": False, "engine": store.dialect, "error": type(exc).__name__}


def create_app(settings: Settings, store: Store) -> FastAPI:
    app = FastAPI(title="Connectra", version=__version__)
    app.state.settings = settings
    app.state.store = store
    install_error_handlers(app)

    @app.get("/health", tags=["health"])
    def health() -> Response:
        store_status = _store_health(store)
        body = {"status": "ok" if store_status["ok"] else "degraded", "store": store_status}
        return Response(
            orjson.dumps(body),
            status_code=200 if store_status["ok"] else 503,
            media_type="application/json",
        )

    return app
