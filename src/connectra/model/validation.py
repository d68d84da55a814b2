"""Validation and normalisation of API write bodies (CONTRACT.md §b.5, §b.6 with §0.2).

Input hygiene first: unknown keys are ignored, ``null``, blank strings and the placeholder
``"_"`` mean "absent". Then types and formats are checked (errors name the JSON path), and
values are normalised: strings trimmed, identifiers lower-cased, phones cleaned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from connectra.errors import ValidationError
from connectra.limits import JSON_NUMBER_MAX
from connectra.model.fields import ColumnType, Entity
from connectra.model.identity import UUID_RE
from connectra.model.normalize import INT64_MAX, clean_phone, domain_from_website, is_absent

EMAIL_RE = re.compile(r"^[a-zA-Z0-9._%+\-]+@[a-zA-Z0-9.\-]+\.[a-zA-Z]{2,}$")
# Whitespace as Python's str.strip and ``\s`` read it *and* as ECMA 262 does (JSON Schema's
# patterns): the document's patterns and these checks must accept the same strings.
SPACE = r"\s\x1c-\x1f\x85"
# Checked once trimmed: the lookahead (a no-op then) tells the document's reader that a value
# ending in whitespace is not taken as sent, so "http://a\v" is not a URL.
URL_RE = re.compile(rf"^(?![\s\S]*[{SPACE}]$)https?://[^{SPACE}/$.?#].[^{SPACE}]*$")
LINKEDIN_RE = re.compile(r"^https?://(www\.)?linkedin\.com/.*$")
URL_FIELDS = ("website", "facebook_url", "twitter_url")
# Fields a client may never change on an existing record.
IMMUTABLE = ("id", "created_at")


NUL = "\x00"


def check_storable(document: Any, root: str = "") -> None:
    """What every store keeps the same way, checked before anything is stored or searched: no
    NUL character in a string or a key (PostgreSQL's text and jsonb refuse it, SQLite keeps it)
    and no number beyond int64 (PostgreSQL's jsonb turns 1e30 into an integer nobody can read
    back). The first offender is a 400 naming its JSON path (``$`` for the document itself)."""
    pending: list[tuple[Any, str]] = [(document, root)]
    while pending:  # a loop, not recursion: nesting depth is the client's choice
        value, path = pending.pop()
        where = path or "$"
        if isinstance(value, str):
            if NUL in value:
                raise ValidationError(f"{where}: NUL characters are not allowed", path=where)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float):
            if not abs(value) <= JSON_NUMBER_MAX:  # also catches NaN
                raise ValidationError(
                    f"{where}: number out of range (at most {JSON_NUMBER_MAX} in magnitude)",
                    path=where,
                )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if NUL in str(key):
                    raise ValidationError(
                        f"{where}: NUL characters are not allowed in keys", path=where
                    )
                pending.append((item, _at(path, str(key))))
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{i}]") for i, item in enumerate(value))


def integral(value: Any) -> int | None:
    """A JSON integer as JSON Schema reads one: an int, or a number with no fraction (``2.0``,
    which JavaScript clients send for 2); None for anything else, booleans included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def _at(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{path} must be a string", path=path, field=path)
    return value.strip()


def _texts(value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        raise ValidationError(f"{path} must be an array of strings", path=path, field=path)
    items = [_text(item, f"{path}[{i}]") for i, item in enumerate(value) if item is not None]
    return [item for item in items if item and item != "_"]


def _count(raw: Any, path: str) -> int:
    value = integral(raw)
    if value is None:
        raise ValidationError(f"{path} must be an integer", path=path, field=path)
    if value < 0 or value > INT64_MAX:
        raise ValidationError(
            f"{path.rsplit('.', 1)[-1]} must be non-negative, got: {value}", path=path, field=path
        )
    return value


def _typed(entity: Entity, name: str, value: Any, path: str) -> Any:
    column = entity.column(name)
    assert column is not None
    if column.type is ColumnType.TEXT_ARRAY:
        return _texts(value, path) or None
    if column.type is ColumnType.BIGINT:
        return _count(value, path)
    return _text(value, path) or None


def _check_formats(entity: Entity, values: dict[str, Any], prefix: str) -> None:
    """Format rules, checked on the values as sent (before lower-casing)."""
    email = values.get("email")
    if email is not None and not EMAIL_RE.match(email):
        path = _at(prefix, "email")
        raise ValidationError(f"invalid email format: {email!r}", path=path, field="email")
    linkedin = values.get("linkedin_url")
    if linkedin is not None and not LINKEDIN_RE.match(linkedin):
        path = _at(prefix, "linkedin_url")
        raise ValidationError(
            f"invalid linkedin_url: {linkedin!r} is not a linkedin.com URL",
            path=path,
            field="linkedin_url",
        )
    for name in URL_FIELDS:
        url = values.get(name)
        if url is not None and not URL_RE.match(url):
            path = _at(prefix, name)
            raise ValidationError(f"invalid {name}: {url!r} is not a URL", path=path, field=name)
    for name in ("uuid", "company_id"):
        raw = values.get(name)
        if raw is not None and not UUID_RE.match(raw.lower()):
            path = _at(prefix, name)
            raise ValidationError(
                f"invalid {name}: invalid UUID format: {raw!r}", path=path, field=name
            )


def _normalise(entity: Entity, values: dict[str, Any]) -> None:
    for name, value in list(values.items()):
        column = entity.column(name)
        assert column is not None
        if column.identifier:
            values[name] = value.lower()
        elif column.phone:
            values[name] = clean_phone(value) or None
    derives_domain = entity.column("normalized_domain") is not None
    if derives_domain and values.get("website") and not values.get("normalized_domain"):
        values["normalized_domain"] = domain_from_website(values["website"]) or None


def clean_input(entity: Entity, body: Any, prefix: str = "") -> dict[str, Any]:
    """The non-empty, writable fields of ``body``, type-checked and normalised.

    System columns (id, timestamps) are not taken from clients; :func:`immutable_fields`
    reports attempts to change them on updates.
    """
    if not isinstance(body, Mapping):
        path = prefix or "$"
        raise ValidationError(f"{path} must be a JSON object", path=path, field=path)
    values: dict[str, Any] = {}
    for name, raw in body.items():
        column = entity.column(name) if isinstance(name, str) else None
        if column is None or column.system or is_absent(raw):
            continue
        value = _typed(entity, name, raw, _at(prefix, name))
        if value is not None:
            values[name] = value
    _check_formats(entity, values, prefix)
    _normalise(entity, values)
    return values


def immutable_fields(body: Mapping[str, Any], path_uuid: str, prefix: str = "") -> None:
    """Updates may not set ``id`` or ``created_at``, nor a ``uuid`` other than the path's."""
    for name in IMMUTABLE:
        if body.get(name) is not None:
            path = _at(prefix, name)
            raise ValidationError(f"{name} cannot be updated", path=path, field=name)
    uuid = body.get("uuid")
    if isinstance(uuid, str) and not is_absent(uuid) and uuid.strip().lower() != path_uuid:
        path = _at(prefix, "uuid")
        raise ValidationError("uuid cannot be updated", path=path, field="uuid")


def require(values: Mapping[str, Any], names: tuple[str, ...], prefix: str = "") -> None:
    """Each of ``names`` must be present and non-blank (after hygiene)."""
    for name in names:
        if not values.get(name):
            path = _at(prefix, name)
            raise ValidationError(f"{name} is required", path=path, field=name)
