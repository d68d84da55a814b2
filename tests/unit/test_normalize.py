from __future__ import annotations

import pytest

from connectra.model.normalize import (
    INT64_MAX,
    clean_phone,
    clean_string,
    domain_from_email,
    domain_from_website,
    is_absent,
    lower_identifier,
    split_and_trim,
    to_int64,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+1-555", "1-555"),
        ("https://x.com/a/", "https://x.com/a"),
        ("!!!", ""),
        ("  Acme   Corp  ", "Acme Corp"),
        ("\ufeffemail", "email"),
        ('"quoted"', "quoted"),
        ("Zoë\t\nMüller", "Zoë Müller"),
        ("_", ""),
        ("", ""),
    ],
)
def test_clean_string(raw: str, expected: str) -> None:
    assert clean_string(raw) == expected


def test_split_and_trim_keeps_case_and_drops_empties() -> None:
    assert split_and_trim(" Python , ,React,  AWS Lambda ") == ["Python", "React", "AWS Lambda"]
    assert split_and_trim("") == []
    assert split_and_trim("a|b", "|") == ["a", "b"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(512) 555-0101", "+5125550101"),
        ("+1 (512) 555-0101", "+15125550101"),
        ("1+2", "+12"),
        ("", ""),
        ("n/a", ""),
        ("+", "+"),
    ],
)
def test_clean_phone(raw: str, expected: str) -> None:
    assert clean_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("$2,500,000", 2_500_000),
        ("1.5M", 15),
        ("-3", 3),
        ("", 0),
        ("none", 0),
        (str(INT64_MAX), INT64_MAX),
        (str(INT64_MAX + 1), 0),
    ],
)
def test_to_int64(raw: str, expected: int) -> None:
    assert to_int64(raw) == expected


@pytest.mark.parametrize(
    ("website", "expected"),
    [
        ("https://www.acme.com/x", "acme.com"),
        ("acme.com/about", "acme.com/about"),
        ("HTTP://WWW.Acme.COM:8080/path", "acme.com:8080"),
        ("www.acme.io", "acme.io"),
        ("https://", ""),
    ],
)
def test_domain_from_website(website: str, expected: str) -> None:
    assert domain_from_website(website) == expected


def test_domain_from_email() -> None:
    assert domain_from_email("John.Doe@Acme.COM") == "acme.com"
    assert domain_from_email("a@b@c.io") == "b@c.io"
    assert domain_from_email("no-at-sign") == ""


@pytest.mark.parametrize("value", [None, "", "   ", "_", " _ "])
def test_absent_values(value: object) -> None:
    assert is_absent(value)


@pytest.mark.parametrize("value", ["a", "__", 0, [], False])
def test_present_values(value: object) -> None:
    assert not is_absent(value)


def test_lower_identifier() -> None:
    assert lower_identifier("  John@Example.COM ") == "john@example.com"
