"""Opaque cursors: one string per sort key; the last also carries the uuid tie-break.

A hit's sort values become ``["senior", "1700000000|<uuid>"]``-like strings: numbers in decimal,
dates in RFC 3339, keywords lower-cased, a missing value as ``""``. A client sends the list back
unchanged; a cursor without the ``|uuid`` part (hand-written) resumes after every tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from connectra.errors import ValidationError
from connectra.model.fields import FieldKind
from connectra.model.identity import UUID_RE
from connectra.model.timestamps import epoch_micros, format_micros
from connectra.model.validation import integral
from connectra.vql.ast import SortKey, SortValue

_TIE = "|"


def _format(kind: FieldKind, value: SortValue) -> str:
    if value is None:
        return ""
    if kind is FieldKind.DATE:
        assert isinstance(value, int)
        return format_micros(value)
    return str(value)


def _parse(kind: FieldKind, text: str, path: str) -> SortValue:
    if text == "":
        return None
    try:
        if kind is FieldKind.NUMBER:
            return int(text)
        if kind is FieldKind.DATE:
            return epoch_micros(datetime.fromisoformat(text))
    except ValueError as exc:
        raise ValidationError(f"invalid cursor value {text!r}", path=path, field=path) from exc
    return text


def _text(item: object) -> str:
    """A cursor value as text; an integral number (``2.0``) is the integer it equals."""
    whole = integral(item)
    return str(item if whole is None else whole)


def encode(keys: Sequence[SortKey], values: Sequence[SortValue], uuid: str) -> list[str]:
    cursor = [_format(key.kind, value) for key, value in zip(keys, values, strict=True)]
    cursor[-1] += _TIE + uuid
    return cursor


def decode(
    keys: Sequence[SortKey], cursor: Sequence[object], path: str = "cursor"
) -> tuple[SortValue, ...]:
    """Sort values plus the tie-break uuid (``None`` when the cursor has none)."""
    if len(cursor) != len(keys):
        raise ValidationError(
            f"cursor has {len(cursor)} values but order_by has {len(keys)} sort keys",
            path=path,
            field="cursor",
        )
    texts = [_text(item) for item in cursor]
    head, sep, tail = texts[-1].rpartition(_TIE)
    tie: str | None = None
    if sep and UUID_RE.match(tail):
        texts[-1], tie = head, tail
    values = tuple(
        _parse(key.kind, text, f"{path}[{i}]")
        for i, (key, text) in enumerate(zip(keys, texts, strict=True))
    )
    return (*values, tie)
