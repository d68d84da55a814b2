"""The search page in a real browser: sign-in, filters, sorting, columns, paging, the drawer."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.acceptance.server import Server
from tests.browser.conftest import screenshot

ROWS = "#results tbody tr"


def shown_uuids(page: Page) -> list[str]:
    return list(page.locator(ROWS).evaluate_all("rows => rows.map(r => r.dataset.uuid)"))


def shown_query(page: Page) -> dict[str, Any]:
    return dict(json.loads(page.locator("#vql-text").input_value()))


def api_count(console: Server, where: dict[str, Any]) -> int:
    with console.client() as client:
        return int(client.post("/contacts/count", json={"where": where}).json()["count"])


def test_sign_in_keeps_the_key_in_session_storage_only(page: Page, console: Server) -> None:
    page.goto("/ui")
    screenshot(page, "01-sign-in")
    page.get_by_label("API key").fill("wrong-key")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#login-error")).to_have_text("That API key was refused.")
    page.get_by_label("API key").fill(console.key)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#total")).to_have_attribute("data-count", str(api_count(console, {})))
    assert page.evaluate("sessionStorage.getItem('connectra.apiKey')") == console.key
    assert console.key not in page.url
    screenshot(page, "02-contacts")
    page.evaluate("sessionStorage.setItem('connectra.apiKey', 'revoked')")
    page.get_by_role("button", name="Seniority").click()  # the next request is refused
    expect(page.locator("#login-error")).to_have_text("The API key was refused; sign in again.")
    page.get_by_label("API key").fill(console.key)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#total")).to_have_attribute("data-count", str(api_count(console, {})))
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("API key")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('connectra.apiKey')") is None


def test_dropdown_filter_count_equals_the_api_count(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.locator("#f-seniority summary").click()
    page.locator("#f-seniority label.value", has_text="senior").first.click()
    where = {"keyword_match": {"must": {"seniority": ["senior"]}}}
    expected = api_count(console, where)
    expect(page.locator("#total")).to_have_attribute("data-count", str(expected))
    assert shown_query(page)["where"] == where
    screenshot(page, "03-filtered")

    page.locator("#f-seniority-mode").select_option("exclude")
    excluded = api_count(console, {"keyword_match": {"must_not": {"seniority": ["senior"]}}})
    expect(page.locator("#total")).to_have_attribute("data-count", str(excluded))
    assert excluded + expected == api_count(console, {})
    page.get_by_role("button", name="Clear all").click()
    expect(page.locator("#total")).to_have_attribute("data-count", str(api_count(console, {})))
    assert "where" not in shown_query(page)


def test_type_ahead_and_paging_of_dropdown_values(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.locator("#f-city summary").click()
    values = page.locator("#f-city label.value")
    expect(values).to_have_count(10)
    page.locator("#f-city").get_by_role("button", name="More values").click()
    expect(values.nth(10)).to_be_visible()
    last = values.nth(10).locator("span").first.inner_text()
    body = {"filter_key": "city", "search_text": last[1:4], "limit": 10}
    with console.client() as client:
        found = client.post("/contacts/filters/data", json=body).json()["data"]
    page.locator("#f-city-search").fill(last[1:4])
    expect(values).to_have_count(len(found))
    assert [f"{v['display_value']}\n{v['count']}" for v in found] == values.all_inner_texts()
    assert last in [v["value"] for v in found]  # the search reaches beyond the first page
    page.get_by_role("button", name="Clear all").click()
    expect(values).to_have_count(10)  # the search is cleared with the rest


def test_text_and_range_filters_build_vql(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.locator("#f-title summary").click()
    page.locator("#f-title-text").fill("engineer")
    page.locator("#f-created_at summary").click()
    page.locator("#f-created_at-gte").fill("2000-01-01")
    where = {
        "text_matches": {
            "must": [{"text_value": "engineer", "filter_key": "title", "search_type": "shuffle"}]
        },
        "range_query": {"must": {"created_at": {"gte": "2000-01-01"}}},
    }
    expect(page.locator("#vql-text")).to_have_value(re.compile(r'"gte": "2000-01-01"'))
    expect(page.locator("#total")).to_have_attribute("data-count", str(api_count(console, where)))
    assert shown_query(page)["where"] == where

    page.locator("#f-title-text").fill("enginer")
    page.locator("#f-title-text").press("Enter")  # the sidebar form never reloads the page
    page.locator("#f-title").get_by_label("Allow typos").check()
    where["text_matches"]["must"][0].update({"text_value": "enginer", "fuzzy": True})
    expect(page.locator("#vql-text")).to_have_value(re.compile(r'"fuzzy": true'))
    expect(page.locator("#total")).to_have_attribute("data-count", str(api_count(console, where)))
    assert shown_query(page)["where"] == where
    assert page.url.endswith("/ui/")


def test_cursor_paging_forward_and_back(signed_in: Page, console: Server) -> None:
    page = signed_in
    query = shown_query(page)
    with console.client() as client:
        first = client.post("/contacts", json=query).json()["data"]
        second = client.post("/contacts", json={**query, "cursor": first[-1]["cursor"]}).json()
    assert shown_uuids(page) == [row["uuid"] for row in first]
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#page-label")).to_contain_text("Page 2")
    assert shown_uuids(page) == [row["uuid"] for row in second["data"]]
    page.get_by_role("button", name="Previous").click()
    expect(page.locator("#page-label")).to_contain_text("Page 1")
    assert shown_uuids(page) == [row["uuid"] for row in first]
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()


def test_sorting_columns_and_company_populate(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.get_by_role("button", name="Seniority").click()
    header = page.locator("th", has_text="Seniority")
    expect(header).to_have_attribute("aria-sort", "ascending")
    query = shown_query(page)
    assert query["order_by"] == [{"order_by": "seniority", "order_direction": "asc"}]
    with console.client() as client:
        expected = client.post("/contacts", json=query).json()["data"]
    expect(page.locator(ROWS).first).to_have_attribute("data-uuid", expected[0]["uuid"])

    page.get_by_role("button", name="Columns").click()
    page.locator("#columns-list").get_by_label("stage").check()
    page.locator("#columns-list").get_by_label("email", exact=True).uncheck()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("th", has_text="stage")).to_be_visible()
    expect(page.locator("th", has_text="email")).to_have_count(0)
    assert "stage" in shown_query(page)["select_columns"]

    page.get_by_label("Show company").check()
    expect(page.locator("th", has_text="company")).to_be_visible()
    assert shown_query(page)["company_config"] == {"populate": True, "select_columns": ["name"]}
    with console.client() as client:
        top = client.post("/contacts", json=shown_query(page)).json()["data"][0]
    expect(page.locator(ROWS).first.locator("td").last).to_have_text(top["company"]["name"])


def test_record_drawer_by_mouse_and_keyboard(signed_in: Page, console: Server) -> None:
    page = signed_in
    uuids = shown_uuids(page)
    with console.client() as client:
        record = client.get(f"/contacts/{uuids[1]}").json()["data"]
        company = client.get(f"/companies/{record['company_id']}").json()["data"]
    page.get_by_role("button", name="New contact").focus()
    page.keyboard.press("Tab")  # past the sortable headers: one tab stop per header button
    for _ in range(page.locator("#results th button").count()):
        page.keyboard.press("Tab")
    expect(page.locator(ROWS).first).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    drawer = page.locator("#drawer")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text(record["email"])
    expect(drawer.locator("#drawer-company")).to_contain_text(company["name"])
    screenshot(page, "04-record")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    page.locator(ROWS).first.click()
    expect(drawer).to_be_visible()


def test_companies_page(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.get_by_role("link", name="Companies").click()
    with console.client() as client:
        total = client.post("/companies/count", json={}).json()["count"]
    expect(page.locator("#total")).to_have_attribute("data-count", str(total))
    expect(page.locator("th", has_text="employees count")).to_be_visible()
    page.locator("#f-employees_count summary").click()
    page.locator("#f-employees_count-gte").fill("100")
    where = {"range_query": {"must": {"employees_count": {"gte": 100}}}}
    with console.client() as client:
        count = client.post("/companies/count", json={"where": where}).json()["count"]
    expect(page.locator("#total")).to_have_attribute("data-count", str(count))
    screenshot(page, "05-companies")

    page.locator(ROWS).first.click()
    company = page.locator(ROWS).first.get_attribute("data-uuid")
    page.get_by_role("button", name="Show its contacts").click()
    where = {"keyword_match": {"must": {"company_id": [company]}}}
    expect(page.locator("#total")).to_have_attribute("data-count", str(api_count(console, where)))
    assert shown_query(page)["where"] == where
    expect(page.locator("#f-company_id .badge")).to_have_text("1")
    assert page.url.endswith("#contacts")


def test_narrow_window(signed_in: Page) -> None:
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    sidebar = page.locator("#sidebar").bounding_box()
    table = page.locator("#search-view .table-wrap").bounding_box()
    assert sidebar is not None
    assert table is not None
    assert sidebar["y"] + sidebar["height"] <= table["y"]  # stacked, not squeezed side by side
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "06-narrow")
    expect(page.locator("#f-seniority")).to_be_hidden()  # filters fold away on a phone
    page.get_by_role("button", name="Show filters").click()
    page.locator("#f-seniority summary").click()
    page.locator("#f-seniority label.value").first.click()
    expect(page.locator("#f-seniority .badge")).to_have_text("1")
    screenshot(page, "07-narrow-filters")
