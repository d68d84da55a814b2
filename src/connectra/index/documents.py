"""Entity rows → index documents, the form every engine and the reference matcher read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from connectra.model.fields import Entity, FieldKind, IndexField
from connectra.model.text import lower
from connectra.model.timestamps import epoch_micros

# The row's updated_at (epoch microseconds) rides along in every document, outside the VQL field
# catalogue (it is not searchable, CONTRACT.md §c.6): `connectra verify` compares it with the
# store to find stale documents.
UPDATED_AT = "updated_at"


def _source(field: IndexField, row: Mapping[str, Any], company: Mapping[str, Any] | None) -> Any:
    if field.from_company:
        return None if company is None else company.get(field.source.removeprefix("company."))
    return row.get(field.source)


def _index_value(field: IndexField, value: Any) -> Any:
    if value is None or value in ("", []):
        return None
    if field.kind is FieldKind.KEYWORD:
        if isinstance(value, list):
            return [lower(str(v)) for v in value if v] or None
        return lower(str(value))
    if field.kind is FieldKind.DATE:
        assert isinstance(value, datetime)
        return epoch_micros(value)
    if field.kind is FieldKind.NUMBER:
        return int(value)
    return str(value)


def build_document(
    entity: Entity, row: Mapping[str, Any], company: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The search document of ``row``; a contact also copies its company's indexed fields.

    Keyword values are lower-cased (matching is case-insensitive, §0.2.1), dates become epoch
    microseconds, empty values are left out.
    """
    document: dict[str, Any] = {}
    for field in entity.index_fields:
        value = _index_value(field, _source(field, row, company))
        if value is not None:
            document[field.name] = value
    updated = row.get(UPDATED_AT)
    if isinstance(updated, datetime):
        document[UPDATED_AT] = epoch_micros(updated)
    return document
