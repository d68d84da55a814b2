"""Every integer and boolean field of every request body refuses a value of the wrong JSON type.

The request models are walked, not listed, so a field added later is covered automatically:
each wrong value must be a 400 naming the field's JSON path, and the right type must pass. An
integral number (``1.0``) is an integer, as JSON Schema (and so the OpenAPI document) reads it.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Union, get_args, get_origin

import pydantic
import pytest

from connectra.api.routes.filters import FilterValuesRequest
from connectra.errors import ValidationError
from connectra.model.fields import COMPANY, CONTACT, ColumnType
from connectra.model.validation import clean_input
from connectra.services.jobs import parse_job_filter, parse_new_job, parse_retrigger
from connectra.vql.models import VQLRequest
from connectra.vql.validate import json_path, parse_search, validate_model

WRONG: dict[type, list[Any]] = {int: ["1", 1.5, True], bool: ["true", 1, "yes"]}
RIGHT: dict[type, Any] = {int: 1, bool: True}
INTEGRAL = 1.0


def _scalar(annotation: Any) -> type | None:
    """``int``/``bool`` behind ``X | None`` or ``Annotated``; None for anything else."""
    if get_origin(annotation) is Annotated:
        return _scalar(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        found = [_scalar(arg) for arg in get_args(annotation) if arg is not type(None)]
        return found[0] if len(found) == 1 else None
    return annotation if annotation in (int, bool) else None


def _submodel(annotation: Any) -> tuple[type[pydantic.BaseModel], bool] | None:
    """The model behind ``Model | None`` or ``list[Model] | None``, and whether it is a list."""
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, pydantic.BaseModel):
            return arg, False
        if get_origin(arg) is list:
            inner = get_args(arg)[0]
            if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel):
                return inner, True
    return None


def _minimal(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """The smallest valid body: required fields only (strings get ``"x"``)."""
    return {name: "x" for name, info in model.model_fields.items() if info.is_required()}


def _walk(
    model: type[pydantic.BaseModel], loc: tuple[int | str, ...] = ()
) -> Iterator[tuple[tuple[int | str, ...], type]]:
    for name, info in model.model_fields.items():
        kind = _scalar(info.annotation)
        if kind is not None:
            yield (*loc, name), kind
            continue
        sub = _submodel(info.annotation)
        if sub is not None:
            inner, is_list = sub
            yield from _walk(inner, (*loc, name, 0) if is_list else (*loc, name))


def _body(model: type[pydantic.BaseModel], loc: tuple[int | str, ...], value: Any) -> Any:
    """A minimal body of ``model`` with ``value`` placed at ``loc``."""
    if not loc:
        return value
    head, rest = loc[0], loc[1:]
    body = _minimal(model)
    info = model.model_fields[str(head)]
    sub = _submodel(info.annotation)
    if sub is None:
        body[str(head)] = value
        return body
    inner, is_list = sub
    nested = _body(inner, rest[1:] if is_list else rest, value)
    body[str(head)] = [nested] if is_list else nested
    return body


MODELS: list[type[pydantic.BaseModel]] = [VQLRequest, FilterValuesRequest]
CASES = [
    (model, loc, kind, wrong)
    for model in MODELS
    for loc, kind in _walk(model)
    for wrong in WRONG[kind]
]


def test_the_walk_finds_the_known_fields() -> None:
    found = {json_path(loc) for loc, _ in _walk(VQLRequest)}
    must, must_not = "where.text_matches.must[0]", "where.text_matches.must_not[0]"
    expected = {"page", "limit", "company_config.populate", f"{must}.fuzzy", f"{must}.slop",
                f"{must_not}.slop"}  # fmt: skip
    assert expected <= found


@pytest.mark.parametrize(
    ("model", "loc"),
    [(model, loc) for model in MODELS for loc, kind in _walk(model) if kind is int],
)
def test_an_integral_number_is_an_integer(
    model: type[pydantic.BaseModel], loc: tuple[int | str, ...]
) -> None:
    validate_model(model, _body(model, loc, INTEGRAL))


@pytest.mark.parametrize(("model", "loc", "kind", "wrong"), CASES)
def test_model_fields_are_strict(
    model: type[pydantic.BaseModel], loc: tuple[int | str, ...], kind: type, wrong: Any
) -> None:
    path = json_path(loc)
    validate_model(model, _body(model, loc, RIGHT[kind]))  # the right type passes
    with pytest.raises(ValidationError) as info:
        validate_model(model, _body(model, loc, wrong))
    assert info.value.path == path


# Bodies the services check by hand: job bodies and the number columns of write bodies.
Parser = Callable[[Any], object]
HAND_CHECKED: list[tuple[Parser, dict[str, Any], str, type]] = [
    (parse_new_job, {"job_type": "x", "job_data": {}}, "retry_count", int),
    (parse_job_filter, {}, "limit", int),
    (parse_retrigger, {}, "retry_count", int),
    *(
        (lambda body, entity=entity: clean_input(entity, body), {}, column.name, int)
        for entity in (CONTACT, COMPANY)
        for column in entity.columns
        if column.type is ColumnType.BIGINT and not column.system
    ),
]


@pytest.mark.parametrize(("parse", "base", "name", "kind"), HAND_CHECKED)
@pytest.mark.parametrize("wrong_index", [0, 1, 2])
def test_hand_checked_fields_are_strict(
    parse: Parser, base: dict[str, Any], name: str, kind: type, wrong_index: int
) -> None:
    parse({**base, name: RIGHT[kind]})
    if kind is int:
        parse({**base, name: INTEGRAL})
    with pytest.raises(ValidationError) as info:
        parse({**base, name: WRONG[kind][wrong_index]})
    assert info.value.path == name


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"wher": {}}, "wher"),
        ({"where": {"keyword_mach": {}}}, "where.keyword_mach"),
        ({"where": {"keyword_match": {"mus": {}}}}, "where.keyword_match.mus"),
        ({"limt": 5}, "limt"),
        ({"company_config": {"populte": True}}, "company_config.populte"),
        ({"order_by": [{"order_by": "uuid", "dir": "asc"}]}, "order_by[0].dir"),
    ],
)
def test_unknown_vql_keys_name_their_path(body: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_model(VQLRequest, body)
    assert info.value.path == path
    assert "unknown key" in info.value.message


@pytest.mark.parametrize(
    ("field", "bound"), [("company_employees_count", "gtee"), ("created_at", "from"), ("city", "x")]
)
def test_an_unknown_key_in_a_range_names_its_path(field: str, bound: str) -> None:
    body = {"where": {"range_query": {"must_not": {field: {"gte": "1", bound: "5"}}}}}
    with pytest.raises(ValidationError) as info:
        parse_search(body, CONTACT)
    assert info.value.path == f"where.range_query.must_not.{field}.{bound}"
    assert "unknown key" in info.value.message
