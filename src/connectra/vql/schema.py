"""The VQL request body of one entity as JSON Schema, for the OpenAPI document.

:mod:`connectra.vql.models` checks the structure; :mod:`connectra.vql.validate` checks it against
the entity's catalogue. This module declares both, so that a body the document calls valid is
never refused: field names are the entity's, values are of their field's kind, ranges hold a
bound, substring search names an n-gram field, and a cursor holds one value per sort key, of
that key's kind (see :func:`_cursors`).
"""

from __future__ import annotations

from itertools import product

from connectra.jsonschema import Schema, object_variants
from connectra.limits import PAGE_MAX, PAGE_SIZE_MAX
from connectra.model.fields import COMPANY, Entity, FieldKind, IndexField
from connectra.model.identity import UUID_RE
from connectra.vql.ast import TextMode

# JSON Schema cannot say "as many values as sort keys, each of its key's kind" in general: the
# combinations are spelled out for up to this many sort keys (longer cursors work the same).
CURSOR_KEYS_DECLARED = 2
_TIE = r"\|" + UUID_RE.pattern.strip("^$")  # the uuid tie-break a cursor's last value ends with
# A numeric string as both Python (int/float) and ECMA 262 read it, small enough to stay finite.
_NUMERIC = r"-?[0-9]{1,15}(\.[0-9]{1,15})?"
# An ISO 8601 date or date-time Python's fromisoformat reads (days to 28: every month has them).
_DATE = (
    r"[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?)?"
)
_EPOCH_MS = {"type": "integer", "minimum": -62135596800000, "maximum": 253402300799999}
_SCALAR: Schema = {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]}
_BOUNDS = ("gte", "gt", "lte", "lt")


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _pattern(body: str) -> Schema:
    return {"type": "string", "pattern": f"^{body}$"}


def _value(kind: FieldKind) -> Schema:
    """A value a keyword_match or range bound of this kind reads (vql.values)."""
    if kind is FieldKind.NUMBER:
        return {"anyOf": [{"type": "number"}, _pattern(_NUMERIC)]}
    if kind is FieldKind.DATE:
        return {"anyOf": [_EPOCH_MS, _pattern(_DATE)]}
    return _SCALAR


def _cursor_value(kind: FieldKind, last: bool) -> Schema:
    """A cursor value of a sort key of this kind (vql.cursor); the last may carry the tie."""
    tie = f"({_TIE})?" if last else ""
    if kind is FieldKind.NUMBER:
        return {"anyOf": [{"type": "integer"}, _pattern(f"-?[0-9]{{1,18}}{tie}")]}
    if kind is FieldKind.DATE:
        return _pattern(f"({_DATE})?{tie}")
    return {"type": "string"}


def _names(fields: list[IndexField]) -> list[str]:
    return [field.name for field in fields]


def _text_condition(entity: Entity) -> Schema:
    searchable = [f for f in entity.index_fields if f.kind in (FieldKind.TEXT, FieldKind.KEYWORD)]
    whole_words = [mode.value for mode in TextMode if mode is not TextMode.SUBSTRING]
    base = {
        "type": "object",
        "additionalProperties": False,
        "required": ["text_value", "filter_key", "search_type"],
        "properties": {
            "text_value": {"type": "string"},
            "filter_key": {"enum": _names(searchable)},
            "search_type": {"enum": [mode.value for mode in TextMode]},
            "slop": _nullable({"type": "integer", "minimum": 0}),
            "operator": _nullable({"enum": ["and", "or", "AND", "OR"]}),
            "fuzzy": _nullable({"type": "boolean"}),
        },
    }
    # substring search needs the field's n-grams
    ngram = _names([f for f in searchable if f.ngram])
    return object_variants(
        base,
        [
            {"properties": {"search_type": {"enum": whole_words}}},
            {"properties": {"filter_key": {"enum": ngram}}},
        ],
    )


def _conditions(values: dict[str, Schema]) -> Schema:
    """``{"must": {field: value}, "must_not": {...}}`` over the given fields."""
    by_field = _nullable({"type": "object", "additionalProperties": False, "properties": values})
    return _nullable(
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {"must": by_field, "must_not": by_field},
        }
    )


def _where(entity: Entity) -> Schema:
    condition = _text_condition(entity)
    texts = _nullable({"type": "array", "items": condition})
    keywords = {
        field.name: {"anyOf": [_value(field.kind), {"type": "array", "items": _value(field.kind)}]}
        for field in entity.index_fields
    }
    ranges = {
        field.name: {
            "type": "object",
            "additionalProperties": False,
            "minProperties": 1,
            "properties": {bound: _value(field.kind) for bound in _BOUNDS},
        }
        for field in entity.index_fields
        if field.kind is not FieldKind.TEXT
    }
    return _nullable(
        {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "text_matches": _nullable(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"must": texts, "must_not": texts},
                    }
                ),
                "keyword_match": _conditions(keywords),
                "range_query": _conditions(ranges),
            },
        }
    )


def _sort_key(order_by: Schema) -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "order_by": order_by,
            "order_direction": _nullable({"enum": ["asc", "desc"]}),
        },
    }


def _cursors(entity: Entity) -> list[Schema]:
    """No cursor, or a cursor of n values with n sort keys, one per kind combination."""
    sortable = [field for field in entity.index_fields if field.sortable]
    kinds = list(dict.fromkeys(field.kind for field in sortable))
    by_kind = {kind: [f.name for f in sortable if f.kind is kind] for kind in kinds}
    variants: list[Schema] = [
        {"properties": {"cursor": _nullable({"type": "array", "maxItems": 0})}}
    ]
    for count in range(1, CURSOR_KEYS_DECLARED + 1):
        for combination in product(kinds, repeat=count):
            keys = [
                {**_sort_key({"enum": by_kind[kind]}), "required": ["order_by"]}
                for kind in combination
            ]
            values = [
                _cursor_value(kind, last=i == count - 1) for i, kind in enumerate(combination)
            ]
            variants.append(
                {
                    "required": ["order_by", "cursor"],
                    "properties": {
                        "order_by": _exactly(keys),
                        "cursor": _exactly(values),
                    },
                }
            )
    return variants


def _exactly(items: list[Schema]) -> Schema:
    return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}


def _columns(entity: Entity) -> Schema:
    return _nullable({"type": "array", "items": {"enum": list(entity.column_names)}})


def vql_schema(entity: Entity) -> Schema:
    """The list/count request body of ``entity``."""
    sortable = [field.name for field in entity.index_fields if field.sortable]
    base = {
        "type": "object",
        "additionalProperties": False,
        "description": (
            "A list or count request (CONTRACT.md §c.1); `search_after` is accepted for `cursor`."
        ),
        "properties": {
            "where": _where(entity),
            "order_by": _nullable(
                {"type": "array", "items": _sort_key(_nullable({"enum": sortable}))}
            ),
            "cursor": _nullable(
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}
            ),
            "select_columns": _columns(entity),
            "company_config": _nullable(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "populate": _nullable({"type": "boolean"}),
                        "select_columns": _columns(COMPANY),
                    },
                }
            ),
            "page": _nullable({"type": "integer", "maximum": PAGE_MAX}),
            "limit": _nullable({"type": "integer", "maximum": PAGE_SIZE_MAX}),
        },
    }
    return object_variants(base, _cursors(entity))
