"""The field catalogue: table columns and index fields of each entity."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from connectra.errors import CompanyNotFound, ContactNotFound, NotFound, UnsupportedService


class ColumnType(StrEnum):
    TEXT = "text"
    TEXT_ARRAY = "text[]"
    BIGINT = "bigint"
    TIMESTAMP = "timestamp"


class FieldKind(StrEnum):
    """How an index field is matched (CONTRACT.md §a.7)."""

    TEXT = "text"
    KEYWORD = "keyword"
    NUMBER = "number"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the entity table, as clients see it in JSON."""

    name: str
    type: ColumnType = ColumnType.TEXT
    identifier: bool = False  # stored trimmed and lower-cased (§0.2.1)
    phone: bool = False  # stored cleaned (§b.2 clean_phone)
    system: bool = False  # written by the service, never by a client (id, timestamps)


@dataclass(frozen=True, slots=True)
class IndexField:
    """A field of the search document; ``source`` is ``column`` or ``company.column``."""

    name: str
    kind: FieldKind
    source: str
    multi: bool = False
    ngram: bool = False

    @property
    def sortable(self) -> bool:
        return self.kind is not FieldKind.TEXT

    @property
    def filterable(self) -> bool:
        return True

    @property
    def from_company(self) -> bool:
        return self.source.startswith("company.")


@dataclass(frozen=True, slots=True)
class Rules:
    """What differs between entities on the write and read paths (so no service branches on
    which entity it holds)."""

    label: str  # "Contact": in messages
    not_found: type[NotFound]  # the 404 of a uuid with no live record
    identity: tuple[str, ...]  # UUID5 inputs, in order (§b.1)
    required: tuple[str, ...]  # on create, and in bulk for a record without a uuid
    required_when_new: tuple[str, ...]  # in bulk, for a record that does not exist yet
    upsert_match: str  # the column an upsert matches on after the uuid
    upsert_needs_one_of: tuple[str, ...]  # an upsert body must hold at least one of these
    parent: str | None = None  # the column naming the company (contacts: company_id)
    display: tuple[tuple[str, str], ...] = ()  # filter key → column shown in its dropdown


@dataclass(frozen=True)
class Entity:
    """One entity: its table, its columns, its search document and its rules."""

    name: str  # singular service name: "contact" / "company"
    plural: str
    table: str
    index_name: str
    columns: tuple[Column, ...]
    index_fields: tuple[IndexField, ...]
    rules: Rules
    min_gram: int = 3
    max_gram: int = 10
    _columns: dict[str, Column] = field(init=False, repr=False, compare=False)
    _fields: dict[str, IndexField] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_columns", {c.name: c for c in self.columns})
        object.__setattr__(self, "_fields", {f.name: f for f in self.index_fields})

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(self._columns)

    def column(self, name: str) -> Column | None:
        return self._columns.get(name)

    def index_field(self, name: str) -> IndexField | None:
        return self._fields.get(name)


def _text(name: str, source: str | None = None) -> IndexField:
    return IndexField(name, FieldKind.TEXT, source or name, ngram=True)


def _kw(name: str, source: str | None = None, *, multi: bool = False) -> IndexField:
    return IndexField(name, FieldKind.KEYWORD, source or name, multi=multi)


def _num(name: str, source: str | None = None) -> IndexField:
    return IndexField(name, FieldKind.NUMBER, source or name)


_TIMESTAMPS = (
    Column("created_at", ColumnType.TIMESTAMP, system=True),
    Column("updated_at", ColumnType.TIMESTAMP, system=True),
    Column("deleted_at", ColumnType.TIMESTAMP, system=True),
)

