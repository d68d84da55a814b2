"""The gateway's HTTP edge: the same bound on request heads as Connectra's (431 in the envelope,
refused before the head is buffered)."""

from __future__ import annotations

import httpx

from tests.acceptance.test_http_limits import _raw, _status_and_body
from tests.gateway.conftest import Stack


def test_a_huge_header_is_a_431_envelope_and_the_gateway_keeps_answering(stack: Stack) -> None:
    one_big = b"GET /health/vql HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (8 * 1024 * 1024)
    status, body = _status_and_body(_raw(stack.gateway, one_big + b"\r\n\r\n"))

    assert status == 431
    assert body["success"] is False
    assert body["error_code"] == "HEADERS_TOO_LARGE"
    assert httpx.get(f"{stack.gateway.base}/health/vql", timeout=10).status_code == 200


def test_a_head_just_under_the_limit_is_served(stack: Stack) -> None:
    fine = b"GET /health/vql HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 60_000 + b"\r\n\r\n"
    answer = _raw(stack.gateway, fine)
    assert b" 200 " in answer.split(b"\r\n", 1)[0], answer[:200]
