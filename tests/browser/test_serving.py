"""How the API process serves the console: without the key, only under /ui, only reads."""

from __future__ import annotations

import httpx

from connectra.model.fields import ENTITIES
from tests.acceptance.server import Server, assert_error


def test_the_page_and_its_assets_need_no_key(console: Server) -> None:
    redirect = httpx.get(f"{console.base}/ui")
    assert redirect.status_code == 307
    assert redirect.headers["location"].endswith("/ui/")
    page = httpx.get(f"{console.base}/ui/")
    assert page.status_code == 200
    assert '<script type="module" src="main.js">' in page.text
    script = httpx.get(f"{console.base}/ui/main.js")
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert "x-ratelimit-limit" not in script.headers  # assets do not spend the caller's bucket


def test_the_catalogue_describes_every_entity(console: Server) -> None:
    catalogue = httpx.get(f"{console.base}/ui/catalogue.json").json()
    for name, entity in ENTITIES.items():
        assert [c["name"] for c in catalogue[name]["columns"]] == list(entity.column_names)
        sortable = {f["name"] for f in catalogue[name]["fields"] if f["sortable"]}
        assert sortable == {f.name for f in entity.index_fields if f.sortable}
        assert catalogue[name]["required"] == list(entity.rules.required)


def test_the_exemption_covers_only_reads_under_ui(console: Server) -> None:
    assert_error(httpx.post(f"{console.base}/ui/catalogue.json"), 401, "UNAUTHORIZED")
    assert_error(httpx.get(f"{console.base}/uix"), 401, "UNAUTHORIZED")
    assert httpx.get(f"{console.base}/ui/missing.js").status_code == 404
