"""``GET /health/vql``: is Connectra reachable, and how fast does it answer."""

from __future__ import annotations

import time

from fastapi import APIRouter
from fastapi.responses import Response

from connectra.client import ConnectraClientError
from connectra.gateway import docs
from connectra.gateway.deps import ClientDep
from connectra.gateway.errors import json_response

router = APIRouter(tags=["health"])
_UP = {
    "success": True,
    "status": "ok",
    "connectra": {"reachable": True, "latency_ms": 4.2, "status": "ok"},
}
_DOWN = {
    "success": False,
    "status": "unavailable",
    "connectra": {"reachable": False, "latency_ms": 3001.5, "error": "Connectra API request …"},
}


@router.get(
    "/health/vql",
    summary="Connectra reachability and latency (no API key needed)",
    responses={
        **docs.answer(_UP, "Connectra answered"),
        **docs.answer(_DOWN, "Connectra did not answer", 503),
    },
)
async def health_vql(client: ClientDep) -> Response:
    started = time.perf_counter()
    try:
        upstream = await client.health_check()
    except ConnectraClientError as exc:
        report = {"reachable": False, "latency_ms": _since(started), "error": str(exc)}
        return json_response({"success": False, "status": "unavailable", "connectra": report}, 503)
    status = str(upstream.get("status", "ok"))
    report = {"reachable": True, "latency_ms": _since(started), "status": status}
    return json_response({"success": True, "status": "ok", "connectra": report})


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
