"""Bulk actions: chunking by count and bytes, and which item failures are sent again."""

from __future__ import annotations

import orjson
import pytest

from connectra.errors import SearchEngineError
from connectra.index.opensearch import bulk


def _upserts(count: int, text: str = "x") -> list[bulk.Action]:
    return [bulk.upsert("i", f"u{n}", {"uuid": f"u{n}", "title": text}, 7) for n in range(count)]


def test_actions_are_externally_versioned_ndjson() -> None:
    upsert, delete = bulk.upsert("i", "u", {"uuid": "u"}, 7), bulk.delete("i", "u", 8)
    header, source, _ = upsert.lines.split(b"\n")
    assert orjson.loads(header) == {
        "index": {"_index": "i", "_id": "u", "version": 7, "version_type": "external",
                  "require_alias": True}
    }  # fmt: skip
    assert orjson.loads(source) == {"uuid": "u"}
    assert orjson.loads(delete.lines)["delete"]["version_type"] == "external"


def test_chunks_by_count() -> None:
    sizes = [len(chunk) for chunk in bulk.chunks(_upserts(2 * bulk.MAX_ACTIONS + 1))]
    assert sizes == [bulk.MAX_ACTIONS, bulk.MAX_ACTIONS, 1]


def test_chunks_by_bytes_and_an_oversized_action_alone() -> None:
    big = _upserts(3, "y" * (bulk.MAX_BYTES // 2))
    huge = _upserts(1, "z" * bulk.MAX_BYTES)
    sizes = [len(chunk) for chunk in bulk.chunks([*big, *huge, *_upserts(2)])]
    assert sizes == [1, 1, 1, 1, 2]


def _item(status: int, error: object = None) -> dict[str, object]:
    return {"index": {"status": status, **({"error": error} if error else {})}}


def test_only_busy_or_failing_nodes_items_are_sent_again() -> None:
    actions = _upserts(5)
    items = [_item(201), _item(409, "version conflict"), _item(429), _item(503), _item(404)]
    assert bulk._failed(actions, items, target_may_vanish=False) == [actions[2], actions[3]]


def test_a_refused_document_raises() -> None:
    items = [_item(200), _item(400, "mapper_parsing_exception")]
    with pytest.raises(SearchEngineError, match="400"):
        bulk._failed(_upserts(2), items, target_may_vanish=False)


GONE = {"type": "index_not_found_exception", "reason": "[require_alias] ... is not an alias"}


def test_a_vanished_alias_fails_unless_the_target_may_vanish() -> None:
    with pytest.raises(SearchEngineError, match="404"):
        bulk._failed(_upserts(1), [_item(404, GONE)], target_may_vanish=False)
    assert (
        bulk._failed(_upserts(2), [_item(404, GONE), _item(429)], target_may_vanish=True)
        == (_upserts(2)[1:])
    )
