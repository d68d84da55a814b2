from __future__ import annotations

from connectra.model.fields import COMPANY, CONTACT
from connectra.model.identity import contact_uuid
from connectra.model.rows import CSV_HEADERS, records_from_row

ROW = {
    "\ufefffirst_name": " John ",
    "last_name": "Doe",
    "person_linkedin_url": "https://LinkedIn.com/in/JohnDoe/",
    "email": "John.Doe@Acme.com",
    "title": "Senior Software Engineer",
    "departments": "Engineering, IT,",
    "mobile_phone": "(512) 555-0101",
    "seniority": "Senior",
    "city": "Austin",
    "company": "Acme Corporation",
    "company_linkedin_url": "https://linkedin.com/company/acme-corp",
    "employees": "1,200",
    "industry": "Software, Internet",
    "technologies": "Python, AWS Lambda",
    "annual_revenue": "$2,500,000",
    "company_phone": "+1 512 555 0100",
    "company_country": "United States",
    "website": "https://www.acme.com/",
    "unknown_header": "ignored",
}


def test_company_from_row() -> None:
    company = records_from_row(ROW).company
    assert company["uuid"] == "8304fdc9-a598-5900-909b-f5175893b7c4"
    assert company["name"] == "Acme Corporation"
    assert company["normalized_domain"] == "acme.com"
    assert company["employees_count"] == 1200
    assert company["industries"] == ["Software", "Internet"]
    assert company["technologies"] == ["Python", "AWS Lambda"]
    assert company["annual_revenue"] == 2_500_000
    assert company["phone_number"] == "+15125550100"
    assert company["country"] == "United States"
    assert company["website"] == "https://www.acme.com"
    assert company["total_funding"] is None
    assert set(company) == {c.name for c in COMPANY.columns if not c.system}


def test_contact_from_row() -> None:
    records = records_from_row(ROW)
    contact = records.contact
    assert contact["company_id"] == records.company["uuid"]
    assert contact["first_name"] == "John"
    assert contact["email"] == "john.doe@acme.com"
    assert contact["linkedin_url"] == "https://linkedin.com/in/johndoe"
    assert contact["uuid"] == contact_uuid("john", "doe", "https://linkedin.com/in/johndoe")
    assert contact["departments"] == ["Engineering", "IT"]
    assert contact["mobile_phone"] == "+5125550101"
    assert contact["seniority"] == "Senior"
    assert contact["website"] is None  # never filled from CSV
    assert set(contact) == {c.name for c in CONTACT.columns if not c.system}


def test_row_without_company_links_to_the_empty_company() -> None:
    records = records_from_row({"first_name": "Ann", "last_name": "Lee", "email": "_"})
    assert records.company["uuid"] == "1b4db7eb-4057-5ddf-91e0-36dec72071f5"
    assert records.company["name"] is None
    assert records.contact["email"] is None
    assert records.contact["company_id"] == records.company["uuid"]


def test_number_cell_with_text_is_zero_not_absent() -> None:
    assert records_from_row({"employees": "n/a"}).company["employees_count"] == 0


def test_csv_headers_cover_both_tables() -> None:
    assert "company" in CSV_HEADERS
    assert "person_linkedin_url" in CSV_HEADERS
    assert len(CSV_HEADERS) == len(set(CSV_HEADERS))
