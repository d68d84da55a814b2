from __future__ import annotations

from collections import Counter

from connectra.model.fake import TECHNOLOGIES, DemoData
from connectra.model.rows import CSV_HEADERS, records_from_row


def test_same_seed_same_rows() -> None:
    assert list(DemoData(7).rows(300)) == list(DemoData(7).rows(300))
    assert list(DemoData(7).rows(50)) != list(DemoData(8).rows(50))


def test_rows_use_import_headers_and_group_contacts_by_company() -> None:
    rows = list(DemoData().rows(2000))
    assert len(rows) == 2000
    assert all(set(row) <= set(CSV_HEADERS) for row in rows)
    per_company = Counter(records_from_row(row).company["uuid"] for row in rows)
    sizes = list(per_company.values())[:-1]  # the last company may be cut short
    assert min(sizes) >= 5
    assert max(sizes) <= 20
    contacts = {records_from_row(row).contact["uuid"] for row in rows}
    assert len(contacts) == 2000


def test_distributions_are_skewed() -> None:
    assert len(TECHNOLOGIES) == 500
    countries = Counter(row["company_country"] for row in DemoData().rows(5000))
    top, second = countries.most_common(2)
    assert top[0] == "United States"
    assert top[1] > second[1]
