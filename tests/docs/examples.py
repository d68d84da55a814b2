"""The runnable examples of docs/*.md: fenced blocks whose first line is
```` ```json METHOD /path ```` (optionally followed by ``expect STATUS``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
_BLOCK = re.compile(
    r"^```json (GET|POST|PUT|DELETE) (\S+)(?: expect (\d{3}))?\n(.*?)^```$", re.M | re.S
)


@dataclass(frozen=True)
class Example:
    source: str  # file:line, for messages
    method: str
    path: str
    status: int
    body: Any


def examples(path: Path) -> list[Example]:
    text = path.read_text()
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        method, route, status, body = match.groups()
        found.append(
            Example(f"{path.name}:{line}", method, route, int(status or 200), orjson.loads(body))
        )
    return found
