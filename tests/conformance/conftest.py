"""The ``engine`` fixture: every index implementation, loaded with the conformance dataset.

Adding an implementation is one line in :data:`ENGINES`: a name and a factory taking a fresh
directory (which an in-memory or OpenSearch index ignores; OpenSearch gets a fresh prefix on the
test node instead).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from connectra.index.base import SearchIndex
from connectra.index.memory import MemoryIndex
from connectra.index.opensearch import OpenSearchIndex
from connectra.index.tantivy import TantivyIndex
from connectra.model.fields import COMPANY, CONTACT
from tests.conformance.dataset import COMPANY_DOCS, CONTACT_DOCS
from tests.opensearch import delete_prefix, fresh_url

EngineFactory = Callable[[Path], SearchIndex]

ENGINES: list[tuple[str, EngineFactory]] = [
    ("reference", lambda tmp_path: MemoryIndex()),
    ("tantivy", lambda tmp_path: TantivyIndex(tmp_path, writer_heap=15_000_000)),
    ("opensearch", lambda tmp_path: OpenSearchIndex(fresh_url())),
]


@pytest.fixture(
    scope="module",
    params=[factory for _, factory in ENGINES],
    ids=[name for name, _ in ENGINES],
)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchIndex]:
    """One index per implementation holding the whole dataset (read-only for the tests)."""
    factory: EngineFactory = request.param
    index = factory(tmp_path_factory.mktemp("index"))
    for entity, docs in ((COMPANY, COMPANY_DOCS), (CONTACT, CONTACT_DOCS)):
        # Reversed (so insertion order never happens to be the uuid tie-break order) and in
        # two commits (so an engine with segments answers across several of them).
        backwards = docs[::-1]
        half = len(backwards) // 2
        index.apply(entity, backwards[:half], [])
        index.apply(entity, backwards[half:], [])
    try:
        yield index
    finally:
        index.close()
        if isinstance(index, OpenSearchIndex):
            delete_prefix(index.url)
