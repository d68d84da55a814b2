"""Index documents → tantivy JSON, many at a time, for ``IndexWriter.add_json``.

A batch repeats most of its values (countries, seniorities, a company's copies on each of its
contacts), so each field's JSON fragment is computed once per distinct value in the batch and
the documents are joined from fragments; tantivy parses the JSON in Rust. A document that JSON
cannot carry (a lone surrogate in a string) comes back as None: the caller adds it through
``Document.from_dict`` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from connectra.index.base import Document
from connectra.index.tantivy.schema import field_values, row_fields
from connectra.model.fields import Entity, IndexField


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _fragment(field: IndexField, value: Any) -> bytes:
    out: dict[str, Any] = {}
    field_values(field, value, out)
    return orjson.dumps(out)[1:-1]  # the members without the braces; b"" when none


def encode_json(entity: Entity, documents: Sequence[Document]) -> list[str | None]:
    """The JSON text of each document (None where JSON cannot carry it)."""
    fields = entity.index_fields
    memo: dict[tuple[str, Any], bytes] = {}
    encoded: list[str | None] = []
    for doc in documents:
        try:
            parts = [orjson.dumps(row_fields(doc))[1:-1]]
            for field in fields:
                value = doc.get(field.name)
                if value is None:
                    continue
                key = (field.name, _key(value))
                fragment = memo.get(key)
                if fragment is None:
                    fragment = memo[key] = _fragment(field, value)
                parts.append(fragment)
        except orjson.JSONEncodeError:
            encoded.append(None)
            continue
        encoded.append((b"{" + b",".join(part for part in parts if part) + b"}").decode())
    return encoded
