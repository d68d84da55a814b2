"""Open the search index a ``CONNECTRA_SEARCH_URL`` names."""

from __future__ import annotations

from connectra.errors import ConfigurationError
from connectra.index.base import SearchIndex
from connectra.index.tantivy import TantivyIndex


def open_index(url: str) -> SearchIndex:
    """``tantivy://<dir>`` opens (or creates) the embedded index under that directory;
    ``opensearch://host:port[/prefix]`` (``opensearchs://`` for TLS) an OpenSearch cluster."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme == "tantivy":
        return TantivyIndex(rest)
    if sep and scheme.split("+")[0].rstrip("s") in ("elasticsearch", "opensearch"):
        from connectra.index.opensearch import OpenSearchIndex  # the client only when used

        return OpenSearchIndex(url)
    raise ConfigurationError(
        f"unsupported search URL {url!r}; expected tantivy://<directory> or "
        "opensearch[s]://host:port[/prefix]"
    )
