"""Connectra in process: import the CSV through the batch-upsert path, rebuild the tantivy
index, and run the query classes the way a list/count/filter request would."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classes import Kind, QueryClass
from compare import Outcome
from measure import Stopwatch

from connectra.index.base import Hit, SearchIndex
from connectra.model.fields import COMPANY, CONTACT
from connectra.services.batch_upsert import upsert_csv_rows
from connectra.store.database import Store
from connectra.store.entities import fetch_by_uuids
from connectra.vql import cursor
from connectra.vql.ast import Page
from connectra.vql.validate import parse_search
from connectra.workers.indexer import reindex


@dataclass(frozen=True, slots=True)
class Phase:
    rows: int
    seconds: float


def _batches(csv_path: Path, size: int) -> Iterator[list[dict[str, str]]]:
    with csv_path.open(newline="", encoding="utf-8") as handle:
        batch: list[dict[str, str]] = []
        for row in csv.DictReader(handle):
            batch.append(row)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch


def import_csv(store: Store, csv_path: Path, batch: int) -> Phase:
    """Stream the CSV through ``upsert_csv_rows``: one write transaction per batch."""
    rows = 0
    with Stopwatch() as watch:
        for chunk in _batches(csv_path, batch):
            with store.write() as conn:
                upsert_csv_rows(conn, chunk)
            rows += len(chunk)
    return Phase(rows, watch.seconds)


def build_index(store: Store, index: SearchIndex) -> dict[str, Phase]:
    """Rebuild both entities from the store (the outbox entries of the import are left alone)."""
    phases: dict[str, Phase] = {}
    for entity in (COMPANY, CONTACT):
        with Stopwatch() as watch:
            written = reindex(store, index, entity)
        phases[entity.name] = Phase(written, watch.seconds)
    index.close()  # waits for merges, so the size on disk and the timings are settled
    return phases


class ConnectraRunner:
    """Runs a query class in process: parse, search the index, fetch the rows by uuid."""

    def __init__(self, store: Store, index: SearchIndex) -> None:
        self.store = store
        self.index = index

    def run(self, query: QueryClass) -> Outcome:
        if query.kind is Kind.COUNT:
            search = parse_search(query.vql, CONTACT)
            return Outcome(total=self.index.count(CONTACT, search.query))
        if query.kind is Kind.FACET:
            return self._facet(query)
        if query.kind is Kind.CURSOR:
            return self._walk(query)
        return self._page(query)

    def _rows(self, hits: list[Hit]) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            found = fetch_by_uuids(conn, CONTACT, [hit.uuid for hit in hits])
        return [found[hit.uuid] for hit in hits if hit.uuid in found]

    def _page(self, query: QueryClass) -> Outcome:
        search = parse_search(query.vql, CONTACT)
        result = self.index.search(CONTACT, search.query, search.sort, search.page, with_total=True)
        rows = self._rows(result.hits)
        return Outcome(total=result.total or 0, uuids=tuple(row["uuid"] for row in rows))

    def _walk(self, query: QueryClass) -> Outcome:
        body = dict(query.vql)
        uuids: list[str] = []
        for _ in range(query.pages):
            search = parse_search(body, CONTACT)
            result = self.index.search(CONTACT, search.query, search.sort, search.page)
            uuids.extend(row["uuid"] for row in self._rows(result.hits))
            if len(result.hits) < search.page.limit:
                break
            last = result.hits[-1]
            body = {**query.vql, "cursor": cursor.encode(search.sort, last.sort_values, last.uuid)}
        return Outcome(total=len(uuids), uuids=tuple(uuids))

    def _facet(self, query: QueryClass) -> Outcome:
        assert query.facet is not None
        search = parse_search(query.vql, CONTACT)
        counted = self.index.terms(
            CONTACT,
            query.facet.field,
            query=search.query,
            contains=query.facet.contains,
            limit=query.facet.limit,
        )
        terms = tuple((item.value, item.count) for item in counted)
        return Outcome(total=len(terms), terms=terms)

    def all_matches(self, query: QueryClass) -> set[str]:
        """Every matching uuid (diagnostics only)."""
        search = parse_search(query.vql, CONTACT)
        total = self.index.count(CONTACT, search.query)
        result = self.index.search(CONTACT, search.query, (), Page(limit=max(total, 1)))
        return {hit.uuid for hit in result.hits}
