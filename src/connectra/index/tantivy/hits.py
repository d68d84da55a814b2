"""What a page needs from its hits, read from fast fields: uuids and sort values.

Only keyword sort values other than the uuid come from stored documents (the Python API reads
integer fast fields only); tantivy returns the value of the field a search is ordered by.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectra.index.tantivy.schema import UUID_HI, UUID_LO, uuid_text
from connectra.vql.ast import SortValue


def read_uuids(searcher: Any, addresses: Sequence[Any]) -> list[str]:
    """The uuid of each address (a non-canonical uuid, never written by Connectra itself, has
    no halves and is read from the stored document)."""
    if not addresses:
        return []
    his = searcher.fast_field_values(UUID_HI, list(addresses))
    los = searcher.fast_field_values(UUID_LO, list(addresses))
    return [
        uuid_text(hi, lo) if hi is not None and lo is not None else _stored(searcher, address)
        for hi, lo, address in zip(his, los, addresses, strict=True)
    ]


def _stored(searcher: Any, address: Any) -> str:
    return str(searcher.doc(address).get_first("uuid"))


def read_integers(searcher: Any, field: str, addresses: Sequence[Any]) -> list[SortValue]:
    if not addresses:
        return []
    return [
        None if v is None else int(v) for v in searcher.fast_field_values(field, list(addresses))
    ]


def read_stored(searcher: Any, field: str, addresses: Sequence[Any]) -> list[SortValue]:
    return [searcher.doc(address).get_first(field) for address in addresses]
