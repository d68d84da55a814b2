"""The fixed conformance dataset: 25 companies and 40 contacts, each value chosen for a rule.

Rows look the way they come out of the store (every column of ``model/fields.py``, arrays as
lists, numbers as ints, timezone-aware ``created_at``); the index documents are built from them
with :func:`connectra.index.documents.build_document`, contacts with their company's row.

Every row has a short readable name; expectations in ``test_cases.py`` are sets or lists of
those names. UUIDs are fixed: the first group is a prefix plus the row's ordinal
(``c0000001``… for companies, ``a0000001``… for contacts) and the rest comes from a UUID5 of the
name, so **uuid order is dataset order** — that is how the uuid tie-break of sorted results can be
written by hand.

Notes on purpose (see CONTRACT.md §c.3 and §0.2):

* titles: "Senior Software Engineer", "Software Engineer Senior", "Senior Engineer" (twice),
  "Engineer", "Senior Staff Software Engineer", "Engineering Manager", "Engineer, Software"…
  for phrases with slop, reversed words, whole tokens vs n-grams;
* names reachable by AUTO fuzziness: Li/Lu (2 chars, 0 edits), Ana/Anna/Jon (3-5 chars, 1 edit),
  Priya (transposition), Jonathan/Müller (≥6 chars, 2 edits), Chen/Cohen; unicode
  (Zoë Müller, João, Chloé, "Ingénieur Logiciel", São Paulo, München, Léa); O'Connor (two tokens);
* seniority stored as sent in mixed case ("Senior", "senior", "SENIOR", "Manager", "manager");
* departments / industries / technologies multi-valued (and "C++", "Import Export" as whole
  keyword values), contacts without company (chloe, sofia) and companies without employees_count
  (wayne, soylent);
* company names for n-grams: "AB Systems" (2-char token), "XYZ Robotics" (3), "Acme
  Microelectronics" (>10) vs "Microelectronic Labs", "Blue Sun Microsystems", "Massive Dynamic"
  (contains "mic"), "São Paulo Têxtil"; microlabs' address holds every 10-gram of
  "microelectronics" spread over two words;
* employees_count ties (50/50, 200/200, 1000/1000) and created_at ties (sarah and david at the
  same instant, written in two time zones) for the uuid tie-break; hooli is created at
  2025-01-01T01:00+02:00 (= 2024-12-31T23:00Z) and bluesun at 2025-12-31T23:30-05:00
  (= 2026-01-01T04:30Z) for time-zone edges of date ranges.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from connectra.index.documents import build_document
from connectra.model.fields import COMPANY, CONTACT, ColumnType, Entity

Row = dict[str, Any]


def _uuid(prefix: str, ordinal: int, name: str) -> str:
    tail = str(uuid.uuid5(uuid.NAMESPACE_URL, f"connectra-conformance/{prefix}/{name}"))[8:]
    return f"{prefix}{ordinal:06d}{tail}"


def _at(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


def _blank(entity: Entity) -> Row:
    row: Row = {}
    for column in entity.columns:
        row[column.name] = [] if column.type is ColumnType.TEXT_ARRAY else None
    return row


# --------------------------------------------------------------------------------------------
# Companies. Ordinal k is created on the 15th of month k of 2024-2025 at 09:00Z (k = 1..24),
# except hooli (13) and bluesun (25) which sit on time-zone edges.
# --------------------------------------------------------------------------------------------

COMPANY_ROWS: list[Row] = []
COMPANY_UUIDS: dict[str, str] = {}


def _company(
    name: str,
    display: str,
    employees: int | None,
    industries: list[str],
    technologies: list[str],
    city: str | None,
    state: str | None,
    country: str | None,
    domain: str,
    created_at: str,
    *,
    keywords: list[str] | None = None,
    address: str | None = None,
    annual_revenue: int | None = None,
    total_funding: int | None = None,
) -> None:
    ordinal = len(COMPANY_ROWS) + 1
    row = _blank(COMPANY)
    row.update(
        id=ordinal,
        uuid=_uuid("c0", ordinal, name),
        name=display,
        employees_count=employees,
        industries=industries,
        keywords=keywords or [],
        address=address,
        annual_revenue=annual_revenue,
        total_funding=total_funding,
        technologies=technologies,
        city=city,
        state=state,
        country=country,
        linkedin_url=f"https://www.linkedin.com/company/{name}",
        website=f"https://www.{domain}",
        normalized_domain=domain,
        created_at=_at(created_at),
        updated_at=_at(created_at),
    )
    COMPANY_ROWS.append(row)
    COMPANY_UUIDS[name] = row["uuid"]


US = "United States"
CA = "California"
NY = "New York"

# fmt: off
_company("acme", "Acme Microelectronics", 500, ["Semiconductors", "Electronics"],
         ["Python", "AWS", "Kubernetes"], "San Jose", CA, US, "acme-micro.com",
         "2024-01-15T09:00:00+00:00", keywords=["chips", "hardware"],
         address="1 Silicon Way, San Jose", annual_revenue=90_000_000, total_funding=20_000_000)
_company("microlabs", "Microelectronic Labs", 120, ["Semiconductors"], ["C++"], "Austin",
         "Texas", US, "microlabs.io", "2024-02-15T09:00:00+00:00", keywords=["research"],
         address="Microelectronic Park, 12 Electronics Avenue, Austin",
         annual_revenue=12_000_000)
_company("ab", "AB Systems", 10, ["Software"], ["Java"], "Boston", "Massachusetts", US,
         "absystems.com", "2024-03-15T09:00:00+00:00", total_funding=500_000)
_company("xyz", "XYZ Robotics", 50, ["Robotics", "Manufacturing"], ["Python", "ROS"],
         "Pittsburgh", "Pennsylvania", US, "xyzrobotics.com", "2024-04-15T09:00:00+00:00",
         keywords=["automation"], annual_revenue=5_000_000, total_funding=2_000_000)
_company("zebra", "Zebra Analytics", 50, ["Software", "Analytics"], ["Python", "Snowflake"],
         "Chicago", "Illinois", US, "zebra-analytics.com", "2024-05-15T09:00:00+00:00",
         keywords=["data", "bi"], annual_revenue=8_000_000, total_funding=3_000_000)
_company("globex", "Globex Corporation", 1000, ["Conglomerate"], ["SAP"], "Springfield",
         "Oregon", US, "globex.com", "2024-06-15T09:00:00+00:00", annual_revenue=400_000_000)
_company("initech", "Initech", 200, ["Software"], ["Java", "Oracle"], "Austin", "Texas", US,
         "initech.com", "2024-07-15T09:00:00+00:00", keywords=["tps"],
         annual_revenue=30_000_000)
_company("umbrella", "Umbrella Health", 5000, ["Healthcare", "Pharmaceuticals"], ["AWS"],
         "Raccoon City", None, US, "umbrella-health.com", "2024-08-15T09:00:00+00:00",
         keywords=["biotech"], annual_revenue=2_000_000_000)
_company("stark", "Stark Industries", 10000, ["Defense", "Manufacturing"], ["C++", "Python"],
         "New York", NY, US, "starkindustries.com", "2024-09-15T09:00:00+00:00",
         annual_revenue=9_000_000_000)
_company("wayne", "Wayne Enterprises", None, ["Conglomerate"], [], "Gotham", "New Jersey", US,
         "wayne.com", "2024-10-15T09:00:00+00:00")
_company("saopaulo", "São Paulo Têxtil", 75, ["Textiles"], [], "São Paulo", "SP", "Brazil",
         "saopaulotextil.com.br", "2024-11-15T09:00:00+00:00", keywords=["moda"],
         address="Avenida Paulista 1000, São Paulo", annual_revenue=1_500_000)
_company("mueller", "Müller & Söhne GmbH", 300, ["Manufacturing"], ["SAP"], "München", "Bayern",
         "Germany", "mueller-soehne.de", "2024-12-15T09:00:00+00:00",
         keywords=["maschinenbau"], address="Hauptstraße 5, München", annual_revenue=45_000_000)
_company("hooli", "Hooli", 1000, ["Software", "Internet"], ["Go", "Kubernetes", "AWS"],
         "Palo Alto", CA, US, "hooli.com", "2025-01-01T01:00:00+02:00", keywords=["search"],
         annual_revenue=600_000_000, total_funding=100_000_000)
_company("piedpiper", "Pied Piper", 8, ["Software"], ["Python"], "Palo Alto", CA, US,
         "piedpiper.com", "2025-02-15T09:00:00+00:00", keywords=["compression"],
         total_funding=4_000_000)
_company("soylent", "Soylent Foods", None, ["Food"], [], None, None, None, "soylent.com",
         "2025-03-15T09:00:00+00:00")
_company("cyberdyne", "Cyberdyne Systems", 2500, ["Robotics", "Defense"], ["Python", "C++"],
         "Sunnyvale", CA, US, "cyberdyne.com", "2025-04-15T09:00:00+00:00", keywords=["ai"],
         annual_revenue=700_000_000)
_company("tyrell", "Tyrell Corporation", 200, ["Biotechnology"], ["Rust"], "Los Angeles", CA,
         US, "tyrell.com", "2025-05-15T09:00:00+00:00", keywords=["replicants"])
_company("vandelay", "Vandelay Industries", 15, ["Import Export"], [], NY, NY, US,
         "vandelay.com", "2025-06-15T09:00:00+00:00", keywords=["latex"])
_company("nakatomi", "Nakatomi Trading", 750, ["Trading"], ["SAP"], "Los Angeles", CA, US,
         "nakatomi.co.jp", "2025-07-15T09:00:00+00:00")
_company("oscorp", "Oscorp", 1200, ["Biotechnology", "Defense"], ["AWS"], NY, NY, US,
         "oscorp.com", "2025-08-15T09:00:00+00:00")
_company("massive", "Massive Dynamic", 60, ["Research"], ["Python"], NY, NY, US,
         "massivedynamic.com", "2025-09-15T09:00:00+00:00")
_company("aperture", "Aperture Science", 400, ["Research", "Robotics"], ["Python"],
         "Cleveland", "Ohio", US, "aperture.com", "2025-10-15T09:00:00+00:00")
_company("blackmesa", "Black Mesa Research", 3000, ["Research", "Defense"], ["Fortran"],
         "Albuquerque", "New Mexico", US, "blackmesa.org", "2025-11-15T09:00:00+00:00")
_company("dunder", "Dunder Mifflin Paper", 150, ["Paper"], [], "Scranton", "Pennsylvania", US,
         "dundermifflin.com", "2025-12-15T09:00:00+00:00")
_company("bluesun", "Blue Sun Microsystems", 999, ["Software"], ["Java"], "San Francisco", CA,
         US, "bluesun.com", "2025-12-31T23:30:00-05:00")
# fmt: on

COMPANY_BY_NAME: dict[str, Row] = {
    name: row for name, row in zip(COMPANY_UUIDS, COMPANY_ROWS, strict=True)
}

# --------------------------------------------------------------------------------------------
# Contacts. Ordinal k is created at 10:00Z on the 10th of month k (k = 1..24, 2024-01..2025-12)
# or on the 20th of month k-24 (k = 25..40, 2024-01..2025-04); david (10) is created at the
# same instant as sarah (9), written in another time zone.
# --------------------------------------------------------------------------------------------

CONTACT_ROWS: list[Row] = []
CONTACT_UUIDS: dict[str, str] = {}
CONTACT_COMPANY: dict[str, str | None] = {}


def _contact_created(ordinal: int) -> str:
    if ordinal <= 24:
        year, month, day = 2024 + (ordinal - 1) // 12, (ordinal - 1) % 12 + 1, 10
    else:
        year, month, day = 2024 + (ordinal - 25) // 12, (ordinal - 25) % 12 + 1, 20
    return f"{year:04d}-{month:02d}-{day:02d}T10:00:00+00:00"


def _contact(
    name: str,
    first: str,
    last: str,
    company: str | None,
    title: str | None,
    departments: list[str],
    seniority: str | None,
    city: str | None,
    state: str | None,
    country: str | None,
    *,
    email_status: str | None = "verified",
    mobile_phone: str | None = None,
    created_at: str | None = None,
) -> None:
    ordinal = len(CONTACT_ROWS) + 1
    domain = COMPANY_BY_NAME[company]["normalized_domain"] if company else "example.org"
    row = _blank(CONTACT)
    created = _at(created_at or _contact_created(ordinal))
    row.update(
        id=ordinal,
        uuid=_uuid("a0", ordinal, name),
        first_name=first,
        last_name=last,
        company_id=COMPANY_UUIDS[company] if company else None,
        email=f"{name}@{domain}",
        title=title,
        departments=departments,
        mobile_phone=mobile_phone,
        email_status=email_status,
        seniority=seniority,
        city=city,
        state=state,
        country=country,
        linkedin_url=f"https://www.linkedin.com/in/{name}",
        created_at=created,
        updated_at=created,
    )
    CONTACT_ROWS.append(row)
    CONTACT_UUIDS[name] = row["uuid"]
    CONTACT_COMPANY[name] = company


ENG = "Engineering"

# fmt: off
_contact("jonathan", "Jonathan", "Park", "acme", "Senior Software Engineer", [ENG], "Senior",
         "San Jose", CA, US, mobile_phone="+14155550101")
_contact("jon", "Jon", "Smith", "acme", "Software Engineer Senior", [ENG, "IT"], "senior",
         "San Jose", CA, US, mobile_phone="+14155550102")
_contact("anna", "Anna", "Li", "xyz", "Senior Engineer", [ENG], "SENIOR", "Pittsburgh",
         "Pennsylvania", US)
_contact("ana", "Ana", "Lu", "zebra", "Engineer", ["engineering"], "Entry", "Chicago",
         "Illinois", US, email_status="unverified")
_contact("zoe", "Zoë", "Müller", "mueller", "Senior Staff Software Engineer", [ENG, "Research"],
         "senior", "München", "Bayern", "Germany")
_contact("joao", "João", "Silva", "saopaulo", "Staff Engineer", [ENG], "staff", "São Paulo",
         "SP", "Brazil")
_contact("priya", "Priya", "Patel", "hooli", "Principal Engineer", [ENG], "Director",
         "Palo Alto", CA, US)
_contact("marcus", "Marcus", "Chen", "initech", "Engineering Manager", [ENG, "Operations"],
         "manager", "Austin", "Texas", US)
_contact("sarah", "Sarah", "Jones", "globex", "Sales Manager", ["Sales"], "Manager",
         "Springfield", "Oregon", US)
_contact("david", "David", "Kim", "globex", "VP of Sales", ["Sales", "Business Development"],
         "VP", "Springfield", "Oregon", US, created_at="2024-09-10T12:00:00+02:00")
_contact("emily", "Emily", "Davis", "umbrella", "Chief Executive Officer", [], "c_suite",
         "Raccoon City", None, US)
_contact("ravi", "Ravi", "Kumar", "zebra", "Data Scientist", ["Data Science", ENG], "entry",
         "Chicago", "Illinois", US)
_contact("lucas", "Lucas", "Martin", "piedpiper", "Software Developer", [ENG], "entry",
         "Palo Alto", CA, US, email_status="unverified")
_contact("mei", "Mei", "Wong", "cyberdyne", "Senior Data Engineer", ["Data Science"], "senior",
         "Sunnyvale", CA, US)
_contact("olivia", "Olivia", "Brown", "tyrell", "Head of Marketing", ["Marketing"], "director",
         "Los Angeles", CA, US)
_contact("noah", "Noah", "Wilson", "tyrell", "Marketing Specialist", ["Marketing", "Sales"],
         "entry", "Los Angeles", CA, US)
_contact("chloe", "Chloé", "Dubois", None, "Ingénieur Logiciel", [ENG], "senior", "Paris",
         "Île-de-France", "France")
_contact("liam", "Liam", "O'Connor", "stark", "Engineer, Software", [ENG], "Entry", NY, NY, US)
_contact("sofia", "Sofia", "Rossi", None, "Product Manager", ["Product"], "manager", "Milan",
         "Lombardy", "Italy")
_contact("ethan", "Ethan", "Wright", "wayne", "Security Analyst", ["IT"], "entry", "Gotham",
         "New Jersey", US, email_status="unverified")
_contact("grace", "Grace", "Hopper", "ab", "Software Architect", [ENG], "senior", "Boston",
         "Massachusetts", US)
_contact("hiro", "Hiro", "Tanaka", "nakatomi", "Account Executive", ["Sales"], "entry",
         "Los Angeles", CA, US)
_contact("fatima", "Fatima", "Zahra", "blackmesa", "Research Scientist", ["Research"], "senior",
         "Albuquerque", "New Mexico", US)
_contact("pedro", "Pedro", "Alves", "saopaulo", "Gerente Comercial", ["Sales"], "Manager",
         "São Paulo", "SP", "Brazil")
_contact("lena", "Lena", "Schmidt", "mueller", "Vertriebsleiterin", ["Sales"], "director",
         "München", "Bayern", "Germany")
_contact("omar", "Omar", "Haddad", "oscorp", "Lab Technician", ["Research"], "entry", NY, NY, US)
_contact("kate", "Kate", "Bishop", "massive", "Research Engineer", ["Research", ENG], "entry",
         NY, NY, US)
_contact("yuki", "Yuki", "Sato", "nakatomi", "Senior Engineer", [ENG], "Senior", "Los Angeles",
         CA, US)
_contact("ben", "Ben", "Carter", "aperture", None, [], None, None, None, None,
         email_status=None)
_contact("isabel", "Isabel", "García", "vandelay", "Import Specialist", ["Operations"], "entry",
         NY, NY, US)
_contact("kwame", "Kwame", "Mensah", "dunder", "Regional Manager", ["Sales", "Operations"],
         "manager", "Scranton", "Pennsylvania", US)
_contact("aisha", "Aisha", "Bello", "cyberdyne", "Machine Learning Engineer",
         [ENG, "Data Science"], "senior", "Sunnyvale", CA, US)
_contact("max", "Max", "Weber", "mueller", "Werkstudent", [], None, "München", "Bayern",
         "Germany")
_contact("nina", "Nina", "Petrova", "bluesun", "QA Engineer", [ENG, "IT"], "entry",
         "San Francisco", CA, US)
_contact("diego", "Diego", "Ramos", "soylent", "Operations Manager", ["Operations"], "manager",
         "Monterrey", "Nuevo León", "Mexico")
_contact("hannah", "Hannah", "Cohen", "umbrella", "Medical Director", ["Medical"], "director",
         "Raccoon City", None, US)
_contact("samuel", "Samuel", "Okafor", "stark", "Director of Engineering", [ENG], "director",
         NY, NY, US)
_contact("julia", "Julia", "Novak", "microlabs", "Senior Research Engineer", ["Research"],
         "senior", "Austin", "Texas", US)
_contact("arjun", "Arjun", "Mehta", "globex", "Staff Software Engineer", [ENG], "staff",
         "Springfield", "Oregon", US)
_contact("lea", "Léa", "Fischer", "hooli", "Software Engineer", [ENG], "entry", "Palo Alto", CA,
         US)
# fmt: on

# --------------------------------------------------------------------------------------------
# Index documents and name lookups.
# --------------------------------------------------------------------------------------------

COMPANY_DOCS: list[dict[str, Any]] = [build_document(COMPANY, row) for row in COMPANY_ROWS]
CONTACT_DOCS: list[dict[str, Any]] = [
    build_document(CONTACT, row, COMPANY_BY_NAME[company] if company else None)
    for row, company in zip(CONTACT_ROWS, CONTACT_COMPANY.values(), strict=True)
]

DOCS: dict[str, list[dict[str, Any]]] = {"company": COMPANY_DOCS, "contact": CONTACT_DOCS}
UUIDS: dict[str, dict[str, str]] = {"company": COMPANY_UUIDS, "contact": CONTACT_UUIDS}
NAMES: dict[str, dict[str, str]] = {
    entity: {uuid_: name for name, uuid_ in by_name.items()} for entity, by_name in UUIDS.items()
}
ALL: dict[str, frozenset[str]] = {entity: frozenset(names) for entity, names in UUIDS.items()}

assert len(COMPANY_ROWS) == 25
assert len(CONTACT_ROWS) == 40
assert sorted(COMPANY_UUIDS.values()) == list(COMPANY_UUIDS.values())
assert sorted(CONTACT_UUIDS.values()) == list(CONTACT_UUIDS.values())
