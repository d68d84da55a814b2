"""The package surface: exports, sync/async parity, configuration, and request building."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

import connectra.client
from connectra.client import AsyncConnectraClient, ConnectraClient, Q
from tests.client.conftest import KEY, Api, make_api
from tests.client.scripted_server import Reply, ScriptedServer

SHARED = {"close", "aclose"}


def test_all_is_sorted_and_importable() -> None:
    names = connectra.client.__all__
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    fresh = importlib.import_module("connectra.client")
    for name in names:
        assert getattr(fresh, name) is not None


def test_py_typed_ships() -> None:
    assert importlib.resources.files("connectra").joinpath("py.typed").is_file()


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and name not in SHARED
    }


def test_sync_and_async_clients_have_the_same_methods() -> None:
    sync, asynchronous = _public(ConnectraClient), _public(AsyncConnectraClient)
    assert sync.keys() == asynchronous.keys()
    assert len(sync) == 36
    for name, signature in sync.items():
        other = asynchronous[name]
        assert list(signature.parameters) == list(other.parameters), name
        assert [p.default for p in signature.parameters.values()] == [
            p.default for p in other.parameters.values()
        ], name
        method = getattr(AsyncConnectraClient, name)
        if name.startswith("iter_"):
            assert not inspect.iscoroutinefunction(method)
        else:
            assert inspect.iscoroutinefunction(method), name


def test_importing_reads_no_environment() -> None:
    code = (
        "import os, connectra.client as c\n"
        "os.environ['CONNECTRA_BASE_URL'] = 'http://late:1/'\n"
        "print(c.ConnectraClient().base_url)"
    )
    env = {"CONNECTRA_BASE_URL": "http://early:2", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "http://late:1"


def test_defaults_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONNECTRA_BASE_URL", "CONNECTRA_API_KEY", "CONNECTRA_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CONNECTRA_RETRY_ATTEMPTS", raising=False)
    monkeypatch.delenv("CONNECTRA_RETRY_DELAY", raising=False)
    with ConnectraClient() as plain:
        assert (plain.base_url, plain.api_key, plain.timeout) == ("http://127.0.0.1:8000", None, 30)
        assert (plain.retry_attempts, plain.retry_delay) == (3, 1.0)
        assert "X-API-Key" not in plain.headers
    monkeypatch.setenv("CONNECTRA_BASE_URL", "https://connectra.example/api//")
    monkeypatch.setenv("CONNECTRA_API_KEY", "from-env")
    monkeypatch.setenv("CONNECTRA_TIMEOUT", "4.5")
    monkeypatch.setenv("CONNECTRA_RETRY_ATTEMPTS", "5")
    monkeypatch.setenv("CONNECTRA_RETRY_DELAY", "0.25")
    client = AsyncConnectraClient()
    assert client.base_url == "https://connectra.example/api"
    assert (client.api_key, client.timeout) == ("from-env", 4.5)
    assert (client.retry_attempts, client.retry_delay) == (5, 0.25)
    assert client.headers["X-API-Key"] == "from-env"
    explicit = ConnectraClient("http://other/", "arg-key", timeout=1, retry_attempts=0)
    assert (explicit.base_url, explicit.api_key, explicit.timeout) == ("http://other", "arg-key", 1)
    assert explicit.retry_attempts == 1  # at least the first attempt
    explicit.close()


def test_a_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTRA_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="CONNECTRA_TIMEOUT"):
        ConnectraClient()


def test_uuid_chunks_hold_at_most_100(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/companies", Reply(200, {"success": True, "data": []}))
    uuids = [f"00000000-0000-0000-0000-{n:012d}" for n in range(250)]
    assert flaky.batch_search_by_uuids([*uuids, uuids[0].upper()], "company", 500) == []
    bodies = [seen.body for seen in scripted.hits("/companies")]
    sizes = [len(b["where"]["keyword_match"]["must"]["uuid"]) for b in bodies]
    assert sizes == [100, 100, 50]
    assert [b["limit"] for b in bodies] == sizes
    with pytest.raises(ValueError, match="batch_size"):
        flaky.batch_search_by_uuids(uuids, "company", 0)


def test_iteration_appends_uuid_only_when_missing(flaky: Api, scripted: ScriptedServer) -> None:
    page = {"success": True, "data": [{"uuid": "b", "cursor": ["7", "b"]}]}
    scripted.plan("/contacts", Reply(200, page), Reply(200, {"success": True, "data": []}))
    query = Q.keyword("city", "Paris").order_by("company_employees_count").page(3)
    assert [r["uuid"] for r in flaky.iter_contacts(query)] == ["b"]
    first, second = (seen.body for seen in scripted.hits("/contacts"))
    assert first["order_by"] == [
        {"order_by": "company_employees_count", "order_direction": "asc"},
        {"order_by": "uuid"},
    ]
    assert (first["limit"], "page" in first, "cursor" in first) == (100, False, False)
    assert second == {**first, "cursor": ["7", "b"]}
    scripted.plan("/companies", Reply(200, {"success": True, "data": []}))
    flaky.iter_companies({"order_by": [{"order_by": "uuid", "order_direction": "desc"}]})
    (only,) = scripted.hits("/companies")
    assert only.body["order_by"] == [{"order_by": "uuid", "order_direction": "desc"}]


def test_writes_drop_none_values(flaky: Api, scripted: ScriptedServer) -> None:
    scripted.plan("/contacts/bulk", Reply(200, {"success": True, "data": {"total_count": 1}}))
    flaky.bulk_upsert_contacts([{"email": "a@b.io", "city": None, "departments": ["x", None]}])
    (seen,) = scripted.hits("/contacts/bulk")
    assert seen.body == {"contacts": [{"email": "a@b.io", "departments": ["x", None]}]}


def test_filter_data_body(mode: str, scripted: ScriptedServer) -> None:
    api = make_api(mode, base_url=scripted.base, api_key=KEY)
    scripted.plan("/companies/filters/data", Reply(200, {"success": True, "data": []}))
    assert api.get_filter_data("company", "industries", search_text="soft", page=2) == []
    assert api.get_filter_data("companies", "industries") == []
    first, second = (seen.body for seen in scripted.hits("/companies/filters/data"))
    assert first == {
        "service": "company",
        "filter_key": "industries",
        "search_text": "soft",
        "page": 2,
        "limit": 25,
    }
    assert "search_text" not in second
    api.close()
