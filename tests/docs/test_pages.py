"""docs/ and the README against the code: every setting, route, column and command is documented,
and no link leads out of the repository."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic_settings import BaseSettings

from connectra.api.app import create_app
from connectra.api.ratelimit import make_rate_limiter
from connectra.cli import cli
from connectra.gateway.settings import GatewaySettings
from connectra.index.memory import MemoryIndex
from connectra.model.fields import ENTITIES
from connectra.model.rows import CSV_HEADERS
from connectra.settings import Settings, load_settings
from connectra.store.database import Store
from tests.docs.examples import DOCS, ROOT

PAGES = sorted(DOCS.glob("*.md"))
README = ROOT / "README.md"
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| ([^|]*) \|", re.M)
SETTINGS_TABLE = "| variable | default | meaning |"
SETTINGS_TABLE = "| variable | default | meaning |"
_COMMAND_ROW = re.compile(r"^\| `connectra ([a-z_-]+)(?: ([a-z_]+))?", re.M)


def _text(path: Path) -> str:
    return path.read_text()


def test_the_docs_pages_exist_and_the_readme_links_each() -> None:
    names = {page.name for page in PAGES}
    assert {"vql.md", "csv.md", "api.md", "data-model.md", "configuration.md"} <= names
    readme = _text(README)
    for page in PAGES:
        assert f"(docs/{page.name})" in readme, f"README does not link docs/{page.name}"


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: p.name)
def test_links_stay_inside_the_repository(path: Path) -> None:
    text = _text(path)
    assert "../shared" not in text
    for target in _LINK.findall(text):
        if target.startswith(("http://", "https://")) or target.startswith("#"):
            continue
        file = (path.parent / target.split("#", 1)[0]).resolve()
        assert file.is_relative_to(ROOT), f"{path.name}: {target} leaves the repository"
        assert file.exists(), f"{path.name}: {target} does not exist"


def _default(value: Any) -> str:
    """How configuration.md writes a default."""
    if value is None or value == "":
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _documented_settings() -> dict[str, str]:
    """Rows of the configuration page's settings tables (not of "accepted but not used")."""
    tables = _text(DOCS / "configuration.md").split(SETTINGS_TABLE)[1:]
    rows = [row for table in tables for row in _ROW.findall(table.split("\n\n", 1)[0])]
    return {name: default.strip() for name, default in rows}


@pytest.mark.parametrize("settings", [Settings, GatewaySettings], ids=lambda s: s.__name__)
def test_every_setting_is_documented_with_its_default(settings: type[BaseSettings]) -> None:
    documented = _documented_settings()
    for name, field in settings.model_fields.items():
        variable = name.upper()
        assert variable in documented, f"{variable} is not in docs/configuration.md"
        assert documented[variable] == _default(field.default), variable


def test_every_documented_setting_exists() -> None:
    known = {name.upper() for cls in (Settings, GatewaySettings) for name in cls.model_fields}
    assert set(_documented_settings()) <= known


def test_every_route_is_in_the_api_page() -> None:
    app = create_app(
        load_settings(None),
        Store.from_url("sqlite://"),
        MemoryIndex(),
        api_keys=["unused"],
        limiter=make_rate_limiter(1, ""),
    )
    text = _text(DOCS / "api.md")
    routes = [
        f"`{method.upper()} {path}`"
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    ]
    assert routes
    missing = [route for route in routes if route not in text]
    assert not missing, f"docs/api.md lacks {missing}"
    for page in ("/docs", "/redoc", "/openapi.json", "/ui"):
        assert f"`GET {page}`" in text


def test_every_column_and_index_field_is_in_the_data_model() -> None:
    text = _text(DOCS / "data-model.md")
    for entity in ENTITIES.values():
        for name in (*entity.column_names, *(field.name for field in entity.index_fields)):
            assert f"| `{name}` |" in text, f"{entity.plural}.{name}"


def test_every_csv_column_is_in_the_csv_page() -> None:
    text = _text(DOCS / "csv.md")
    for header in CSV_HEADERS:
        assert f"| `{header}` |" in text, header


def test_the_readme_commands_table_lists_every_command() -> None:
    documented = set()
    for command, sub in _COMMAND_ROW.findall(_text(README)):
        documented.add(command)
        if sub:
            documented.add(f"{command} {sub}")
    listed = set(cli.commands)
    for name, command in cli.commands.items():
        listed |= {f"{name} {sub}" for sub in getattr(command, "commands", {})}
    assert listed <= documented, f"README's commands table lacks {sorted(listed - documented)}"
    help_text = CliRunner().invoke(cli, ["--help"]).output
    for name in cli.commands:
        assert name in help_text
