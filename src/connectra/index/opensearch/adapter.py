"""The :class:`~connectra.index.base.SearchIndex` on an OpenSearch cluster.

Names: every entity is searched and written through the alias ``<prefix>-<plural>``, which
points at one physical index ``<prefix>-<plural>-<n>``. A rebuild creates a new physical index
under the alias ``<prefix>-<plural>-building``, which writers also feed meanwhile, and then swaps
the main alias onto it in one atomic alias update; the old index is deleted after the swap.

Writes use external versions (:func:`connectra.index.base.write_version`), so a late, stale write
never replaces a newer document, and the two writes of a document during a rebuild agree.
Request bodies come from the pure compiler :mod:`connectra.index.elastic_dsl`. The client is
created lazily by opensearch-py and holds a connection pool per host; nothing here contacts the
cluster before the first request, so an unreachable cluster never stops a process from starting.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from opensearchpy import NotFoundError, OpenSearch, RequestError

from connectra.errors import SearchEngineError
from connectra.index import elastic_dsl as dsl
from connectra.index.base import (
    Document,
    Hit,
    SearchResult,
    Stamp,
    TermCount,
    write_version,
)
from connectra.index.documents import UPDATED_AT
from connectra.index.opensearch import bulk
from connectra.index.opensearch.address import ClusterAddress, parse_search_url
from connectra.index.opensearch.errors import translated
from connectra.model.fields import Entity
from connectra.vql.ast import Page, Query, SortKey

REQUEST_TIMEOUT_SECONDS = 30
POOL_SIZE = 16  # connections per host: the API's worker threads share one client
OLD_INDEX_GRACE_SECONDS = 1.0
# Bulk requests in flight while a rebuild fills its index: the shard indexes each request on a
# write thread of its own, so one request at a time kept one core of the node busy (1,954
# documents/s at 1M on 2 cores) while the documents were ready.
REBUILD_STREAMS = 2


def _client(address: ClusterAddress) -> OpenSearch:
    return OpenSearch(
        hosts=[{"host": host, "port": port} for host, port in address.hosts],
        use_ssl=address.use_ssl,
        verify_certs=address.use_ssl,
        http_auth=(address.username, address.password) if address.username else None,
        timeout=REQUEST_TIMEOUT_SECONDS,
        # A refused or dropped connection is retried on the next host of the pool.
        max_retries=3,
        retry_on_timeout=True,
        retry_on_status=(502, 503, 504),
        pool_maxsize=POOL_SIZE,
    )


def _complete(response: dict[str, Any]) -> dict[str, Any]:
    """The response, unless a shard failed: a partial answer is never passed off as the answer."""
    shards = response.get("_shards", {})
    if shards.get("failed") or shards.get("successful", 0) < shards.get("total", 0):
        raise SearchEngineError(f"OpenSearch answered from {shards} shards only")
    return response


class OpenSearchIndex:
    """The search index on an OpenSearch cluster (see the module docstring for the layout)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.address = parse_search_url(url)
        self.client = _client(self.address)
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    # -- names and index lifecycle ------------------------------------------------------

    def alias(self, entity: Entity) -> str:
        """The name searches and writes go through."""
        return f"{self.address.prefix}-{entity.plural}"

    def building_alias(self, entity: Entity) -> str:
        return f"{self.alias(entity)}-building"

    def _ensure(self, entity: Entity) -> str:
        """The entity's alias, creating its first physical index when there is none yet."""
        alias = self.alias(entity)
        if entity.name in self._ready:
            return alias
        with self._lock, translated(f"creating the {alias} index"):
            if not self.client.indices.exists_alias(name=alias):
                body = {**dsl.index_definition(entity), "aliases": {alias: {}}}
                try:
                    self.client.indices.create(index=f"{alias}-0", body=body)
                except RequestError as exc:  # another process created it first
                    if exc.error != "resource_already_exists_exception":
                        raise
            else:  # created by an earlier version: add the fields it lacks (mappings only grow)
                self.client.indices.put_mapping(index=alias, body=dsl.system_properties())
            self._ready.add(entity.name)
        return alias

    def _physical(self, alias: str) -> list[str]:
        try:
            return list(self.client.indices.get_alias(name=alias))
        except NotFoundError:
            return []

    # -- writes -------------------------------------------------------------------------

    def _actions(
        self,
        target: str,
        entity: Entity,
        upserts: Sequence[Document],
        deletes: Sequence[str],
        version: int,
    ) -> list[bulk.Action]:
        actions = [bulk.delete(target, uuid, version) for uuid in deletes]
        actions += [
            bulk.upsert(target, doc["uuid"], dsl.source_document(entity, doc), version)
            for doc in upserts
        ]
        return actions

    def apply(
        self,
        entity: Entity,
        upserts: Sequence[Document],
        deletes: Sequence[str],
        *,
        version: int | None = None,
    ) -> None:
        alias = self._ensure(entity)
        version = write_version() if version is None else version
        building = self.building_alias(entity)
        with translated(f"writing to {alias}"):
            # A rebuild is running: feed it first. If its swap happens meanwhile, the building
            # alias is gone and the main alias already points at the new index, which the write
            # to the main alias below then reaches; either way the new index gets this write.
            if self.client.indices.exists_alias(name=building):
                feed = self._actions(building, entity, upserts, deletes, version)
                bulk.send(self.client, feed, target_may_vanish=True)
            bulk.send(self.client, self._actions(alias, entity, upserts, deletes, version))
            self.client.indices.refresh(index=alias)

    def rebuild(self, entity: Entity, batches: Iterable[Sequence[Document]]) -> int:
        alias = self._ensure(entity)
        building = self.building_alias(entity)
        with translated(f"rebuilding {alias}"):
            self._abandon(building)
            physical = f"{alias}-{time.time_ns()}"
            definition = dsl.index_definition(entity)
            definition["settings"]["index"]["refresh_interval"] = "-1"  # one refresh at the end
            self.client.indices.create(
                index=physical, body={**definition, "aliases": {building: {}}}
            )
            try:
                written = self._fill(physical, building, entity, batches)
                self._swap(alias, building, physical)
            except BaseException:
                self.client.indices.delete(index=physical, ignore_unavailable=True)
                raise
        return written

    def _abandon(self, building: str) -> None:
        """Delete what an interrupted rebuild left behind."""
        for index in self._physical(building):
            self.client.indices.delete(index=index, ignore_unavailable=True)
        if self.client.indices.exists(index=building):  # a concrete index under the alias's name
            self.client.indices.delete(index=building, ignore_unavailable=True)

    def _fill(
        self, physical: str, building: str, entity: Entity, batches: Iterable[Sequence[Document]]
    ) -> int:
        # Taken after the building alias exists and before the first read: any write that did not
        # see the alias read its rows earlier, and any later change carries a larger version.
        version = write_version()
        written = 0
        with ThreadPoolExecutor(REBUILD_STREAMS, thread_name_prefix="rebuild") as streams:
            sending: deque[Future[None]] = deque()
            for batch in batches:
                if len(sending) == REBUILD_STREAMS:
                    sending.popleft().result()  # a failed batch stops the rebuild here
                actions = self._actions(building, entity, batch, [], version)
                sending.append(streams.submit(bulk.send, self.client, actions))
                written += len(batch)
            for sent in sending:
                sent.result()
        self.client.indices.put_settings(index=physical, body={"index": {"refresh_interval": None}})
        self.client.indices.refresh(index=physical)
        self.client.cluster.health(index=physical, wait_for_status="yellow")
        return written

    def _swap(self, alias: str, building: str, physical: str) -> None:
        old = [index for index in self._physical(alias) if index != physical]
        actions: list[dict[str, Any]] = [{"add": {"index": physical, "alias": alias}}]
        actions += [{"remove": {"index": index, "alias": alias}} for index in old]
        actions.append({"remove": {"index": physical, "alias": building}})
        self.client.indices.update_aliases(body={"actions": actions})
        time.sleep(OLD_INDEX_GRACE_SECONDS)  # searches that resolved the alias just before finish
        for index in old:
            self.client.indices.delete(index=index, ignore_unavailable=True)

    def drop(self, entity: Entity) -> None:
        # An empty rebuild: delete-by-query lives in a module the plain server does not load.
        self.rebuild(entity, [])

    def close(self) -> None:
        self.client.close()

    # -- reads --------------------------------------------------------------------------

    def search(
        self,
        entity: Entity,
        query: Query,
        sort: Sequence[SortKey],
        page: Page,
        *,
        with_total: bool = False,
    ) -> SearchResult:
        alias = self._ensure(entity)
        body = dsl.search_body(query, sort, page, entity, with_total=with_total)
        with translated(f"search on {alias}"):
            found = _complete(self.client.search(index=alias, body=body))["hits"]
        hits = [
            Hit(hit["_id"], dsl.hit_sort_values(sort, hit["sort"]) if sort else ())
            for hit in found["hits"]
        ]
        return SearchResult(hits, int(found["total"]["value"]) if with_total else None)

    def count(self, entity: Entity, query: Query) -> int:
        alias = self._ensure(entity)
        with translated(f"count on {alias}"):
            counted = self.client.count(index=alias, body=dsl.count_body(query, entity))
        return int(_complete(counted)["count"])

    def stamps(self, entity: Entity, *, after: str | None, limit: int) -> list[Stamp]:
        alias = self._ensure(entity)
        with translated(f"uuid walk on {alias}"):
            found = self.client.search(index=alias, body=dsl.stamps_body(after, limit))
        return [
            Stamp(hit["_id"], hit.get("_source", {}).get(UPDATED_AT))
            for hit in _complete(found)["hits"]["hits"]
        ]

    def terms(
        self, entity: Entity, field: str, *, query: Query, contains: str = "", limit: int = 25
    ) -> list[TermCount]:
        alias = self._ensure(entity)
        body = dsl.terms_body(field, query, contains, limit, entity)
        with translated(f"terms of {field} on {alias}"):
            aggregations = _complete(self.client.search(index=alias, body=body))["aggregations"]
        buckets = aggregations[dsl.TERMS_AGGREGATION]["buckets"]
        return [TermCount(str(bucket["key"]), int(bucket["doc_count"])) for bucket in buckets]
