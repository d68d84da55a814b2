"""The index adapters translate their engine's errors at the edge: services see only
SearchEngineError (OpenSearch's translation is covered by test_opensearch_live)."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectra.errors import SearchEngineError
from connectra.index.tantivy import TantivyIndex
from connectra.model.fields import COMPANY
from connectra.vql.ast import Query

TOO_SMALL_HEAP = 1  # tantivy refuses a writer with less than its minimum memory budget
DOC = {"uuid": "6aa7dce4-330b-52d2-b4c5-605eb4e65a23", "name": "Acme"}


def test_tantivy_errors_are_search_engine_errors(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index", writer_heap=TOO_SMALL_HEAP)
    try:
        with pytest.raises(SearchEngineError, match="tantivy write failed"):
            index.apply(COMPANY, [DOC], [])
        with pytest.raises(SearchEngineError, match="tantivy terms failed"):
            index.terms(COMPANY, "no_such_field", query=Query())
        assert index.count(COMPANY, Query()) == 0
    finally:
        index.close()
