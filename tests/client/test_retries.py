"""Retries, backoff and error mapping against a real local HTTP server that fails on purpose."""

from __future__ import annotations

import time
from typing import Any

import pytest

from connectra.client import (
    ConnectraClientError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    ValidationFailed,
)
from connectra.client._errors import ERROR_TABLE
from tests.acceptance.server import free_port
from tests.client.conftest import KEY, Api, make_api
from tests.client.scripted_server import Close, Reply, ScriptedServer

OK = Reply(200, {"success": True, "data": [{"uuid": "a"}]})
UNAVAILABLE = Reply(503, {"success": False, "error": "busy", "error_code": "INTERNAL_ERROR"})


def _error(status: int, code: str | None = None, error: str = "nope") -> Reply:
    body: dict[str, Any] = {"success": False, "error": error, "message": error}
    if code:
        body["error_code"] = code
    return Reply(status, body)


def test_503_twice_then_200(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/contacts", UNAVAILABLE, UNAVAILABLE, OK)
    assert flaky.search_contacts({}).data == [{"uuid": "a"}]
    assert len(scripted.hits("/contacts")) == 3


def test_503_beyond_the_attempts_is_a_server_error(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/contacts/count", UNAVAILABLE)
    with pytest.raises(ServerError) as caught:
        flaky.count_contacts()
    assert caught.value.status == 503
    assert len(scripted.hits("/contacts/count")) == 3  # CONNECTRA_RETRY_ATTEMPTS default


def test_a_503_to_a_create_is_not_sent_again(flaky: Api, scripted: ScriptedServer) -> None:
    """The database may have been lost at commit: a replayed create could be a 409 for a
    record the first attempt made, so the caller gets the 503 and decides."""
    lost = _error(503, "DATABASE_UNAVAILABLE", "ERR_DATABASE_UNAVAILABLE: retry later")
    scripted.plan("/contacts/create", lost, Reply(201, {"success": True, "data": {}}))
    with pytest.raises(ServerError) as caught:
        flaky.create_contact({"first_name": "A", "last_name": "B"})
    assert caught.value.status == 503
    assert len(scripted.hits("/contacts/create")) == 1


def test_a_503_to_an_upsert_is_retried(flaky: Api, scripted: ScriptedServer) -> None:
    lost = _error(503, "DATABASE_UNAVAILABLE", "ERR_DATABASE_UNAVAILABLE: retry later")
    done = Reply(200, {"success": True, "data": {"uuid": "u"}, "is_new": False})
    scripted.plan("/contacts/upsert", lost, done)
    flaky.upsert_contact({"first_name": "A", "last_name": "B"})
    assert len(scripted.hits("/contacts/upsert")) == 2


def test_429_waits_for_retry_after(flaky: Api, scripted: ScriptedServer) -> None:
    limited = Reply(
        429, {"success": False, "error_code": "RATE_LIMIT_EXCEEDED"}, {"Retry-After": "1"}
    )
    scripted.plan("/contacts", limited, OK)
    assert flaky.search_contacts().data == [{"uuid": "a"}]
    first, second = scripted.hits("/contacts")
    assert second.at - first.at >= 0.95


def test_429_with_a_long_retry_after_is_raised_at_once(
    flaky: Api, scripted: ScriptedServer
) -> None:
    scripted.plan("/contacts", Reply(429, {"success": False}, {"Retry-After": "60"}), OK)
    with pytest.raises(RateLimited) as caught:
        flaky.search_contacts()
    assert caught.value.retry_after == 60
    assert len(scripted.hits("/contacts")) == 1


def test_dropped_connection_is_retried(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/contacts", Close(), OK)
    assert flaky.search_contacts().data == [{"uuid": "a"}]
    assert len(scripted.hits("/contacts")) == 2


def test_dropped_connections_beyond_the_attempts(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/contacts", Close())
    with pytest.raises(TransportError) as caught:
        flaky.search_contacts()
    assert caught.value.status is None
    assert str(caught.value).startswith("Connectra API request failed - ")
    assert len(scripted.hits("/contacts")) == 3


def test_create_is_not_resent_after_a_lost_answer(flaky: Api, scripted: ScriptedServer) -> None:
    """The server may have created the record: a replay would only produce a 409."""
    scripted.plan("/contacts/create", Close(), Reply(201, {"success": True, "data": {}}))
    with pytest.raises(TransportError):
        flaky.create_contact({"first_name": "A", "last_name": "B", "email": "a@b.io"})
    assert len(scripted.hits("/contacts/create")) == 1


def test_read_timeout_is_retried(mode: str, scripted: ScriptedServer) -> None:
    api = make_api(mode, base_url=scripted.base, api_key=KEY, timeout=0.3, retry_delay=0.01)
    scripted.plan("/companies/count", Reply(200, {"count": 1}, delay=1.0), Reply(200, {"count": 7}))
    assert api.count_companies() == 7
    assert len(scripted.hits("/companies/count")) == 2
    api.close()


def test_refused_connection_is_a_transport_error(mode: str) -> None:
    api = make_api(mode, base_url=f"http://127.0.0.1:{free_port()}", retry_delay=0.01)
    with pytest.raises(TransportError) as caught:
        api.delete_company("6aa7dce4-330b-52d2-b4c5-605eb4e65a23")
    assert caught.value.__cause__ is not None
    api.close()


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (_error(400, "VALIDATION_ERROR", "ERR_PAGE_SIZE_EXCEEDED: limit"), ValidationFailed),
        (_error(404, "NOT_FOUND"), NotFound),
        (_error(500, "INTERNAL_ERROR"), ServerError),
        (_error(502), ServerError),
        (_error(418), ConnectraClientError),
    ],
)
def test_client_and_server_errors_are_not_retried(
    flaky: Api, scripted: ScriptedServer, reply: Reply, expected: type[Exception]
) -> None:
    scripted.plan("/contacts", reply, OK)
    with pytest.raises(expected) as caught:
        flaky.search_contacts({"limit": 101})
    assert type(caught.value) is expected
    assert len(scripted.hits("/contacts")) == 1


@pytest.mark.parametrize(("key", "expected"), sorted(ERROR_TABLE.items(), key=str))
def test_error_table(
    mode: str, scripted: ScriptedServer, key: tuple[int, str | None], expected: type[Exception]
) -> None:
    status, code = key
    api = make_api(mode, base_url=scripted.base, api_key=KEY, retry_attempts=1)
    scripted.plan("/contacts/count", _error(status, code, "ERR_SOMETHING: explained"))
    with pytest.raises(expected) as caught:
        api.count_contacts()
    api.close()
    error = caught.value
    assert isinstance(error, ConnectraClientError)
    assert (error.status, error.error_code, error.token) == (status, code, "ERR_SOMETHING")
    assert error.message == "ERR_SOMETHING: explained"


def test_non_json_error_body(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/contacts", Reply(502, "<html>bad gateway</html>"))
    with pytest.raises(ServerError) as caught:
        flaky.search_contacts()
    assert caught.value.error_code is None
    assert "bad gateway" in str(caught.value)


def test_redirects_are_followed(flaky: Api, scripted: ScriptedServer) -> None:
    """Original servers answer POST /contacts with a 307 to /contacts/."""
    scripted.plan("/contacts", Reply(307, {}, {"Location": "/contacts/"}))
    scripted.plan("/contacts/", OK)
    assert flaky.search_contacts({"limit": 1}).data == [{"uuid": "a"}]
    assert scripted.hits("/contacts/")[0].body == {"limit": 1}


def test_degraded_health_is_returned_not_retried(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/health", Reply(503, {"status": "degraded", "index": {"ok": False}}))
    assert flaky.health_check()["status"] == "degraded"
    assert len(scripted.hits("/health")) == 1


def test_every_request_carries_the_key(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/companies", OK)
    flaky.search_companies()
    (seen,) = scripted.hits("/companies")
    headers = {k.lower(): v for k, v in seen.headers.items()}
    assert headers["x-api-key"] == KEY
    assert headers["user-agent"].startswith("connectra-python/")
    assert seen.body == {}


def test_backoff_grows_and_stays_under_the_cap(mode: str, scripted: ScriptedServer) -> None:
    api = make_api(mode, base_url=scripted.base, retry_attempts=4, retry_delay=0.2)
    scripted.plan("/contacts", UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, OK)
    start = time.monotonic()
    api.search_contacts()
    api.close()
    # Full jitter: each wait is uniform in [0, 0.2·2^n], so three waits stay under 1.4 s.
    assert time.monotonic() - start < 1.4 + 0.5
    assert len(scripted.hits("/contacts")) == 4
