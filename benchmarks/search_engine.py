"""The search engine a benchmark run writes to: tantivy in the scratch directory by default, or
an OpenSearch cluster (``--search opensearch://host:port``) under a run-private prefix."""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from pathlib import Path

from measure import dir_size_bytes
from opensearchpy import OpenSearch

from connectra.index.base import SearchIndex
from connectra.index.opensearch import OpenSearchIndex, parse_search_url


def search_url(option: str, scratch: Path, stack: ExitStack) -> str:
    """The run's search URL. An OpenSearch URL without a prefix gets a unique one, so that a
    benchmark never touches a deployment's indexes; they are deleted at the end of the run."""
    if not option:
        return f"tantivy://{scratch / 'index'}"
    scheme, _, rest = option.partition("://")
    if scheme == "tantivy":
        return option
    if "/" not in rest.rstrip("/"):
        option = f"{option.rstrip('/')}/bench{uuid.uuid4().hex[:10]}"
    stack.callback(_delete_indexes, option)
    return option


def _delete_indexes(url: str) -> None:
    address = parse_search_url(url)
    client = OpenSearch(hosts=[{"host": host, "port": port} for host, port in address.hosts],
                        use_ssl=address.use_ssl)  # fmt: skip
    try:
        client.indices.delete(index=f"{address.prefix}-*", expand_wildcards="all")
    finally:
        client.close()


def index_size_bytes(index: SearchIndex, url: str) -> int:
    """Bytes on disk: the tantivy directory, or the primary store size of the OpenSearch indexes."""
    if isinstance(index, OpenSearchIndex):
        stats = index.client.indices.stats(index=f"{index.address.prefix}-*", metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])
    return dir_size_bytes(Path(url.removeprefix("tantivy://")))


def engine_name(url: str) -> str:
    return url.partition("://")[0]
