"""Settings: one class that reads the contract's variable names and the URL-style ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")
PRODUCTION_NAMES = frozenset({"production", "prod"})
PRODUCTION_MEMORY_LOG_SECONDS = 300.0  # the contract's default period
SERVER_POOL = (30, 10)  # PostgreSQL connections per process: at most open, at most kept idle
LAMBDA_POOL = (5, 2)  # the contract's Lambda values: one request at a time per instance


class Settings(BaseSettings):
    """Every knob of the service; field names are the environment variable names.

    Built by :func:`load_settings`, never at import time. The URL-style variables
    (``CONNECTRA_*_URL``) win over the contract's split variables (``PG_DB_*``,
    ``ELASTICSEARCH_*``, ``S3_*``); with neither, everything lives under ``./data``. Contract
    variables that have no field here are accepted and ignored (``extra="ignore"``); the README
    lists them with the reason.
    """

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    api_key: str = ""
    max_requests_per_minute: int = Field(default=60, ge=1)
    redis_url: str = ""

    connectra_data_dir: Path = DEFAULT_DATA_DIR
    connectra_database_url: str = ""
    connectra_search_url: str = ""
    connectra_objects_url: str = ""
    connectra_host: str = "127.0.0.1"
    connectra_port: int = Field(default=8000, ge=1, le=65535)
    connectra_public_url: str = ""  # how clients reach this server (embedded upload URLs)

    pg_db_connection: str = ""
    pg_db_host: str = ""
    pg_db_port: int = 5432
    pg_db_database: str = ""
    pg_db_username: str = ""
    pg_db_password: str = ""
    pg_db_debug: bool = False
    pg_db_ssl: bool = False
    pg_db_max_open_conns: int | None = Field(default=None, ge=1)
    pg_db_max_idle_conns: int | None = Field(default=None, ge=1)

    elasticsearch_connection: str = ""
    elasticsearch_host: str = ""
    elasticsearch_port: int = 9200
    elasticsearch_username: str = ""
    elasticsearch_password: str = ""
    elasticsearch_ssl: bool = False

    open_search_connection: str = ""
    open_search_host: str = ""
    open_search_port: int = 9200
    open_search_username: str = ""
    open_search_password: str = ""
    open_search_ssl: bool = False

    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_region: str = "us-east-1"
    s3_bucket: str = ""
    s3_endpoint: str = ""
    s3_ssl: bool = True
    s3_upload_url_ttl_hours: int = Field(default=24, ge=1)
    s3_upload_file_path_prifix: str = "uploads"

    parallel_jobs: int = Field(default=4, ge=1)
    ticker_interval_minutes: int = Field(default=5, ge=1)
    ticker_interval_seconds: float | None = Field(default=None, gt=0)
    batch_size_for_insertion: int = Field(default=500, ge=1)
    run_jobs_in_api: bool = False
    connectra_job_lease_seconds: float = Field(default=60.0, gt=0)  # a dead worker's job waits this

    app_env: str = "development"
    log_format: Literal["json", "text"] | None = None  # default: json in production
    memory_log_interval_seconds: float | None = Field(default=None, ge=0)  # 0 = off
    metrics_public: bool = False
    run_command: str = ""  # what `connectra run` runs (a container's entry point)
    lambda_mode: bool = False
    aws_lambda_function_name: str = ""

    def production(self) -> bool:
        return self.app_env.strip().lower() in PRODUCTION_NAMES

    def log_style(self) -> Literal["json", "text"]:
        """``LOG_FORMAT``, else JSON lines in production and readable text elsewhere."""
        if self.log_format is not None:
            return self.log_format
        return "json" if self.production() else "text"

    def memory_log_seconds(self) -> float:
        """``MEMORY_LOG_INTERVAL_SECONDS``, else every 5 minutes in production and off elsewhere."""
        if self.memory_log_interval_seconds is not None:
            return self.memory_log_interval_seconds
        return PRODUCTION_MEMORY_LOG_SECONDS if self.production() else 0.0

    def in_lambda(self) -> bool:
        return self.lambda_mode or bool(self.aws_lambda_function_name)

    def pool_limits(self) -> tuple[int, int]:
        """(most connections open, most kept idle) of a PostgreSQL store's pool, per process."""
        max_open, max_idle = LAMBDA_POOL if self.in_lambda() else SERVER_POOL
        max_open = self.pg_db_max_open_conns or max_open
        max_idle = self.pg_db_max_idle_conns if self.pg_db_max_idle_conns is not None else max_idle
        return max_open, min(max_idle, max_open)

    def api_keys(self) -> list[str]:
        """The accepted keys: ``API_KEY`` may hold several, comma-separated."""
        return [key.strip() for key in self.api_key.split(",") if key.strip()]

    def database_url(self) -> str:
        """SQLAlchemy URL of the store (SQLite under the data dir by default)."""
        if self.connectra_database_url:
            return self._pg_ssl(_sqlalchemy_url(self.connectra_database_url))
        if self.pg_db_connection:
            return self._pg_ssl(_sqlalchemy_url(self.pg_db_connection))
        if self.pg_db_host:
            user = quote(self.pg_db_username, safe="")
            auth = f"{user}:{quote(self.pg_db_password, safe='')}@" if user else ""
            return self._pg_ssl(
                f"postgresql+psycopg://{auth}{self.pg_db_host}:{self.pg_db_port}"
                f"/{self.pg_db_database}"
            )
        return f"sqlite:///{self.connectra_data_dir / 'connectra.db'}"

    def _pg_ssl(self, url: str) -> str:
        """``PG_DB_SSL=true`` requires TLS unless the DSN already says how (``sslmode=``)."""
        if not self.pg_db_ssl or not url.startswith("postgresql") or "sslmode=" in url:
            return url
        return f"{url}{'&' if '?' in url else '?'}sslmode=require"

    def search_url(self) -> str:
        """Where the search index lives (tantivy under the data dir by default).

        The contract's ``OPEN_SEARCH_*`` / ``ELASTICSEARCH_*`` variables become
        ``opensearch+http[s]://[user:password@]host:port`` (the OpenSearch adapter serves both).
        """
        if self.connectra_search_url:
            return self.connectra_search_url
        for scheme, conn, host, port, ssl, user, password in (
            (
                "elasticsearch",
                self.elasticsearch_connection,
                self.elasticsearch_host,
                self.elasticsearch_port,
                self.elasticsearch_ssl,
                self.elasticsearch_username,
                self.elasticsearch_password,
            ),
            (
                "opensearch",
                self.open_search_connection,
                self.open_search_host,
                self.open_search_port,
                self.open_search_ssl,
                self.open_search_username,
                self.open_search_password,
            ),
        ):
            if conn:
                return f"{scheme}+{conn}"
            if host:
                bare = host.split("://", 1)[-1]
                if ":" not in bare:
                    bare = f"{bare}:{port}"
                auth = f"{quote(user, safe='')}:{quote(password, safe='')}@" if user else ""
                return f"{scheme}+{'https' if ssl else 'http'}://{auth}{bare}"
        return f"tantivy://{self.connectra_data_dir / 'index'}"

    def objects_url(self) -> str:
        """Where uploaded and exported files live (a local directory by default)."""
        if self.connectra_objects_url:
            return self.connectra_objects_url
        if self.s3_bucket:
            return f"s3://{self.s3_bucket}"
        return f"file://{self.connectra_data_dir / 'objects'}"

    def public_url(self) -> str:
        """Base of URLs this server hands out (upload/download links in embedded mode)."""
        if self.connectra_public_url:
            return self.connectra_public_url.rstrip("/")
        # A wildcard bind address is no address a client can use: set CONNECTRA_PUBLIC_URL
        # when the server is reached from other machines.
        wildcard = self.connectra_host in ("0.0.0.0", "::", "")  # noqa: S104 - detecting, not binding
        host = "127.0.0.1" if wildcard else self.connectra_host
        return f"http://{host}:{self.connectra_port}"

    def ticker_seconds(self) -> float:
        """Job runner poll period; ``TICKER_INTERVAL_SECONDS`` overrides the minutes."""
        if self.ticker_interval_seconds is not None:
            return self.ticker_interval_seconds
        return self.ticker_interval_minutes * 60.0


def _sqlalchemy_url(url: str) -> str:
    """Give plain PostgreSQL DSNs the psycopg 3 driver SQLAlchemy needs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Build the settings from the environment (and ``.env`` when present); overrides win."""
    return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
