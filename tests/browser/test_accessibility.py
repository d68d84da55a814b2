"""Keyboard use of the sidebar, and a label on every control of the main screens."""

from __future__ import annotations

from playwright.sync_api import Page, expect

UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.offsetParent !== null)
    .filter((el) => !el.labels?.length && !el.getAttribute("aria-label"))
    .map((el) => el.outerHTML)"""


def test_the_sidebar_works_from_the_keyboard(signed_in: Page) -> None:
    page = signed_in
    page.locator("#f-seniority summary").focus()
    page.keyboard.press("Enter")
    boxes = page.locator("#f-seniority input[type=checkbox]")
    expect(boxes.first).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#f-seniority-search")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#f-seniority-mode")).to_be_focused()
    page.keyboard.press("Tab")
    expect(boxes.first).to_be_focused()
    page.keyboard.press("Space")
    expect(boxes.first).to_be_checked()
    expect(page.locator("#f-seniority .badge")).to_have_text("1")


def test_every_visible_control_has_a_label(signed_in: Page) -> None:
    page = signed_in
    for summary in page.locator("#filters summary").all():
        summary.click()
    expect(page.locator("#f-city label.value").first).to_be_visible()
    page.get_by_role("button", name="VQL").click()
    assert page.locator("#filters input:visible").count() > 30  # the check sees the controls
    assert page.evaluate(UNLABELLED) == []
    page.get_by_role("button", name="New contact").click()
    assert page.evaluate(UNLABELLED) == []
    page.keyboard.press("Escape")
    page.get_by_role("link", name="Jobs").click()
    expect(page.get_by_label("CSV file")).to_be_visible()
    assert page.evaluate(UNLABELLED) == []
