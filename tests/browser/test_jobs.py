"""Export and import through jobs in a real browser, and the jobs page."""

from __future__ import annotations

import csv

from playwright.sync_api import Page, expect

from tests.acceptance.server import Server
from tests.browser.conftest import screenshot

JOB_TIMEOUT_MS = 30_000
IMPORT = (
    "first_name,last_name,email,company,company_linkedin_url,title\n"
    "Grace,Hopper,grace.hopper@navylabs.example,Navy Labs,https://linkedin.com/company/navylabs,"
    "Rear Admiral\n"
    "Broken,Row,only-three-fields\n"
    "Alan,Turing,alan.turing@bletchley.example,Bletchley,https://linkedin.com/company/bp,"
    "Mathematician\n"
)


def test_export_the_current_query_and_download_the_csv(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.locator("#f-seniority summary").click()
    page.locator("#f-seniority label.value", has_text="director").first.click()
    where = {"keyword_match": {"must": {"seniority": ["director"]}}}
    with console.client() as client:
        expected = client.post("/contacts", json={"where": where, "limit": 100}).json()["data"]
    expect(page.locator("#total")).to_have_attribute("data-count", str(len(expected)))
    page.get_by_role("button", name="Export CSV").click()
    link = page.get_by_role("link", name="Download CSV")
    expect(link).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(page.locator("#export-progress")).to_have_attribute("value", str(len(expected)))
    screenshot(page, "09-export")
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["uuid", "first_name", "last_name", "title", "seniority", "email",
                             "city", "country"]  # fmt: skip
    assert sorted(r["uuid"] for r in rows) == sorted(r["uuid"] for r in expected)
    assert {r["seniority"] for r in rows} == {"director"}


def test_import_a_csv_with_one_bad_row(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.get_by_role("link", name="Jobs").click()
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": IMPORT.encode()}
    )
    page.get_by_role("button", name="Import").click()
    status = page.locator("#import-status")
    expect(status).to_contain_text("Import done", timeout=JOB_TIMEOUT_MS)
    errors = page.get_by_role("list", name="Row errors").get_by_role("listitem")
    expect(errors).to_have_count(1)
    expect(errors.first).to_have_text("line 3: expected 6 fields, got 3")
    expect(page.locator("#import-progress")).to_have_attribute("value", str(len(IMPORT)))
    first_job = page.locator("#jobs-table tbody tr").first
    expect(first_job).to_contain_text("insert_csv_file")
    expect(first_job).to_contain_text("completed")
    screenshot(page, "10-import")
    console.wait_indexed()
    emails = ["grace.hopper@navylabs.example", "alan.turing@bletchley.example"]
    query = {"where": {"keyword_match": {"must": {"email": emails}}}}
    with console.client() as client:
        assert client.post("/contacts/count", json=query).json()["count"] == 2


def test_jobs_page_lists_recent_jobs(signed_in: Page, console: Server) -> None:
    page = signed_in
    with console.client() as client:
        jobs = client.post("/common/jobs", json={"limit": 50}).json()["data"]
    page.get_by_role("link", name="Jobs").click()
    rows = page.locator("#jobs-table tbody tr")
    expect(rows).to_have_count(len(jobs))
    for row, job in zip(rows.all(), jobs, strict=True):
        expect(row).to_contain_text(job["uuid"])
        expect(row.locator(".status")).to_have_text(job["status"])
