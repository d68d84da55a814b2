"""What a query class returned on one side, and the agreement check between both sides."""

from __future__ import annotations

from dataclasses import dataclass

from classes import Kind, QueryClass


@dataclass(frozen=True, slots=True)
class Outcome:
    """``total``: the total (list), the count (count), the rows walked (cursor) or the number of
    values (facet); ``uuids``: the page or the whole walk, in order; ``terms``: facet values."""

    total: int
    uuids: tuple[str, ...] = ()
    terms: tuple[tuple[str, int], ...] = ()

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {"total": self.total}
        if self.uuids:
            found["returned"] = len(self.uuids)
            found["first_uuids"] = list(self.uuids[:3])
        if self.terms:
            found["terms"] = [[value, count] for value, count in self.terms]
        return found


def _first_difference(left: tuple[str, ...], right: tuple[str, ...]) -> str:
    for position, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return f"first difference at position {position}: connectra {a}, baseline {b}"
    return f"lengths differ: connectra {len(left)}, baseline {len(right)}"


def disagreements(query: QueryClass, connectra: Outcome, baseline: Outcome) -> list[str]:
    """Every way the two outcomes differ (empty when they agree)."""
    problems: list[str] = []
    if connectra.total != baseline.total:
        problems.append(f"totals differ: connectra {connectra.total}, baseline {baseline.total}")
    if query.kind is Kind.FACET and connectra.terms != baseline.terms:
        pairs = set(connectra.terms) ^ set(baseline.terms)
        problems.append(f"facet values differ; differing (value, count) pairs: {sorted(pairs)}")
    ordered = query.sorted or query.kind is Kind.CURSOR
    if ordered and connectra.uuids != baseline.uuids:
        problems.append(_first_difference(connectra.uuids, baseline.uuids))
    if not ordered and len(connectra.uuids) != len(baseline.uuids):
        problems.append(
            f"page sizes differ: connectra {len(connectra.uuids)}, baseline {len(baseline.uuids)}"
        )
    return problems
