"""How a failed Connectra call is answered, and what the gateway may import: no server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from connectra.client import (
    ConnectraClientError,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    ValidationFailed,
)
from connectra.gateway.errors import upstream_envelope


@pytest.mark.parametrize(
    "error",
    [
        TransportError("ReadTimeout: timed out"),
        ServerError("boom", status=500, error_code="INTERNAL_ERROR", error="boom"),
        ServerError("busy", status=503, error_code="SERVICE_UNAVAILABLE", error="busy"),
        Unauthorized("bad key", status=401, error_code="UNAUTHORIZED", error="bad key"),
        Forbidden("no", status=403, error_code="FORBIDDEN", error="no"),
    ],
)
def test_outages_are_503_with_the_reason(error: ConnectraClientError) -> None:
    status, body = upstream_envelope(error)
    assert status == 503
    assert body["success"] is False
    assert body["error_code"] == "SERVICE_UNAVAILABLE"
    assert body["error"].startswith("ERR_CONNECTRA_UNAVAILABLE: Connectra is unavailable: ")
    assert str(error) in body["error"]


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (
            ValidationFailed(
                "too big",
                status=400,
                error_code="VALIDATION_ERROR",
                error="ERR_PAGE_SIZE_EXCEEDED: too big",
                details={"path": "limit"},
            ),
            400,
            "VALIDATION_ERROR",
        ),
        (NotFound("gone", status=404, error_code=None, error="gone"), 404, "UPSTREAM_ERROR"),
        (
            RateLimited("slow", status=429, error_code="RATE_LIMIT_EXCEEDED"),
            429,
            "RATE_LIMIT_EXCEEDED",
        ),
    ],
)
def test_caller_errors_pass_through(error: ConnectraClientError, status: int, code: str) -> None:
    got, body = upstream_envelope(error)
    assert got == status
    assert body["error_code"] == code
    assert body["error"] == (error.error or error.message)
    assert body.get("details") == error.details


def test_gateway_imports_no_server_internals() -> None:
    script = (
        "import sys, connectra.gateway.app\n"
        "bad = [m for m in sys.modules if m.split('.')[:2] in "
        "(['connectra','store'], ['connectra','index'], ['connectra','services'], "
        "['connectra','model'], ['connectra','vql'], ['connectra','jobs'])]\n"
        "print(bad)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
