"""VQL JSON → validated :class:`~connectra.vql.ast.Search`, every error naming its JSON path."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic

from connectra.errors import PageOutOfRange, ValidationError
from connectra.limits import PAGE_MAX, page_size
from connectra.model.fields import COMPANY, Entity, FieldKind, IndexField
from connectra.vql import cursor as cursor_codec
from connectra.vql.ast import (
    AnyOf,
    Clause,
    KeywordRange,
    Node,
    Page,
    Query,
    Range,
    Search,
    SortKey,
    Terms,
    Text,
    TextMode,
)
from connectra.vql.models import FieldConditions, TextCondition, VQLRequest, Where
from connectra.vql.values import keyword_value, parse_date, parse_number

_BOUNDS = ("gte", "gt", "lte", "lt")
_UNKNOWN_KEY = "unknown key (check its spelling against the request schema)"


def json_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a JSON path: ``("order_by", 0, "x")`` → ``order_by[0].x``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


M = TypeVar("M", bound=pydantic.BaseModel)


def validate_model(model: type[M], body: object) -> M:
    """A JSON object as ``model``; the first problem becomes a 400 naming its path."""
    if not isinstance(body, Mapping):
        raise ValidationError("the request body must be a JSON object", path="$")
    try:
        return model.model_validate(body)
    except pydantic.ValidationError as exc:
        first = exc.errors()[0]
        path = json_path(first["loc"]) or "$"
        message = _UNKNOWN_KEY if first["type"] == "extra_forbidden" else first["msg"]
        raise ValidationError(f"{path}: {message}", path=path, field=path) from None


def parse_request(body: object) -> VQLRequest:
    """Structural validation of a VQL body."""
    return validate_model(VQLRequest, body)


def compile_search(request: VQLRequest, entity: Entity) -> Search:
    """Check a parsed request against the entity's catalogue and build the AST."""
    limit = page_size(request.limit)
    page = _page(request.page)
    sort = _sort(request, entity)
    after = None
    if request.cursor:
        if not sort:
            raise ValidationError(
                "cursor needs order_by: a cursor holds the sort values of the last hit",
                path="cursor",
                field="cursor",
            )
        after = cursor_codec.decode(sort, request.cursor)
    return Search(
        query=compile_where(request.where, entity),
        sort=sort,
        page=Page(limit=limit, offset=0 if after else (page - 1) * limit, after=after),
        select_columns=_columns(request.select_columns, entity, "select_columns"),
        populate_company=bool(
            entity.rules.parent and request.company_config and request.company_config.populate
        ),
        company_columns=_company_columns(request, entity),
    )


def parse_search(body: object, entity: Entity) -> Search:
    return compile_search(parse_request(body), entity)


def _page(page: int | None) -> int:
    if page is None or page <= 0:
        return 1
    if page > PAGE_MAX:
        raise PageOutOfRange(
            f"page must be at most {PAGE_MAX}, got {page}; use a cursor to go deeper",
            path="page",
            field="page",
        )
    return page


def _sort(request: VQLRequest, entity: Entity) -> tuple[SortKey, ...]:
    keys: list[SortKey] = []
    for i, entry in enumerate(request.order_by or ()):
        if not entry.order_by:
            continue
        path = f"order_by[{i}].order_by"
        field = _index_field(entity, entry.order_by, path)
        if not field.sortable:
            raise ValidationError(
                f"field {field.name!r} is not sortable (text fields cannot be sorted)",
                path=path,
                field=field.name,
            )
        keys.append(SortKey(field.name, field.kind, entry.order_direction == "desc"))
    return tuple(keys)


def _columns(columns: list[str] | None, entity: Entity, path: str) -> tuple[str, ...] | None:
    if not columns:
        return None
    for i, name in enumerate(columns):
        if entity.column(name) is None:
            raise ValidationError(
                f"unknown column {name!r} for {entity.plural}",
                path=f"{path}[{i}]",
                field=name,
            )
    return tuple(dict.fromkeys(columns))


def _company_columns(request: VQLRequest, entity: Entity) -> tuple[str, ...] | None:
    config = request.company_config
    if entity.rules.parent is None or config is None:
        return None
    return _columns(config.select_columns, COMPANY, "company_config.select_columns")


def _index_field(entity: Entity, name: str, path: str) -> IndexField:
    field = entity.index_field(name)
    if field is None:
        raise ValidationError(
            f"unknown or unindexed field {name!r} for {entity.plural}", path=path, field=name
        )
    return field


def compile_where(where: Where | None, entity: Entity) -> Query:
    """The where clause as a :class:`Query` (CONTRACT.md §c.2 grouping)."""
    if where is None:
        return Query()
    must: list[Node] = []
    must_not: list[Clause] = []
    text = where.text_matches
    if text is not None:
        groups: dict[str, list[Text]] = {}
        for i, cond in enumerate(text.must or ()):
            clause = _text(cond, entity, f"where.text_matches.must[{i}]")
            groups.setdefault(clause.field, []).append(clause)
        must.extend(AnyOf(tuple(group)) for group in groups.values())
        must_not.extend(
            _text(cond, entity, f"where.text_matches.must_not[{i}]")
            for i, cond in enumerate(text.must_not or ())
        )
    _field_conditions(where.keyword_match, "keyword_match", entity, _terms, must, must_not)
    _field_conditions(where.range_query, "range_query", entity, _range, must, must_not)
    return Query(must=tuple(must), must_not=tuple(must_not))


