from __future__ import annotations

import re
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
    "APP_ENV", "LOG_FORMAT", "MEMORY_LOG_INTERVAL_SECONDS", "LAMBDA_MODE",
    "AWS_LAMBDA_FUNCTION_NAME", "PG_DB_MAX_OPEN_CONNS", "PG_DB_MAX_IDLE_CONNS", "PG_DB_SSL",
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


def test_pg_db_ssl_requires_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_DB_HOST", "db.internal")
    monkeypatch.setenv("PG_DB_SSL", "true")
    assert load_settings(env_file=None).database_url().endswith("/?sslmode=require")
    monkeypatch.setenv("PG_DB_CONNECTION", "postgres://u@h/db?sslmode=verify-full")
    assert load_settings(env_file=None).database_url().endswith("?sslmode=verify-full")


# CONTRACT §h: every variable of the original deployment.
SECTION_H = [
    "APP_ENV", "API_KEY", "MAX_REQUESTS_PER_MINUTE", "MEMORY_LOG_INTERVAL_SECONDS", "RUN_COMMAND",
    "LAMBDA_MODE", "AWS_LAMBDA_FUNCTION_NAME", "PG_DB_CONNECTION", "PG_DB_HOST", "PG_DB_PORT",
    "PG_DB_DATABASE", "PG_DB_USERNAME", "PG_DB_PASSWORD", "PG_DB_DEBUG", "PG_DB_SSL",
    "PG_DB_MAX_OPEN_CONNS", "PG_DB_MAX_IDLE_CONNS", "ES_MAX_IDLE_CONNS",
    "ES_MAX_IDLE_CONNS_PER_HOST", "ELASTICSEARCH_CONNECTION", "ELASTICSEARCH_HOST",
    "ELASTICSEARCH_PORT", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD",
    "ELASTICSEARCH_DEBUG", "ELASTICSEARCH_SSL", "ELASTICSEARCH_AUTH", "OPEN_SEARCH_CONNECTION",
    "OPEN_SEARCH_HOST", "OPEN_SEARCH_PORT", "OPEN_SEARCH_USERNAME", "OPEN_SEARCH_PASSWORD",
    "OPEN_SEARCH_DEBUG", "OPEN_SEARCH_SSL", "OPEN_SEARCH_AUTH", "S3_ACCESS_KEY", "S3_SECRET_KEY",
    "S3_REGION", "S3_BUCKET", "S3_ENDPOINT", "S3_SSL", "S3_DEBUG", "S3_UPLOAD_URL_TTL_HOURS",
    "S3_UPLOAD_FILE_PATH_PRIFIX", "JOB_IN_QUEUE_SIZE", "PARALLEL_JOBS", "TICKER_INTERVAL_MINUTES",
    "BATCH_SIZE_FOR_INSERTION", "JOB_TYPE", "TICKER_INTERVAL_SECONDS", "RUN_JOBS_IN_API",
]  # fmt: skip
ROOT = Path(__file__).resolve().parents[2]


def _read_in_source(name: str) -> bool:
    """Some module other than the field's definition reads ``settings.<name>`` (or the class
    reads ``self.<name>``)."""
    pattern = re.compile(rf"\b(settings|self)\.{name.lower()}\b")
    settings_py = ROOT / "src/connectra/settings.py"
    for path in (ROOT / "src/connectra").rglob("*.py"):
        text = path.read_text()
        if path == settings_py:
            text = text.replace(f"    {name.lower()}:", "")
        if pattern.search(text):
            return True
    return False


def _listed_as_unused(name: str) -> bool:
    page = (ROOT / "docs" / "configuration.md").read_text()
    section = page.split("## Accepted but not used", 1)[1].split("\n## ", 1)[0]
    return f"`{name}`" in section


@pytest.mark.parametrize("name", SECTION_H)
def test_every_contract_variable_is_honoured_or_listed_as_unused(name: str) -> None:
    assert _read_in_source(name) != _listed_as_unused(name), (
        f"{name}: honoured={_read_in_source(name)}, listed as unused={_listed_as_unused(name)}"
    )


def test_every_setting_is_read() -> None:
    from connectra.settings import Settings

    unread = [name for name in Settings.model_fields if not _read_in_source(name.upper())]
    assert unread == []


def test_app_env_selects_log_and_memory_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    development = load_settings(env_file=None)
    assert (development.log_style(), development.memory_log_seconds()) == ("text", 0.0)
    monkeypatch.setenv("APP_ENV", "Production")
    production = load_settings(env_file=None)
    assert (production.log_style(), production.memory_log_seconds()) == ("json", 300.0)
    monkeypatch.setenv("LOG_FORMAT", "text")
    monkeypatch.setenv("MEMORY_LOG_INTERVAL_SECONDS", "0")
    explicit = load_settings(env_file=None)
    assert (explicit.log_style(), explicit.memory_log_seconds()) == ("text", 0.0)


def test_pool_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(env_file=None).pool_limits() == (30, 10)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "connectra-api")
    assert load_settings(env_file=None).pool_limits() == (5, 2)
    monkeypatch.setenv("PG_DB_MAX_OPEN_CONNS", "4")
    monkeypatch.setenv("PG_DB_MAX_IDLE_CONNS", "9")
    assert load_settings(env_file=None).pool_limits() == (4, 4)  # never more idle than open


def test_pg_db_ssl_applies_to_the_url_variable_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PG_DB_SSL", "true")
    monkeypatch.setenv("CONNECTRA_DATABASE_URL", "postgresql://u@db/connectra")
    assert load_settings(env_file=None).database_url().endswith("/connectra?sslmode=require")
    monkeypatch.setenv("CONNECTRA_DATABASE_URL", "sqlite:///x.db")
    assert load_settings(env_file=None).database_url() == "sqlite:///x.db"
