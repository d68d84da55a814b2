from __future__ import annotations

import pytest

from connectra.errors import ValidationError
from connectra.model.identity import company_uuid, contact_uuid, filter_value_uuid, parse_uuid


def test_contact_uuid_matches_contract_example() -> None:
    expected = "6aa7dce4-330b-52d2-b4c5-605eb4e65a23"
    assert contact_uuid("john", "doe", "https://linkedin.com/in/johndoe") == expected
    assert contact_uuid(" John ", "DOE", "https://LinkedIn.com/in/JohnDoe ") == expected


def test_company_uuid_is_lower_cased_on_every_path() -> None:
    expected = "8304fdc9-a598-5900-909b-f5175893b7c4"
    assert company_uuid("Acme Corporation", "https://linkedin.com/company/acme-corp") == expected
    # The raw-value uuid of Original's API path must never be produced (§0.2.2).
    raw = "687bd591-cf31-5e25-affe-ae56fe0b77db"
    assert company_uuid(" Acme Corporation ", "https://linkedin.com/company/acme-corp") != raw


def test_company_without_name_or_linkedin() -> None:
    assert company_uuid("", "") == "1b4db7eb-4057-5ddf-91e0-36dec72071f5"


def test_filter_value_uuid_ignores_value_case() -> None:
    assert filter_value_uuid("city", "contact", "Austin") == filter_value_uuid(
        "city", "contact", "austin"
    )
    assert filter_value_uuid("city", "contact", "austin") != filter_value_uuid(
        "city", "company", "austin"
    )


def test_parse_uuid_accepts_any_case() -> None:
    upper = "6AA7DCE4-330B-52D2-B4C5-605EB4E65A23"
    assert parse_uuid(upper, path="uuid") == upper.lower()


@pytest.mark.parametrize("value", ["", "not-a-uuid", "6aa7dce4330b52d2b4c5605eb4e65a23", 5, None])
def test_parse_uuid_rejects_garbage_naming_the_path(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        parse_uuid(value, path="data[3].company_id")
    assert info.value.path == "data[3].company_id"
    assert info.value.status == 400
