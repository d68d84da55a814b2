"""``opensearch://host:port[,host:port][/prefix]`` → hosts, TLS, credentials, name prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from connectra.errors import ConfigurationError

DEFAULT_PREFIX = "connectra"
DEFAULT_PORT = 9200
# Index names are lower-case and may not hold most punctuation; keep prefixes to a safe subset.
_PREFIX = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_PLAIN = ("opensearch", "elasticsearch", "opensearch+http", "elasticsearch+http")
_TLS = ("opensearchs", "elasticsearchs", "opensearch+https", "elasticsearch+https")


@dataclass(frozen=True, slots=True)
class ClusterAddress:
    hosts: tuple[tuple[str, int], ...]
    use_ssl: bool
    prefix: str
    username: str = ""
    password: str = ""


def _host(part: str) -> tuple[str, int]:
    host, sep, port = part.partition(":")
    if not sep:
        port = str(DEFAULT_PORT)
    if not host or not port.isdigit():
        raise ConfigurationError(f"bad search host {part!r}: expected host[:port]")
    return host, int(port)


def _prefix(path: str) -> str:
    prefix = path.strip("/") or DEFAULT_PREFIX
    if not _PREFIX.fullmatch(prefix):
        raise ConfigurationError(
            f"bad index prefix {prefix!r}: use lower-case letters, digits, '_', '.', '-'"
        )
    return prefix


def parse_search_url(url: str) -> ClusterAddress:
    """Parse a search URL; ``opensearchs://`` (or ``+https``) means TLS. Several hosts of one
    cluster are separated by commas; the path is the prefix of every index and alias name."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in _PLAIN + _TLS:
        raise ConfigurationError(f"not an OpenSearch URL: {url!r}")
    netloc, _, path = rest.partition("/")
    credentials, _, hosts = netloc.rpartition("@")
    user, _, password = credentials.partition(":")
    parts = [part for part in hosts.split(",") if part]
    if not parts:
        raise ConfigurationError(f"no host in the {scheme}:// search URL")
    return ClusterAddress(
        hosts=tuple(_host(part) for part in parts),
        use_ssl=scheme in _TLS,
        prefix=_prefix(path.partition("?")[0]),
        username=unquote(user),
        password=unquote(password),
    )
