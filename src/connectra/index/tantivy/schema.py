"""The tantivy schema of an entity and the conversion of index documents into its fields.

Text is tokenised in Python (:func:`connectra.model.text.tokens`) and indexed with the
``whitespace`` tokenizer, so tantivy and the reference matcher see the same words. The
``<field>__ng`` sub-field holds one value per token through an n-gram tokenizer, so grams never
cross words. Keyword fields hold lower-cased raw values; a multi-valued keyword field also has
``__min`` and ``__max`` copies (its sort values), and every keyword sort field has a ``__p8``
integer (its first 8 UTF-8 bytes, see :func:`prefix_code`). The uuid is also held as two integer
fast fields (``uuid__hi``, ``uuid__lo``: its 128 bits), so a page's uuids are read from fast
fields instead of stored documents.
"""

from __future__ import annotations

import re
from typing import Any

import tantivy

from connectra.index.base import Document
from connectra.index.documents import UPDATED_AT
from connectra.model.fields import Entity, FieldKind, IndexField
from connectra.model.text import tokens

NGRAM_TOKENIZER = "connectra_ngram"
UUID_HI = "uuid__hi"
UUID_LO = "uuid__lo"
_OFFSET = 2**63  # u64 halves of the uuid shifted into i64, order kept
CODE_BYTES = 8  # a keyword's prefix code: its first UTF-8 bytes as one sortable i64
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def uuid_halves(uuid: str) -> tuple[int, int] | None:
    """The canonical lower-case uuid as two order-preserving i64 (None for any other string)."""
    if not _UUID.match(uuid):
        return None
    bits = int(uuid.replace("-", ""), 16)
    return (bits >> 64) - _OFFSET, (bits & (2**64 - 1)) - _OFFSET


def uuid_text(hi: int, lo: int) -> str:
    """The inverse of :func:`uuid_halves`."""
    h = f"{((hi + _OFFSET) << 64) | (lo + _OFFSET):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def prefix_code(text: str) -> int:
    """The first 8 UTF-8 bytes as a signed 64-bit integer that sorts like the string.

    A strictly greater code means a strictly greater string; equal codes need the strings.
    (``surrogatepass``: a lone surrogate from a JSON escape still encodes in code point order.)
    """
    head = text.encode("utf-8", "surrogatepass")[:CODE_BYTES].ljust(CODE_BYTES, b"\0")
    return int.from_bytes(head, "big") - 2**63


def char_prefix(text: str) -> str:
    """The longest prefix of whole characters within the first 8 UTF-8 bytes: every string with
    the same :func:`prefix_code` starts with it."""
    size = 0
    for i, ch in enumerate(text):
        size += len(ch.encode("utf-8", "surrogatepass"))
        if size > CODE_BYTES:
            return text[:i]
    return text


def keyword_sort_fields(field: IndexField) -> list[str]:
    """The physical fields a keyword field sorts by: itself, or its ``__min``/``__max`` copies."""
    return [f"{field.name}__min", f"{field.name}__max"] if field.multi else [field.name]


def build_schema(entity: Entity) -> Any:
    builder = tantivy.SchemaBuilder()
    for field in entity.index_fields:
        if field.kind is FieldKind.TEXT:
            builder.add_text_field(field.name, stored=True, tokenizer_name="whitespace")
            if field.ngram:
                builder.add_text_field(
                    f"{field.name}__ng", tokenizer_name=NGRAM_TOKENIZER, index_option="basic"
                )
        elif field.kind is FieldKind.KEYWORD:
            single = not field.multi
            builder.add_text_field(
                field.name, stored=single, fast=single, tokenizer_name="raw", index_option="basic"
            )
            for suffix in ("min", "max") if field.multi else ():
                builder.add_text_field(
                    f"{field.name}__{suffix}",
                    stored=True,
                    fast=True,
                    tokenizer_name="raw",
                    index_option="basic",
                )
            for name in keyword_sort_fields(field):
                builder.add_integer_field(f"{name}__p8", indexed=True, fast=True)
        else:
            builder.add_integer_field(field.name, stored=True, indexed=True, fast=True)
    builder.add_integer_field(UUID_HI, indexed=True, fast=True)
    builder.add_integer_field(UUID_LO, indexed=True, fast=True)
    builder.add_integer_field(UPDATED_AT, fast=True)  # read by `connectra verify` only
    return builder.build()


def tantivy_fields(entity: Entity, doc: Document) -> dict[str, Any]:
    """An index document as the field → value(s) mapping of :func:`build_schema`."""
    out: dict[str, Any] = {}
    for field in entity.index_fields:
        value = doc.get(field.name)
        if value is None:
            continue
        if field.kind is FieldKind.TEXT:
            words = tokens(value)
            if words:
                out[field.name] = " ".join(words)
                if field.ngram:
                    out[f"{field.name}__ng"] = words
        elif field.kind is FieldKind.KEYWORD:
            values = value if isinstance(value, list) else [value]
            out[field.name] = values
            if field.multi:
                out[f"{field.name}__min"], out[f"{field.name}__max"] = min(values), max(values)
            for name in keyword_sort_fields(field):
                out[f"{name}__p8"] = prefix_code(out[name] if field.multi else values[0])
        else:
            out[field.name] = value
    halves = uuid_halves(doc["uuid"])
    if halves is not None:
        out[UUID_HI], out[UUID_LO] = halves
    if doc.get(UPDATED_AT) is not None:
        out[UPDATED_AT] = doc[UPDATED_AT]
    return out
