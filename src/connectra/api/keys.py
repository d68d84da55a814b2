"""API keys: from ``API_KEY``, else one generated on first start and kept under the data dir."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass

from connectra.settings import Settings

KEY_FILE = "api_key"
KEY_ID_CHARS = 12  # 48 bits: distinct for any realistic number of keys, and says nothing of one


@dataclass(frozen=True, slots=True)
class ApiKeys:
    keys: list[str]
    generated: str | None  # set only on the start that created it, so it is shown once


def resolve_api_keys(settings: Settings) -> ApiKeys:
    configured = settings.api_keys()
    if configured:
        return ApiKeys(configured, None)
    path = settings.connectra_data_dir / KEY_FILE
    if path.exists():
        return ApiKeys([path.read_text().strip()], None)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return ApiKeys([key], key)


def key_id(key: str) -> str:
    """How logs and metrics name a key: a short hash, never the key itself."""
    return hashlib.sha256(key.encode()).hexdigest()[:KEY_ID_CHARS]
