"""Open the search index a ``CONNECTRA_SEARCH_URL`` names."""

from __future__ import annotations

from connectra.errors import ConfigurationError
from connectra.index.base import SearchIndex
from connectra.index.tantivy import TantivyIndex


def open_index(url: str) -> SearchIndex:
    """``tantivy://<dir>`` opens (or creates) the embedded index under that directory."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme == "tantivy":
        return TantivyIndex(rest)
    if sep and scheme.split("+")[0] in ("elasticsearch", "opensearch"):
        raise ConfigurationError(
            f"{scheme} is not available yet: the Elasticsearch/OpenSearch adapter is not built "
            "(its query compiler is, see connectra.index.elastic_dsl); use tantivy://"
        )
    raise ConfigurationError(f"unsupported search URL {url!r}; expected tantivy://<directory>")
