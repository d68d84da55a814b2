"""The OpenAPI document: the VQL schema the list routes refer to, and the X-API-Key scheme on
every operation that needs the key (so /docs has an Authorize button and "Try it out" sends it).

``/docs`` (Swagger UI), ``/redoc`` and ``/openapi.json`` need no key; their scripts and styles are
served from ``/docs/assets`` by the server itself (the ``fastapi-offline`` package ships them), so
the pages work with no network.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from connectra.api.middleware import DOCS_ASSETS, requires_key
from connectra.api.schemas import declare_storable
from connectra.model.fields import ENTITIES, Entity
from connectra.vql.schema import vql_schema

SECURITY_SCHEME = "APIKeyHeader"
API_KEY_HEADER = {"type": "apiKey", "in": "header", "name": "X-API-Key"}
# Swagger UI keeps the key entered under "Authorize" across page reloads (in the browser only).
SWAGGER_UI_PARAMETERS = {"persistAuthorization": True}
DOCS_OPTIONS: dict[str, Any] = {
    "static_url": DOCS_ASSETS,
    "swagger_ui_parameters": SWAGGER_UI_PARAMETERS,
}


def vql_component(entity: Entity) -> str:
    """The name of an entity's VQL request schema among the document's components."""
    return f"{entity.plural.capitalize()}VQLRequest"


def _declare_api_key(schema: dict[str, Any]) -> None:
    schema["components"].setdefault("securitySchemes", {})[SECURITY_SCHEME] = API_KEY_HEADER
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if requires_key(method.upper(), path):
                operation["security"] = [{SECURITY_SCHEME: []}]


def install_openapi(app: FastAPI) -> None:
    """Build the document once, on first request: routes plus each entity's VQL schema (VQL
    routes parse their body themselves and only ``$ref`` it) plus the security scheme."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for entity in ENTITIES.values():
                components[vql_component(entity)] = vql_schema(entity)
            _declare_api_key(schema)
            declare_storable(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
