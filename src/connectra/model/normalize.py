"""Normalisation primitives of CONTRACT.md §b.2/§b.3 (with the §0.2 case decision)."""

from __future__ import annotations

from typing import Any

from connectra.model.text import lower

INT64_MAX = 2**63 - 1
PLACEHOLDER = "_"


def is_absent(value: Any) -> bool:
    """``None``, blank strings and the backend's placeholder ``"_"`` all mean "no value"."""
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return not stripped or stripped == PLACEHOLDER
    return False


def clean_string(value: str) -> str:
    """Strip leading/trailing non-alphanumerics and collapse whitespace runs to one space."""
    start, end = 0, len(value)
    while start < end and not value[start].isalnum():
        start += 1
    while end > start and not value[end - 1].isalnum():
        end -= 1
    # str.split() splits on exactly the characters \s matches in a str pattern (both are
    # Py_UNICODE_ISSPACE), and the ends are not whitespace any more.
    return " ".join(value[start:end].split())


def split_and_trim(value: str, sep: str = ",") -> list[str]:
    """Split a list cell; parts are trimmed, empties dropped, case kept (§0.2.1)."""
    return [part for part in (piece.strip() for piece in value.split(sep)) if part]


def clean_phone(value: str) -> str:
    """Digits only, a leading ``+`` kept or added: ``"(512) 555-0101"`` → ``"+5125550101"``."""
    digits = "".join(ch for ch in value if "0" <= ch <= "9")
    if not digits:
        return "+" if value.startswith("+") else ""
    return "+" + digits


def to_int64(value: str) -> int:
    """Keep the digit characters and parse; empty or beyond int64 → 0 (``"$2,500,000"``)."""
    digits = "".join(ch for ch in value if "0" <= ch <= "9")
    if not digits:
        return 0
    number = int(digits)
    return number if number <= INT64_MAX else 0


def lower_identifier(value: str) -> str:
    """Identifiers (email, LinkedIn URLs, domains, uuids) are trimmed and lower-cased."""
    return lower(value.strip())


def domain_from_email(email: str) -> str:
    """The CSV path's normalized_domain: what follows the first ``@`` of the lower-cased email."""
    _, at, domain = email.strip().lower().partition("@")
    return domain if at else ""


def domain_from_website(website: str) -> str:
    """The API path's normalized_domain (§b.3): host of an http(s) URL, else the string; no www."""
    lowered = website.strip().lower()
    if lowered.startswith(("http://", "https://")):
        lowered = lowered.split("/")[2]  # "scheme:", "", host, path...
    return lowered.removeprefix("www.")
