"""Python SDK for the Connectra HTTP API: sync and asyncio clients, a VQL builder, typed results.

::

    from connectra.client import ConnectraClient, Q

    with ConnectraClient("http://127.0.0.1:8000", api_key="...") as client:
        page = client.search_contacts(Q.keyword("seniority", "senior").limit(10))
"""

from __future__ import annotations

from connectra.client._base import BaseClient
from connectra.client._errors import (
    BadRequest,
    Conflict,
    ConnectraClientError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    ValidationFailed,
)
from connectra.client._vql import Q, Query, TextCondition
from connectra.client.asyncio import AsyncConnectraClient
from connectra.client.models import (
    BulkError,
    BulkResult,
    CommonBatchResult,
    EntityType,
    FilterDefinition,
    FilterValue,
    Job,
    ObjectUrl,
    Record,
    SearchPage,
    UpsertResult,
)
from connectra.client.sync import ConnectraClient

__all__ = [
    "AsyncConnectraClient",
    "BadRequest",
    "BaseClient",
    "BulkError",
    "BulkResult",
    "CommonBatchResult",
    "Conflict",
    "ConnectraClient",
    "ConnectraClientError",
    "EntityType",
    "FilterDefinition",
    "FilterValue",
    "Forbidden",
    "Job",
    "NotFound",
    "ObjectUrl",
    "PayloadTooLarge",
    "Q",
    "Query",
    "RateLimited",
    "Record",
    "SearchPage",
    "ServerError",
    "TextCondition",
    "TransportError",
    "Unauthorized",
    "UpsertResult",
    "ValidationFailed",
]
