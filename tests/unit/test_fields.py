from __future__ import annotations

import pytest

from connectra.errors import UnsupportedService
from connectra.model.fields import COMPANY, CONTACT, FieldKind, entity_for_service


def test_column_counts_match_the_contract() -> None:
    assert len(CONTACT.columns) == 25
    assert len(COMPANY.columns) == 26


def test_contact_document_has_fourteen_company_copies() -> None:
    copies = [f for f in CONTACT.index_fields if f.from_company]
    assert len(copies) == 14
    for field in copies:
        source = COMPANY.column(field.source.removeprefix("company."))
        assert source is not None, field.name
        assert field.name == "company_" + source.name


@pytest.mark.parametrize("entity", [CONTACT, COMPANY])
def test_index_fields_come_from_columns(entity: object) -> None:
    from connectra.model.fields import Entity

    assert isinstance(entity, Entity)
    for field in entity.index_fields:
        if not field.from_company:
            assert entity.column(field.source) is not None, field.name


def test_kinds_follow_the_mapping() -> None:
    assert CONTACT.index_field("title").kind is FieldKind.TEXT  # type: ignore[union-attr]
    assert CONTACT.index_field("city").kind is FieldKind.KEYWORD  # type: ignore[union-attr]
    assert CONTACT.index_field("departments").multi  # type: ignore[union-attr]
    assert COMPANY.index_field("employees_count").kind is FieldKind.NUMBER  # type: ignore[union-attr]
    assert CONTACT.index_field("id") is None
    assert CONTACT.index_field("stage") is None
    texts = {f.name for f in COMPANY.index_fields if f.kind is FieldKind.TEXT}
    assert texts == {"name", "address", "website", "normalized_domain"}
    assert all(f.ngram for f in COMPANY.index_fields if f.kind is FieldKind.TEXT)
    assert (COMPANY.min_gram, COMPANY.max_gram) == (CONTACT.min_gram, CONTACT.max_gram) == (3, 10)


def test_text_fields_are_not_sortable() -> None:
    sortable = {f.name for f in CONTACT.index_fields if f.sortable}
    assert "title" not in sortable
    assert {"uuid", "created_at", "company_employees_count", "seniority"} <= sortable


@pytest.mark.parametrize(
    ("service", "entity"),
    [("contact", CONTACT), ("contacts", CONTACT), ("Company", COMPANY), ("companies", COMPANY)],
)
def test_entity_for_service(service: str, entity: object) -> None:
    assert entity_for_service(service) is entity


def test_unknown_service_is_a_400_with_its_token() -> None:
    with pytest.raises(UnsupportedService) as info:
        entity_for_service("people")
    assert info.value.status == 400
    assert info.value.error.startswith("ERR_UNSUPPORTED_SERVICE: ")