def _field_conditions(
    conditions: FieldConditions | None,
    name: str,
    entity: Entity,
    build: Any,
    must: list[Node],
    must_not: list[Clause],
) -> None:
    if conditions is None:
        return
    for part, target in (("must", must), ("must_not", must_not)):
        for key, value in (getattr(conditions, part) or {}).items():
            path = f"where.{name}.{part}.{key}"
            clause = build(_index_field(entity, key, path), value, path)
            # An empty any-of list matches nothing in must and excludes nothing in must_not.
            if part == "must" or not (isinstance(clause, Terms) and not clause.values):
                target.append(clause)


def _text(cond: TextCondition, entity: Entity, path: str) -> Text:
    field = _index_field(entity, cond.filter_key, f"{path}.filter_key")
    if field.kind not in (FieldKind.TEXT, FieldKind.KEYWORD):
        raise ValidationError(
            f"field {field.name!r} is a {field.kind} field; text conditions need a text or "
            "keyword field (use range_query or keyword_match)",
            path=f"{path}.filter_key",
            field=field.name,
        )
    try:
        mode = TextMode(cond.search_type)
    except ValueError:
        raise ValidationError(
            f"search_type must be exact, shuffle or substring, got {cond.search_type!r}",
            path=f"{path}.search_type",
            field=field.name,
        ) from None
    if mode is TextMode.SUBSTRING and not field.ngram:
        raise ValidationError(
            f"field {field.name!r} has no n-grams, so it does not support substring search",
            path=f"{path}.search_type",
            field=field.name,
        )
    operator = (cond.operator or "and").lower()
    if operator not in ("and", "or"):
        raise ValidationError(
            f"operator must be 'and' or 'or', got {cond.operator!r}",
            path=f"{path}.operator",
            field=field.name,
        )
    return Text(
        field=field.name,
        kind=field.kind,
        mode=mode,
        value=cond.text_value,
        slop=(cond.slop or 0) if mode is TextMode.EXACT else 0,
        any_token=operator == "or" and mode is not TextMode.EXACT,
        fuzzy=bool(cond.fuzzy) and mode is TextMode.SHUFFLE,
    )


def _terms(field: IndexField, value: object, path: str) -> Terms:
    items = value if isinstance(value, list) else [value]
    values: list[str | int] = []
    for i, item in enumerate(items):
        item_path = f"{path}[{i}]" if isinstance(value, list) else path
        if item is None or isinstance(item, list | dict):
            what = "null" if item is None else type(item).__name__
            raise ValidationError(
                f"keyword values must be strings, numbers or booleans, got {what}",
                path=item_path,
                field=field.name,
            )
        converted = _term_value(field, item, item_path)
        if converted is not None:
            values.append(converted)
    return Terms(field.name, field.kind, tuple(dict.fromkeys(values)))


def _term_value(field: IndexField, item: object, path: str) -> str | int | None:
    try:
        if field.kind is FieldKind.NUMBER:
            number = parse_number(item)
            # A fraction can never equal a stored integer: that value matches nothing.
            return number if isinstance(number, int) else None
        if field.kind is FieldKind.DATE:
            return parse_date(item)
        return keyword_value(item)
    except ValueError as exc:
        raise ValidationError(f"{exc}", path=path, field=field.name) from exc


def _range(field: IndexField, spec: object, path: str) -> Range | KeywordRange:
    if field.kind is FieldKind.TEXT:
        raise ValidationError(
            f"field {field.name!r} is a text field; ranges need a number, date or keyword field",
            path=path,
            field=field.name,
        )
    if not isinstance(spec, Mapping) or not any(key in spec for key in _BOUNDS):
        raise ValidationError(
            "a range needs an object with at least one of gte, gt, lte, lt",
            path=path,
            field=field.name,
        )
    for key in spec:
        if key not in _BOUNDS:
            raise ValidationError(
                f"{path}.{key}: {_UNKNOWN_KEY}", path=f"{path}.{key}", field=field.name
            )
    if field.kind is FieldKind.KEYWORD:
        return _keyword_range(field, spec, path)
    low: int | None = None
    high: int | None = None
    for bound in _BOUNDS:
        if bound not in spec:
            continue
        raw = spec[bound]
        try:
            if raw is None:
                raise ValueError("null is not a bound")
            number = parse_date(raw) if field.kind is FieldKind.DATE else parse_number(raw)
        except ValueError as exc:
            raise ValidationError(f"{exc}", path=f"{path}.{bound}", field=field.name) from exc
        if bound in ("gte", "gt"):
            edge = math.floor(number) + 1 if bound == "gt" else math.ceil(number)
            low = edge if low is None else max(low, edge)
        else:
            edge = math.ceil(number) - 1 if bound == "lt" else math.floor(number)
            high = edge if high is None else min(high, edge)
    return Range(field.name, field.kind, low, high)


def _keyword_range(field: IndexField, spec: Mapping[str, Any], path: str) -> KeywordRange:
    """Lower-cased string bounds (see :class:`KeywordRange`); the tightest of each side wins."""
    low: tuple[str, bool] | None = None  # (bound, inclusive)
    high: tuple[str, bool] | None = None
    for bound in _BOUNDS:
        if bound not in spec:
            continue
        try:
            if spec[bound] is None:
                raise ValueError("null is not a bound")
            value = keyword_value(spec[bound])
        except ValueError as exc:
            raise ValidationError(f"{exc}", path=f"{path}.{bound}", field=field.name) from exc
        edge = (value, bound in ("gte", "lte"))
        if bound in ("gte", "gt"):
            # Equal values: the exclusive bound is the tighter one (False sorts first).
            low = edge if low is None else max(low, edge, key=lambda e: (e[0], not e[1]))
        else:
            high = edge if high is None else min(high, edge)
    return KeywordRange(
        field.name,
        low=None if low is None else low[0],
        high=None if high is None else high[0],
        include_low=True if low is None else low[1],
        include_high=True if high is None else high[1],
    )
