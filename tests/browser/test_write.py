"""Create, edit and delete records in a real browser, with the server's errors on the fields."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.acceptance.server import Server
from tests.browser.conftest import screenshot


def test_create_edit_and_delete_a_contact(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.get_by_role("button", name="New contact").click()
    form = page.locator("#form-dialog")
    required = form.locator("input[required]").evaluate_all("inputs => inputs.map(i => i.name)")
    assert required == ["first_name", "last_name", "email"]
    form.get_by_label("first name").fill("Katherine")
    form.get_by_label("last name").fill("Johnson")
    form.get_by_label("departments").fill("engineering, research")
    form.get_by_label("email", exact=True).fill("not-an-email")
    form.get_by_role("button", name="Save").click()
    email = form.get_by_label("email", exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#field-email-error")).to_contain_text("invalid email format")
    expect(email).to_be_focused()
    screenshot(page, "11-form-error")

    email.fill("katherine.johnson@nasa.example")
    form.get_by_role("button", name="Save").click()
    drawer = page.locator("#drawer")
    expect(drawer.locator("#drawer-title")).to_have_text("Katherine Johnson")
    with console.client() as client:
        query = {"where": {"keyword_match": {"must": {"email": "katherine.johnson@nasa.example"}}}}
        console.wait_indexed()
        [created] = client.post("/contacts", json=query).json()["data"]
    assert created["departments"] == ["engineering", "research"]

    drawer.get_by_role("button", name="Edit").click()
    form.get_by_label("title").fill("Research Mathematician")
    with page.expect_request(lambda request: request.method == "PUT") as put:
        form.get_by_role("button", name="Save").click()
    assert put.value.post_data_json == {"title": "Research Mathematician"}  # only the change
    expect(drawer).to_contain_text("Research Mathematician")
    with console.client() as client:
        record = client.get(f"/contacts/{created['uuid']}").json()["data"]
    assert record["title"] == "Research Mathematician"
    assert record["email"] == "katherine.johnson@nasa.example"

    drawer.get_by_role("button", name="Delete").click()
    confirm = page.locator("#confirm-dialog")
    expect(confirm).to_contain_text("Delete Katherine Johnson?")
    confirm.get_by_role("button", name="Cancel").click()
    with console.client() as client:
        assert client.get(f"/contacts/{created['uuid']}").status_code == 200
    drawer.get_by_role("button", name="Delete").click()
    confirm.get_by_role("button", name="Delete").click()
    expect(drawer).to_be_hidden()
    with console.client() as client:
        assert client.get(f"/contacts/{created['uuid']}").status_code == 404


def test_company_form_shows_a_number_error_on_its_field(signed_in: Page, console: Server) -> None:
    page = signed_in
    page.get_by_role("link", name="Companies").click()
    page.get_by_role("button", name="New company").click()
    form = page.locator("#form-dialog")
    form.get_by_label("name", exact=True).fill("Acme Browser Tests")
    form.get_by_label("employees count").fill("-5")
    form.get_by_role("button", name="Save").click()
    field = form.get_by_label("employees count")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(form.locator("#field-employees_count-error")).to_contain_text("non-negative")
    field.fill("42")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#drawer-title")).to_have_text("Acme Browser Tests")
    expect(page.locator("#drawer")).to_contain_text("42")
