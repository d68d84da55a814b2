"""The web console: its static assets under ``/ui`` and the field catalogue it builds forms from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from connectra.api.deps import json_response
from connectra.api.middleware import UI_PREFIX
from connectra.model.fields import ENTITIES, Entity

ASSETS = Path(__file__).resolve().parents[2] / "ui"


def _entity_catalogue(entity: Entity) -> dict[str, Any]:
    columns = [{"name": c.name, "type": str(c.type), "system": c.system} for c in entity.columns]
    fields = [
        {"name": f.name, "kind": str(f.kind), "sortable": f.sortable, "ngram": f.ngram}
        for f in entity.index_fields
    ]
    rules = entity.rules
    return {
        "plural": entity.plural,
        "label": rules.label,
        "required": list(rules.required),
        "columns": columns,
        "fields": fields,
    }


def _catalogue() -> Response:
    """Column and index-field names and kinds: structure only, so it needs no API key."""
    return json_response({name: _entity_catalogue(e) for name, e in ENTITIES.items()})


def install_ui(app: FastAPI) -> None:
    """``/ui/`` serves ``index.html``; ``/ui`` redirects there (the router adds the slash)."""
    router = APIRouter(prefix=UI_PREFIX, include_in_schema=False)
    router.add_api_route("/catalogue.json", _catalogue, methods=["GET"])
    app.include_router(router)
    app.mount(UI_PREFIX, StaticFiles(directory=ASSETS, html=True), name="ui")
