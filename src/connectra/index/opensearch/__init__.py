"""The scale-out search index: OpenSearch (and Elasticsearch-compatible servers)."""

from connectra.index.opensearch.adapter import OpenSearchIndex
from connectra.index.opensearch.address import ClusterAddress, parse_search_url

__all__ = ["ClusterAddress", "OpenSearchIndex", "parse_search_url"]
