"""The SQLite URL's ``timeout``: how long a write waits for another process's lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectra.errors import ConfigurationError
from connectra.store.engine import make_engine


@pytest.mark.parametrize(("query", "busy_ms"), [("", 30_000), ("?timeout=2.5", 2_500),
                                                ("?timeout=0", 0)])  # fmt: skip
def test_the_busy_timeout_follows_the_url(tmp_path: Path, query: str, busy_ms: int) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}{query}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == busy_ms
    finally:
        engine.dispose()


@pytest.mark.parametrize("value", ["abc", "-1", "3601", "nan", "inf"])
def test_a_bad_timeout_is_a_configuration_error(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigurationError, match="timeout must be seconds"):
        make_engine(f"sqlite:///{tmp_path / 'a.db'}?timeout={value}")
