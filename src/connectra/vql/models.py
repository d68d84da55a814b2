"""The VQL request body as pydantic models (exact key spellings of CONTRACT.md §c.1).

Structure only, and strict (CONTRACT.md §0.2.6): a key the contract does not name is a 400 naming
its path, and a JSON value of the wrong type (``"page": "1"``, ``"fuzzy": "yes"``) is never
converted. Everything that depends on the entity (which fields exist, their kinds, value types)
is checked in :mod:`connectra.vql.validate`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field

from connectra.model.validation import integral

_STRICT = ConfigDict(extra="forbid", strict=True)


def _whole(value: object) -> object:
    """``2.0`` as 2 (JSON Schema's integer); anything else is left to strict validation."""
    whole = integral(value)
    return value if whole is None else whole


# An integer as JSON Schema reads one; strings and booleans are still refused.
JSONInt = Annotated[int, BeforeValidator(_whole)]


class TextCondition(BaseModel):
    model_config = _STRICT

    text_value: str
    filter_key: str
    search_type: str  # a TextMode, checked by vql.validate with the contract's message
    slop: JSONInt | None = Field(default=None, ge=0)
    operator: str | None = None
    fuzzy: bool | None = None


class TextMatches(BaseModel):
    model_config = _STRICT

    must: list[TextCondition] | None = None
    must_not: list[TextCondition] | None = None


class FieldConditions(BaseModel):
    """``{field: value}`` maps of keyword_match and range_query; values are checked per field."""

    model_config = _STRICT

    must: dict[str, Any] | None = None
    must_not: dict[str, Any] | None = None


class Where(BaseModel):
    model_config = _STRICT

    text_matches: TextMatches | None = None
    keyword_match: FieldConditions | None = None
    range_query: FieldConditions | None = None


class OrderBy(BaseModel):
    model_config = _STRICT

    order_by: str | None = None
    order_direction: str | None = None


class CompanyConfig(BaseModel):
    model_config = _STRICT

    populate: bool | None = None
    select_columns: list[str] | None = None


class VQLRequest(BaseModel):
    """A list or count request; ``search_after`` is accepted for ``cursor``.

    Its JSON Schema, per entity, is :func:`connectra.vql.schema.vql_schema`; examples that run
    against the demo data live with the routes (api/routes/reads.py).
    """

    model_config = _STRICT

    where: Where | None = None
    order_by: list[OrderBy] | None = None
    cursor: list[str | int | float] | None = Field(
        default=None, validation_alias=AliasChoices("cursor", "search_after")
    )
    select_columns: list[str] | None = None
    company_config: CompanyConfig | None = None
    # Checked by vql.validate with the contract's ERR tokens (and declared by vql.schema).
    page: JSONInt | None = None
    limit: JSONInt | None = None
