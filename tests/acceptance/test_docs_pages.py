"""/docs that works: the X-API-Key scheme on exactly the operations that need the key, and
Swagger UI / ReDoc pages whose every asset the server serves itself (no network needed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import httpx
import pytest

from tests.acceptance.server import Server, running_server

ASSET = re.compile(r'(?:src|href)="([^"]+)"')
# The operations anyone may call: the health probe and the transfers authorised by their URL.
KEYLESS = {("get", "/health"), ("put", "/common/uploads/{key}"), ("get", "/common/downloads/{key}")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("docs") / "data", {}) as found:
        yield found


@pytest.fixture(scope="module")
def spec(server: Server) -> dict[str, Any]:
    response = httpx.get(f"{server.base}/openapi.json")  # no key needed for the document
    assert response.status_code == HTTPStatus.OK
    return dict(response.json())


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def test_every_protected_operation_declares_the_api_key(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["APIKeyHeader"]
    assert scheme == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    keyless = set()
    for method, path, operation in _operations(spec):
        if "security" not in operation:
            keyless.add((method, path))
        else:
            assert operation["security"] == [{"APIKeyHeader": []}], (method, path)
    assert keyless == KEYLESS


def test_the_declared_scheme_matches_what_the_server_enforces(
    server: Server, spec: dict[str, Any]
) -> None:
    """Called without a key, a declared operation answers 401 and an undeclared one does not;
    with the key (what "Try it out" sends after Authorize) none answers 401."""
    with httpx.Client(base_url=server.base) as anonymous, server.client() as keyed:
        for method, path, operation in _operations(spec):
            url = re.sub(r"\{[^}]+\}", "x", path)
            body = {"json": {}} if method in ("post", "put") else {}
            status = anonymous.request(method, url, **body).status_code
            declared = "security" in operation
            assert (status == HTTPStatus.UNAUTHORIZED) == declared, (method, path, status)
            if declared:
                status = keyed.request(method, url, **body).status_code
                assert status != HTTPStatus.UNAUTHORIZED, (method, path)


def test_list_routes_are_documented_once(spec: dict[str, Any]) -> None:
    assert "/contacts" in spec["paths"]
    assert "/companies" in spec["paths"]
    assert "/contacts/" not in spec["paths"]
    assert "/companies/" not in spec["paths"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_asset_from_the_server(server: Server, page: str) -> None:
    html = httpx.get(f"{server.base}{page}")
    assert html.status_code == HTTPStatus.OK
    assets = ASSET.findall(html.text)
    assert any(asset.endswith(".js") for asset in assets), assets
    for asset in assets:
        assert re.match(r"/[^/]", asset), f"{asset} is not served by this server"
        response = httpx.get(f"{server.base}{asset}")  # no key: the browser sends none
        assert response.status_code == HTTPStatus.OK, asset
        assert len(response.content) > 0, asset
    assert "https://" not in html.text  # no CDN at all


def test_swagger_ui_keeps_the_key_and_reads_the_local_document(server: Server) -> None:
    swagger = httpx.get(f"{server.base}/docs").text
    assert "persistAuthorization" in swagger
    assert "/openapi.json" in swagger
