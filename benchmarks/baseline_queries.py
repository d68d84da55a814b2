"""The query classes on the plain-PostgreSQL baseline: hand-written, parameterised SQL."""

from __future__ import annotations

from typing import Any, LiteralString

import psycopg
from baseline import COLUMN_NAMES, words
from classes import Kind, QueryClass
from compare import Outcome
from psycopg import sql

_SELECT = sql.SQL(", ").join(map(sql.Identifier, COLUMN_NAMES))
_UUID = COLUMN_NAMES.index("uuid")
_CREATED = COLUMN_NAMES.index("created_at")
_NEWEST_FIRST = sql.SQL("ORDER BY created_at DESC, uuid DESC")


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: a swap of two adjacent letters is one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def auto_edits(word: str) -> int:
    """Elasticsearch's ``fuzziness: AUTO``."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "''") + "'"


class BaselineRunner:
    """Runs a query class on the baseline table over one open connection."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self._vocabulary: tuple[str, ...] | None = None

    def vocabulary(self) -> tuple[str, ...]:
        """Distinct title words, read once and cached as an application would."""
        if self._vocabulary is None:
            found = self.conn.execute(
                "SELECT word FROM ts_stat('SELECT title_tsv FROM contacts')"
            ).fetchall()
            self._vocabulary = tuple(sorted(row[0] for row in found))
        return self._vocabulary

    def fuzzy_tsquery(self, text: str) -> str:
        """Every query word OR-expanded to the vocabulary words within AUTO edits, AND-ed."""
        groups = []
        for word in dict.fromkeys(words(text)):
            edits = auto_edits(word)
            near = [
                known
                for known in self.vocabulary()
                if abs(len(known) - len(word)) <= edits and osa_distance(word, known) <= edits
            ]
            if not near:
                return ""
            groups.append("(" + " | ".join(map(_lexeme, near)) + ")")
        return " & ".join(groups)

    def params(self, query: QueryClass) -> dict[str, Any]:
        found = dict(query.params)
        if query.fuzzy_title is not None:
            found["tsquery"] = self.fuzzy_tsquery(query.fuzzy_title)
        if query.facet is not None:
            found["contains"] = like_pattern(query.facet.contains.lower())
            found["facet_limit"] = query.facet.limit
        return found

    def _execute(self, statement: sql.Composed, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return self.conn.execute(statement, params).fetchall()

    def run(self, query: QueryClass) -> Outcome:
        params = self.params(query)
        if query.fuzzy_title is not None and not params["tsquery"]:
            return Outcome(total=0)  # no vocabulary word is close enough: nothing can match
        if query.kind is Kind.COUNT:
            return Outcome(total=self._count(query.where, params))
        if query.kind is Kind.FACET:
            return self._facet(query, params)
        if query.kind is Kind.CURSOR:
            return self._walk(query, params)
        return self._page(query, params)

    def _count(self, where: LiteralString, params: dict[str, Any]) -> int:
        statement = sql.SQL("SELECT count(*) FROM contacts WHERE {}").format(sql.SQL(where))
        return int(self._execute(statement, params)[0][0])

    def _page(self, query: QueryClass, params: dict[str, Any]) -> Outcome:
        total = self._count(query.where, params)
        statement = sql.SQL(
            "SELECT {columns} FROM contacts WHERE {where} {order} LIMIT %(limit)s OFFSET %(offset)s"
        ).format(
            columns=_SELECT,
            where=sql.SQL(query.where),
            order=_NEWEST_FIRST if query.sorted else sql.SQL(""),
        )
        page = {**params, "limit": query.limit, "offset": query.offset}
        rows = self._execute(statement, page)
        return Outcome(total=total, uuids=tuple(row[_UUID] for row in rows))

    def _walk(self, query: QueryClass, params: dict[str, Any]) -> Outcome:
        first = sql.SQL("SELECT {} FROM contacts WHERE {} {} LIMIT %(limit)s")
        later = sql.SQL(
            "SELECT {} FROM contacts WHERE ({}) AND (created_at, uuid) < (%(created)s, %(uuid)s)"
            " {} LIMIT %(limit)s"
        )
        uuids: list[str] = []
        bound: dict[str, Any] = {}
        for _ in range(query.pages):
            template = later if bound else first
            statement = template.format(_SELECT, sql.SQL(query.where), _NEWEST_FIRST)
            rows = self._execute(statement, {**params, **bound, "limit": query.limit})
            uuids.extend(row[_UUID] for row in rows)
            if len(rows) < query.limit:
                break
            bound = {"created": rows[-1][_CREATED], "uuid": rows[-1][_UUID]}
        return Outcome(total=len(uuids), uuids=tuple(uuids))

    def _facet(self, query: QueryClass, params: dict[str, Any]) -> Outcome:
        assert query.facet is not None
        statement = sql.SQL(
            "SELECT value, count(*) AS n FROM contacts CROSS JOIN LATERAL unnest({field}) AS value"
            " WHERE ({where}) AND value LIKE %(contains)s"
            ' GROUP BY value ORDER BY n DESC, value COLLATE "C" LIMIT %(facet_limit)s'
        ).format(field=sql.Identifier(query.facet.field), where=sql.SQL(query.where))
        terms = tuple((str(value), int(n)) for value, n in self._execute(statement, params))
        return Outcome(total=len(terms), terms=terms)

    def all_matches(self, query: QueryClass) -> set[str]:
        """Every matching uuid (diagnostics only)."""
        statement = sql.SQL("SELECT uuid FROM contacts WHERE {}").format(sql.SQL(query.where))
        return {row[0] for row in self._execute(statement, self.params(query))}

    def count_matching(self, query: QueryClass, uuids: tuple[str, ...]) -> int:
        """How many of ``uuids`` satisfy the class's predicate (checks unsorted pages)."""
        statement = sql.SQL(
            "SELECT count(*) FROM contacts WHERE uuid = ANY(%(uuids)s) AND ({})"
        ).format(sql.SQL(query.where))
        return int(self._execute(statement, {**self.params(query), "uuids": list(uuids)})[0][0])

    def record(self, uuid: str) -> dict[str, Any] | None:
        statement = sql.SQL("SELECT {} FROM contacts WHERE uuid = %(uuid)s").format(_SELECT)
        rows = self._execute(statement, {"uuid": uuid})
        return dict(zip(COLUMN_NAMES, rows[0], strict=True)) if rows else None
