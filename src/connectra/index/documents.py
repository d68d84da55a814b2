"""Entity rows → index documents, the form every engine and the reference matcher read."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from connectra.model.fields import Entity, FieldKind, IndexField
from connectra.model.text import lower
from connectra.model.timestamps import epoch_micros

Convert = Callable[[Any], Any]
# (document field, source column, conversion) of one side of a document
Plan = tuple[tuple[str, str, Convert], ...]

# The row's updated_at (epoch microseconds) rides along in every document, outside the VQL field
# catalogue (it is not searchable, CONTRACT.md §c.6): `connectra verify` compares it with the
# store to find stale documents.
UPDATED_AT = "updated_at"


def _keyword(value: Any) -> Any:
    if isinstance(value, list):
        return [lower(str(v)) for v in value if v] or None
    return lower(str(value))


def _date(value: Any) -> int:
    assert isinstance(value, datetime)
    return epoch_micros(value)


_CONVERT: dict[FieldKind, Convert] = {
    FieldKind.KEYWORD: _keyword,
    FieldKind.DATE: _date,
    FieldKind.NUMBER: int,
    FieldKind.TEXT: str,
}


def _step(field: IndexField) -> tuple[str, str, Convert]:
    return field.name, field.source.removeprefix("company."), _CONVERT[field.kind]


_PLANS: dict[str, tuple[Plan, Plan]] = {}


def _plans(entity: Entity) -> tuple[Plan, Plan]:
    """The row's own fields and the fields copied from its company (by entity name: hashing
    the entity itself would walk its whole catalogue on every call)."""
    plans = _PLANS.get(entity.name)
    if plans is None:
        own = tuple(_step(f) for f in entity.index_fields if not f.from_company)
        copied = tuple(_step(f) for f in entity.index_fields if f.from_company)
        plans = _PLANS[entity.name] = (own, copied)
    return plans


def _fill(document: dict[str, Any], plan: Plan, row: Mapping[str, Any]) -> None:
    for name, source, convert in plan:
        value = row.get(source)
        if value is None or value in ("", []):
            continue
        value = convert(value)
        if value is not None:
            document[name] = value


def company_part(entity: Entity, company: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``company_*`` copies a document of ``entity`` takes from ``company``."""
    part: dict[str, Any] = {}
    if company is not None:
        _fill(part, _plans(entity)[1], company)
    return part


def build_document(
    entity: Entity,
    row: Mapping[str, Any],
    company: Mapping[str, Any] | None = None,
    *,
    copied: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The search document of ``row``; a contact also copies its company's indexed fields
    (``copied``: its :func:`company_part`, when the caller already has it).

    Keyword values are lower-cased (matching is case-insensitive, §0.2.1), dates become epoch
    microseconds, empty values are left out.
    """
    document: dict[str, Any] = {}
    _fill(document, _plans(entity)[0], row)
    document.update(copied if copied is not None else company_part(entity, company))
    updated = row.get(UPDATED_AT)
    if isinstance(updated, datetime):
        document[UPDATED_AT] = epoch_micros(updated)
    return document


def build_documents(
    entity: Entity, rows: Sequence[Mapping[str, Any]], companies: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """:func:`build_document` of many rows; each company's copies are built once."""
    parent = entity.rules.parent
    parts: dict[str, dict[str, Any]] = {}
    documents = []
    for row in rows:
        company_id = (row.get(parent) if parent else None) or ""
        copied = parts.get(company_id)
        if copied is None:
            copied = parts[company_id] = company_part(entity, companies.get(company_id))
        documents.append(build_document(entity, row, copied=copied))
    return documents
