"""The OpenSearch node of the test run (scripts/test.sh starts one): URLs with fresh prefixes."""

from __future__ import annotations

import os
import uuid

import pytest
from opensearchpy import OpenSearch

from connectra.index.opensearch import parse_search_url

URL_VARIABLE = "CONNECTRA_TEST_OPENSEARCH_URL"


def opensearch_url() -> str:
    """The node's ``opensearch://host:port``; CI fails rather than skips without one."""
    url = os.environ.get(URL_VARIABLE, "")
    if not url:
        message = f"{URL_VARIABLE} is not set; run scripts/test.sh (it starts an OpenSearch node)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url.rstrip("/")


def fresh_url(base: str | None = None) -> str:
    """The node's URL with a prefix no other test uses."""
    return f"{base or opensearch_url()}/t{uuid.uuid4().hex[:12]}"


def delete_prefix(url: str) -> None:
    """Remove every index a test created under the URL's prefix."""
    address = parse_search_url(url)
    client = OpenSearch(hosts=[{"host": h, "port": p} for h, p in address.hosts])
    try:
        client.indices.delete(index=f"{address.prefix}-*", expand_wildcards="all")
    finally:
        client.close()