COMPANY = Entity(
    name="company",
    plural="companies",
    table="companies",
    index_name="companies_index",
    rules=Rules(
        label="Company",
        not_found=CompanyNotFound,
        identity=("name", "linkedin_url"),
        required=("name",),
        required_when_new=("name",),
        upsert_match="normalized_domain",
        upsert_needs_one_of=("name",),
        display=(("uuid", "name"),),  # the "Name" filter: value is the uuid, shown as the name
    ),
    columns=(
        Column("id", ColumnType.BIGINT, system=True),
        Column("uuid", identifier=True),
        Column("name"),
        Column("employees_count", ColumnType.BIGINT),
        Column("industries", ColumnType.TEXT_ARRAY),
        Column("keywords", ColumnType.TEXT_ARRAY),
        Column("address"),
        Column("annual_revenue", ColumnType.BIGINT),
        Column("total_funding", ColumnType.BIGINT),
        Column("technologies", ColumnType.TEXT_ARRAY),
        Column("city"),
        Column("state"),
        Column("country"),
        Column("linkedin_url", identifier=True),
        Column("website"),
        Column("normalized_domain", identifier=True),
        Column("facebook_url"),
        Column("twitter_url"),
        Column("company_name_for_emails"),
        Column("phone_number", phone=True),
        Column("latest_funding"),
        Column("latest_funding_amount", ColumnType.BIGINT),
        Column("last_raised_at"),
        *_TIMESTAMPS,
    ),
    index_fields=(
        _kw("uuid"),
        _text("name"),
        _num("employees_count"),
        _kw("industries", multi=True),
        _kw("keywords", multi=True),
        _text("address"),
        _num("annual_revenue"),
        _num("total_funding"),
        _kw("technologies", multi=True),
        _kw("city"),
        _kw("state"),
        _kw("country"),
        _kw("linkedin_url"),
        _text("website"),
        _text("normalized_domain"),
        IndexField("created_at", FieldKind.DATE, "created_at"),
    ),
)

CONTACT = Entity(
    name="contact",
    plural="contacts",
    table="contacts",
    index_name="contacts_index",
    rules=Rules(
        label="Contact",
        not_found=ContactNotFound,
        identity=("first_name", "last_name", "linkedin_url"),
        required=("first_name", "last_name", "email"),
        required_when_new=(),
        upsert_match="email",
        upsert_needs_one_of=("email", "uuid"),
        parent="company_id",
    ),
    columns=(
        Column("id", ColumnType.BIGINT, system=True),
        Column("uuid", identifier=True),
        Column("first_name"),
        Column("last_name"),
        Column("company_id", identifier=True),
        Column("email", identifier=True),
        Column("title"),
        Column("departments", ColumnType.TEXT_ARRAY),
        Column("mobile_phone", phone=True),
        Column("email_status"),
        Column("seniority"),
        Column("city"),
        Column("state"),
        Column("country"),
        Column("linkedin_url", identifier=True),
        Column("facebook_url"),
        Column("twitter_url"),
        Column("website"),
        Column("work_direct_phone", phone=True),
        Column("home_phone", phone=True),
        Column("other_phone", phone=True),
        Column("stage"),
        *_TIMESTAMPS,
    ),
    index_fields=(
        _kw("uuid"),
        _text("first_name"),
        _text("last_name"),
        _kw("company_id"),
        _kw("email"),
        _text("title"),
        _kw("departments", multi=True),
        _kw("mobile_phone"),
        _kw("email_status"),
        _kw("seniority"),
        _kw("city"),
        _kw("state"),
        _kw("country"),
        _kw("linkedin_url"),
        _text("company_name", "company.name"),
        _num("company_employees_count", "company.employees_count"),
        _kw("company_industries", "company.industries", multi=True),
        _kw("company_keywords", "company.keywords", multi=True),
        _text("company_address", "company.address"),
        _num("company_annual_revenue", "company.annual_revenue"),
        _num("company_total_funding", "company.total_funding"),
        _kw("company_technologies", "company.technologies", multi=True),
        _kw("company_city", "company.city"),
        _kw("company_state", "company.state"),
        _kw("company_country", "company.country"),
        _kw("company_linkedin_url", "company.linkedin_url"),
        _text("company_website", "company.website"),
        _text("company_normalized_domain", "company.normalized_domain"),
        IndexField("created_at", FieldKind.DATE, "created_at"),
    ),
)

ENTITIES: dict[str, Entity] = {COMPANY.name: COMPANY, CONTACT.name: CONTACT}


def entity_for_service(service: str) -> Entity:
    """The entity a ``{service}`` path segment names: singular or plural, any case."""
    name = service.strip().lower()
    for entity in ENTITIES.values():
        if name in (entity.name, entity.plural):
            return entity
    raise UnsupportedService(
        f"service must be one of contact, company, contacts, companies; got {service!r}",
        field="service",
        path="service",
    )
