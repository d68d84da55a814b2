"""The VQL view in a real browser: edit and run, a server error at its JSON path, snippets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.acceptance.server import Server
from tests.browser.conftest import screenshot


@pytest.fixture
def query(console: Server) -> dict[str, Any]:
    """Five per page of the contacts in the demo data's most common country."""
    with console.client() as client:
        body = {"filter_key": "country", "limit": 100}
        values = client.post("/contacts/filters/data", json=body).json()["data"]
    country = max(values, key=lambda v: v["count"])["value"]
    return {
        "where": {"keyword_match": {"must": {"country": country}}},
        "order_by": [{"order_by": "created_at", "order_direction": "desc"}],
        "limit": 5,
    }


def run_vql(page: Page, vql: object) -> None:
    if page.locator("#vql-panel").is_hidden():
        page.get_by_role("button", name="VQL").click()
    page.get_by_label("VQL sent to").fill(json.dumps(vql, indent=2))
    page.get_by_role("button", name="Run", exact=True).click()


def test_an_edited_query_runs(signed_in: Page, console: Server, query: dict[str, Any]) -> None:
    page = signed_in
    run_vql(page, query)
    with console.client() as client:
        count = client.post("/contacts/count", json=query).json()["count"]
        rows = client.post("/contacts", json=query).json()["data"]
    expect(page.locator("#total")).to_have_attribute("data-count", str(count))
    expect(page.locator("#results tbody tr")).to_have_count(5)
    uuids = page.locator("#results tbody tr").evaluate_all("rs => rs.map(r => r.dataset.uuid)")
    assert uuids == [row["uuid"] for row in rows]
    page.get_by_role("button", name="Next").click()  # paging follows the edited query
    expect(page.locator("#page-label")).to_contain_text("Page 2 · 6–10")


def test_a_vql_error_shows_the_message_and_marks_its_path(signed_in: Page) -> None:
    page = signed_in
    bad = {"where": {"keyword_match": {"must": {"country": "France", "bogus": "x"}}}}
    run_vql(page, bad)
    error = page.locator("#vql-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("unknown or unindexed field 'bogus'")
    expect(error).to_contain_text("where.keyword_match.must.bogus")
    mark = error.locator("mark")
    expect(mark).to_have_attribute("data-path", "where.keyword_match.must.bogus")
    expect(mark).to_contain_text('"bogus": "x"')
    selected = page.evaluate(
        "(() => { const t = document.querySelector('#vql-text');"
        " return t.value.slice(t.selectionStart, t.selectionEnd); })()"
    )
    assert selected.strip() == '"bogus": "x"'
    screenshot(page, "08-vql-error")

    page.get_by_label("VQL sent to").fill("{not json")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(error).to_contain_text("invalid JSON")


def copied(page: Page, button: str) -> str:
    page.get_by_role("button", name=button).click()
    status = page.locator("#copy-status")
    expect(status).to_have_text("Copied.")
    clipboard = str(page.evaluate("navigator.clipboard.readText()"))
    assert clipboard == status.get_attribute("data-copied")
    return clipboard


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl command")
def test_copy_as_curl_runs_the_same_query(
    signed_in: Page, console: Server, query: dict[str, Any]
) -> None:
    page = signed_in
    run_vql(page, query)
    snippet = copied(page, "Copy as curl")
    assert console.key not in snippet  # the key stays out of copied text
    env = {**os.environ, "CONNECTRA_API_KEY": console.key}
    out = subprocess.run(["sh", "-c", snippet], env=env, capture_output=True, text=True, check=True)
    with console.client() as client:
        assert json.loads(out.stdout) == client.post("/contacts", json=query).json()


def test_copy_as_python_runs_with_the_sdk(
    signed_in: Page, console: Server, query: dict[str, Any]
) -> None:
    page = signed_in
    run_vql(page, query)
    snippet = copied(page, "Copy as Python (SDK)")
    env = {**os.environ, "CONNECTRA_API_KEY": console.key}
    out = subprocess.run(
        [sys.executable, "-c", snippet], env=env, capture_output=True, text=True, check=True
    )
    with console.client() as client:
        count = client.post("/contacts/count", json=query).json()["count"]
    lines = out.stdout.splitlines()
    assert lines[0] == f"{count} matches"
    assert len(lines) == 1 + 5
