"""JSON Schema helpers shared by the builders of the OpenAPI document."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def object_variants(base: Schema, variants: list[Schema]) -> Schema:
    """``base`` (an object schema) that also matches one of ``variants``, spelled out as an
    ``anyOf`` of whole object schemas: each variant's properties replace the base's (so they are
    complete schemas) and its required names add to the base's.

    The same as ``{**base, "anyOf": variants}`` to a validator, but generators such as
    schemathesis read an ``anyOf`` beside ``properties`` loosely and produce bodies that match
    no variant; whole alternatives they read exactly.
    """
    return {
        "anyOf": [
            {
                **base,
                "properties": {**base["properties"], **variant.get("properties", {})},
                "required": [*base.get("required", ()), *variant.get("required", ())],
            }
            for variant in variants
        ]
    }
