"""The embedded search index: one tantivy directory per entity.

Modules: :mod:`.schema` (fields and documents), :mod:`.directory` (opening, writer, searcher),
:mod:`.compile` (AST → query), :mod:`.sort` (multi-key order and cursors), :mod:`.queries`
(shared helpers), :mod:`.index` (:class:`TantivyIndex`, the protocol's entry points).
"""

from __future__ import annotations

from connectra.index.tantivy.index import TantivyIndex

__all__ = ["TantivyIndex"]
