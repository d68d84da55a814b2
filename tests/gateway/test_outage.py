"""Connectra stopped under a running gateway: 503 with the upstream reason, then recovery."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from connectra.cli import main
from connectra.gateway.app import create_app
from connectra.gateway.settings import GatewaySettings, is_loopback
from tests.acceptance.server import assert_error, free_port, running_server
from tests.gateway.conftest import CONNECTRA_KEY, Stack, gateway_over, seed


def test_connectra_stopped_then_restarted(tmp_path: Path) -> None:
    seed(tmp_path / "connectra", 12)
    port = free_port()
    first = running_server(tmp_path / "connectra", {}, key=CONNECTRA_KEY, port=port)
    connectra = first.__enter__()
    try:
        connectra.wait_indexed()
        with (
            gateway_over(connectra, tmp_path, CONNECTRA_RETRY_ATTEMPTS="2") as gateway,
            gateway.client(timeout=30) as gw,
        ):
            assert gw.get("/api/v1/contacts/count/").json()["count"] == 12
            first.__exit__(None, None, None)

            down = gw.get("/api/v1/contacts/count/")
            body = assert_error(down, 503, "SERVICE_UNAVAILABLE", "ERR_CONNECTRA_UNAVAILABLE")
            assert "ConnectError" in body["error"]
            listed = gw.get("/api/v1/companies/", params={"limit": 5})
            assert_error(listed, 503, "SERVICE_UNAVAILABLE", "ERR_CONNECTRA_UNAVAILABLE")
            health = gw.get("/health/vql")
            assert health.status_code == 503
            assert health.json()["connectra"]["reachable"] is False

            with running_server(tmp_path / "connectra", {}, key=CONNECTRA_KEY, port=port):
                assert gw.get("/api/v1/contacts/count/").json()["count"] == 12
                assert gw.get("/health/vql").json()["connectra"]["reachable"] is True
    finally:
        first.__exit__(None, None, None)


def _ask_in_process(stack: Stack, path: str, key: str | None, **settings: str) -> httpx.Response:
    """One GET to the gateway app run in this process (no server start-up), over the real
    Connectra."""
    options = {"connectra_base_url": stack.connectra.base, "connectra_api_key": CONNECTRA_KEY}
    app = create_app(GatewaySettings(**{**options, **settings}))  # type: ignore[arg-type]
    headers = {"X-API-Key": key} if key else {}

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://gateway") as gw,
        ):
            return await gw.get(path, headers=headers)

    return asyncio.run(ask())


def test_wrong_connectra_key_is_an_outage_not_the_callers_fault(stack: Stack) -> None:
    answer = _ask_in_process(
        stack, "/api/v1/contacts/count/", "k", connectra_api_key="wrong", gateway_api_keys="k"
    )
    body = assert_error(answer, 503, "SERVICE_UNAVAILABLE", "ERR_CONNECTRA_UNAVAILABLE")
    assert "401" in body["error"]


def test_without_keys_on_loopback_auth_is_off_and_said(stack: Stack) -> None:
    settings = GatewaySettings(gateway_api_keys="", gateway_host="127.0.0.1")
    notice = settings.check_exposure()
    assert notice is not None
    assert "authentication is OFF" in notice
    answer = _ask_in_process(stack, "/api/v1/contacts/count/", None, gateway_api_keys="")
    assert answer.json()["count"] >= 240


def test_without_keys_a_public_bind_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GATEWAY_API_KEYS", "")
    with pytest.raises(SystemExit) as exited:
        main(["gateway", "--host", "0.0.0.0", "--port", "1"])
    assert exited.value.code == 1
    assert "GATEWAY_API_KEYS is not set" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
        ("example.org", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    settings = GatewaySettings(gateway_host=host, gateway_api_keys=" , k1, k2 ")
    assert settings.api_keys == ["k1", "k2"]
    assert settings.check_exposure() is None
