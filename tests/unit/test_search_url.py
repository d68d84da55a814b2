"""``opensearch://`` search URLs: hosts, TLS, credentials and the index-name prefix."""

from __future__ import annotations

import pytest

from connectra.errors import ConfigurationError
from connectra.index.factory import open_index
from connectra.index.opensearch import OpenSearchIndex, parse_search_url
from connectra.model.fields import CONTACT


def test_defaults() -> None:
    address = parse_search_url("opensearch://127.0.0.1")
    assert address.hosts == (("127.0.0.1", 9200),)
    assert not address.use_ssl
    assert address.prefix == "connectra"


def test_tls_several_hosts_and_prefix() -> None:
    address = parse_search_url("opensearchs://u:p%2Fw@a:9201,b:9202/tenant_1")
    assert address.hosts == (("a", 9201), ("b", 9202))
    assert address.use_ssl
    assert (address.username, address.password) == ("u", "p/w")
    assert address.prefix == "tenant_1"


@pytest.mark.parametrize(
    "url",
    ["opensearch://", "opensearch://h:port", "opensearch://h/Upper", "solr://h:1", "h:9200"],
)
def test_bad_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_search_url(url)


def test_factory_opens_without_contacting_the_cluster() -> None:
    # Nothing listens on port 1: building the adapter must still succeed (the API starts).
    index = open_index("opensearch://127.0.0.1:1/p")
    assert isinstance(index, OpenSearchIndex)
    assert index.alias(CONTACT) == "p-contacts"
    index.close()
