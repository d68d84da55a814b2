from __future__ import annotations

from pathlib import Path

import pytest

from connectra.index.opensearch import ClusterAddress, parse_search_url
from connectra.settings import load_settings

CONTRACT_VARS = [
    "API_KEY", "PG_DB_CONNECTION", "PG_DB_HOST", "PG_DB_PORT", "PG_DB_DATABASE",
    "PG_DB_USERNAME", "PG_DB_PASSWORD", "ELASTICSEARCH_HOST", "ELASTICSEARCH_PORT",
    "ELASTICSEARCH_CONNECTION", "ELASTICSEARCH_SSL", "OPEN_SEARCH_HOST", "S3_BUCKET",
    "CONNECTRA_DATABASE_URL", "CONNECTRA_SEARCH_URL", "CONNECTRA_OBJECTS_URL",
    "CONNECTRA_DATA_DIR", "TICKER_INTERVAL_SECONDS", "TICKER_INTERVAL_MINUTES",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CONTRACT_VARS:
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_embedded_under_data() -> None:
    settings = load_settings(env_file=None)
    assert settings.database_url() == "sqlite:///data/connectra.db"
    assert settings.search_url() == "tantivy://data/index"
    assert settings.objects_url() == "file://data/objects"
    assert settings.max_requests_per_minute == 60
    assert settings.batch_size_for_insertion == 500
    assert settings.connectra_port == 8000
    assert settings.api_keys() == []


def test_pg_parts_build_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_DB_HOST", "db.internal")
    monkeypatch.setenv("PG_DB_DATABASE", "connectra")
    monkeypatch.setenv("PG_DB_USERNAME", "app")
    monkeypatch.setenv("PG_DB_PASSWORD", "p@ss/word")
    url = load_settings(env_file=None).database_url()
    assert url == "postgresql+psycopg://app:p%40ss%2Fword@db.internal:5432/connectra"


def test_url_style_variable_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_DB_HOST", "ignored")
    monkeypatch.setenv("CONNECTRA_DATABASE_URL", "postgres://u@h/db")
    assert load_settings(env_file=None).database_url() == "postgresql+psycopg://u@h/db"


def test_search_and_objects_from_contract_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELASTICSEARCH_HOST", "http://es.internal")
    monkeypatch.setenv("ELASTICSEARCH_SSL", "true")
    monkeypatch.setenv("S3_BUCKET", "exports")
    settings = load_settings(env_file=None)
    assert settings.search_url() == "elasticsearch+https://es.internal:9200"
    assert settings.objects_url() == "s3://exports"


def test_several_api_keys_and_ticker_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_KEY", " k1, k2 ,,")
    monkeypatch.setenv("TICKER_INTERVAL_SECONDS", "0.5")
    settings = load_settings(env_file=None)
    assert settings.api_keys() == ["k1", "k2"]
    assert settings.ticker_seconds() == 0.5


def test_dotenv_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("API_KEY=from-file\nMAX_REQUESTS_PER_MINUTE=180\n")
    monkeypatch.setenv("API_KEY", "from-env")
    settings = load_settings(env_file=env_file)
    assert settings.api_keys() == ["from-env"]
    assert settings.max_requests_per_minute == 180


def test_data_dir_moves_every_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTRA_DATA_DIR", "/srv/connectra")
    settings = load_settings(env_file=None)
    assert settings.database_url() == "sqlite:////srv/connectra/connectra.db"
    assert settings.search_url() == "tantivy:///srv/connectra/index"


def test_open_search_variables_with_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_SEARCH_HOST", "search.internal")
    monkeypatch.setenv("OPEN_SEARCH_PORT", "9201")
    monkeypatch.setenv("OPEN_SEARCH_USERNAME", "app")
    monkeypatch.setenv("OPEN_SEARCH_PASSWORD", "p@ss")
    url = load_settings(env_file=None).search_url()
    assert url == "opensearch+http://app:p%40ss@search.internal:9201"
    address = parse_search_url(url)
    assert address == ClusterAddress(
        hosts=(("search.internal", 9201),),
        use_ssl=False,
        prefix="connectra",
        username="app",
        password="p@ss",
    )


def test_open_search_connection_string(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_SEARCH_CONNECTION", "https://search.internal:443")
    url = load_settings(env_file=None).search_url()
    assert parse_search_url(url).use_ssl
    assert parse_search_url(url).hosts == (("search.internal", 443),)
