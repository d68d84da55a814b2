"""Seeded, realistic demo data as CSV import rows (skewed countries, industries, technologies)."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator, Sequence

FIRST_NAMES = (
    "James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa Anthony "
    "Betty Mark Sandra Donald Ashley Steven Emily Andrew Michelle Joshua Amanda Kevin Melissa "
    "Brian Stephanie Priya Rahul Wei Mei Hiroshi Yuki Lukas Sofia Mateo Camila Ahmed Fatima "
    "Olivia Noah Liam Emma Jonathan Jonas Zoë José Søren Chloé Amélie Björn Ana Ivan Olga"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris "
    "Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill "
    "Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Patel Sharma "
    "Chen Wang Tanaka Sato Müller Schmidt Rossi Dubois O'Neil Kowalski Ivanova Andersson"
).split()
COUNTRIES: dict[str, tuple[str, ...]] = {
    "United States": ("San Francisco", "New York", "Austin", "Seattle", "Boston", "Chicago"),
    "United Kingdom": ("London", "Manchester", "Edinburgh", "Bristol"),
    "India": ("Bengaluru", "Mumbai", "Hyderabad", "Pune"),
    "Germany": ("Berlin", "Munich", "Hamburg", "Köln"),
    "Canada": ("Toronto", "Vancouver", "Montréal"),
    "France": ("Paris", "Lyon", "Toulouse"),
    "Australia": ("Sydney", "Melbourne", "Brisbane"),
    "Netherlands": ("Amsterdam", "Rotterdam", "Utrecht"),
    "Brazil": ("São Paulo", "Rio de Janeiro"),
    "Japan": ("Tokyo", "Osaka"),
    "Spain": ("Madrid", "Barcelona"),
    "Sweden": ("Stockholm", "Göteborg"),
    "Singapore": ("Singapore",),
    "Israel": ("Tel Aviv", "Haifa"),
    "Poland": ("Warsaw", "Kraków"),
}
US_STATES = {
    "San Francisco": "California", "New York": "New York", "Austin": "Texas",
    "Seattle": "Washington", "Boston": "Massachusetts", "Chicago": "Illinois",
}  # fmt: skip
INDUSTRIES = (
    "Information Technology & Services, Computer Software, Internet, Financial Services, "
    "Marketing & Advertising, Hospital & Health Care, Higher Education, Retail, "
    "Telecommunications, Management Consulting, Real Estate, Construction, Banking, Insurance, "
    "Automotive, Biotechnology, "
    "Pharmaceuticals, E-Learning, Logistics & Supply Chain, Media Production, Hospitality, "
    "Renewables & Environment, Oil & Energy, Food & Beverages, Consumer Goods, Legal Services, "
    "Staffing & Recruiting, Computer & Network Security, Semiconductors, Venture Capital"
).split(", ")
KEYWORDS = (
    "saas b2b enterprise cloud analytics ai machine-learning fintech payments security devops "
    "marketplace ecommerce mobile healthtech edtech logistics iot blockchain data crm api "
    "open-source automation compliance"
).split()
_VENDORS = (
    "Amazon Google Microsoft Adobe Oracle IBM Salesforce Atlassian HubSpot Zendesk Twilio "
    "Stripe Shopify Cloudflare Datadog Elastic MongoDB Snowflake Okta Slack"
).split()
_PRODUCTS = (
    "Analytics|Cloud|CRM|Ads|Tag Manager|Workspace|Storage|Functions|Monitoring|Search|"
    "Payments|Identity|Messaging|CDN|Data Warehouse|Marketing Hub|Service Cloud|Commerce|"
    "Kubernetes|Forms|Email|Video|Maps|Translate|Security"
).split("|")
_LANGS = (
    "Python|JavaScript|TypeScript|Go|Rust|Java|Kotlin|Swift|Ruby|PHP|C#|Scala|Elixir|React|Vue|"
    "Angular|Django|Flask|FastAPI|Rails|Spring|Node.js|PostgreSQL|MySQL|Redis|Kafka|RabbitMQ|"
    "Terraform|Ansible|Docker|Jenkins|GitHub Actions|GitLab|Jira|Confluence|Figma|Sketch|"
    "WordPress|Magento|Segment|Mixpanel|Amplitude|Intercom|Marketo|Pardot|Looker|Tableau|"
    "Power BI|Airflow|Spark|Hadoop|TensorFlow|PyTorch|Pandas|NumPy|Nginx|Apache|Varnish"
).split("|")
TECHNOLOGIES = tuple(dict.fromkeys([*_LANGS, *(f"{v} {p}" for v in _VENDORS for p in _PRODUCTS)]))[
    :500
]
SENIORITIES = ("entry", "senior", "manager", "director", "vp", "c_suite", "owner", "intern")
_SENIORITY_WEIGHTS = (30, 28, 18, 10, 6, 4, 2, 2)
_NUMBERED_NAMES = 0.5  # share of company names made unique with a number
_CITY_OF_COMPANY = 0.8  # share of contacts living in their company's city
DEPARTMENTS = (
    "engineering", "sales", "marketing", "finance", "human resources", "operations",
    "product", "support", "legal", "information technology",
)  # fmt: skip
_ROLES = {
    "engineering": ("Software Engineer", "Backend Engineer", "Data Engineer", "DevOps Engineer"),
    "sales": ("Account Executive", "Sales Development Representative", "Sales Manager"),
    "marketing": ("Marketing Manager", "Growth Marketer", "Content Strategist"),
    "finance": ("Financial Analyst", "Controller", "Accountant"),
    "human resources": ("Recruiter", "HR Business Partner", "People Operations Lead"),
    "operations": ("Operations Manager", "Program Manager", "Business Analyst"),
    "product": ("Product Manager", "Product Designer", "UX Researcher"),
    "support": ("Customer Success Manager", "Support Engineer"),
    "legal": ("Counsel", "Paralegal"),
    "information technology": ("Systems Administrator", "IT Manager", "Security Engineer"),
}
_TITLE_PREFIX = {
    "entry": "", "senior": "Senior ", "manager": "", "director": "Director of ",
    "vp": "VP of ", "c_suite": "Chief ", "owner": "Founder & ", "intern": "Intern ",
}  # fmt: skip
EMAIL_STATUSES = ("verified", "unverified", "invalid", "bounced")
_NAME_A = (
    "Blue Bright Cloud Data Deep Green Iron Next North Open Quantum Rapid Silver Smart".split()
)
_NAME_B = "Bridge Forge Harbor Labs Logic Matrix Peak Pixel Signal Stack Stream Wave Works".split()
_SUFFIX = ("Inc", "LLC", "Group", "Technologies", "Systems", "GmbH", "Ltd", "Solutions", "")


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


class DemoData:
    """Generates CSV import rows; the same seed gives the same rows on every machine."""

    def __init__(self, seed: int = 42) -> None:
        self.rng = random.Random(seed)
        self._country_names = list(COUNTRIES)
        self._country_weights = _zipf_weights(len(COUNTRIES), 1.4)
        self._tech_weights = _zipf_weights(len(TECHNOLOGIES))
        self._industry_weights = _zipf_weights(len(INDUSTRIES), 0.9)

    def _pick(self, items: Sequence[str], weights: Sequence[float], k: int) -> list[str]:
        return list(dict.fromkeys(self.rng.choices(items, weights=weights, k=k)))

    def _company(self, number: int) -> dict[str, str]:
        rng = self.rng
        name = f"{rng.choice(_NAME_A)}{rng.choice(_NAME_B)} {rng.choice(_SUFFIX)}".strip()
        name = f"{name} {number}" if rng.random() < _NUMBERED_NAMES else name
        domain = f"{_slug(name)}.{rng.choice(('com', 'io', 'co', 'ai'))}"
        country = rng.choices(self._country_names, weights=self._country_weights)[0]
        employees = int(rng.lognormvariate(4, 1.6)) + 1
        return {
            "company": name,
            "company_linkedin_url": f"https://www.linkedin.com/company/{_slug(name)}-{number}",
            "employees": str(employees),
            "industry": ", ".join(
                self._pick(INDUSTRIES, self._industry_weights, rng.randint(1, 2))
            ),
            "keywords": ", ".join(rng.sample(KEYWORDS, rng.randint(1, 4))),
            "company_address": f"{rng.randint(1, 999)} {rng.choice(_NAME_A)} Street",
            "annual_revenue": str(employees * rng.randint(50_000, 250_000)),
            "total_funding": str(rng.choice((0, 0, 1, 5, 20, 80)) * 1_000_000),
            "technologies": ", ".join(self._pick(TECHNOLOGIES, self._tech_weights, 12)),
            "website": f"https://www.{domain}",
            "company_city": (city := rng.choice(COUNTRIES[country])),
            "company_state": US_STATES.get(city, ""),
            "company_country": country,
            "company_phone": f"+1 ({rng.randint(200, 999)}) 555-{rng.randint(0, 9999):04d}",
            "latest_funding": rng.choice(("Seed", "Series A", "Series B", "Series C", "")),
            "_domain": domain,
        }

    def _contact(self, company: dict[str, str], number: int) -> dict[str, str]:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        seniority = rng.choices(SENIORITIES, weights=_SENIORITY_WEIGHTS)[0]
        department = rng.choice(DEPARTMENTS)
        title = _TITLE_PREFIX[seniority] + rng.choice(_ROLES[department])
        country = company["company_country"]
        city = (
            company["company_city"]
            if rng.random() < _CITY_OF_COMPANY
            else rng.choice(COUNTRIES[country])
        )
        return {
            "first_name": first,
            "last_name": last,
            "title": title,
            "email": f"{_slug(first)}.{_slug(last)}{number}@{company['_domain']}",
            "person_linkedin_url": f"https://www.linkedin.com/in/{_slug(first)}-{_slug(last)}-{number}",
            "departments": department,
            "seniority": seniority,
            "email_status": rng.choices(EMAIL_STATUSES, weights=(60, 25, 10, 5))[0],
            "mobile_phone": f"+1 {rng.randint(200, 999)} 555 {rng.randint(0, 9999):04d}",
            "city": city,
            "state": US_STATES.get(city, ""),
            "country": country,
            "stage": rng.choice(("cold", "approaching", "replied", "")),
        }

    def rows(self, contacts: int) -> Iterator[dict[str, str]]:
        """``contacts`` CSV rows; each company gets 5 to 20 consecutive contacts."""
        made = company_number = 0
        while made < contacts:
            company_number += 1
            company = self._company(company_number)
            for _ in range(min(self.rng.randint(5, 20), contacts - made)):
                made += 1
                row = {k: v for k, v in company.items() if not k.startswith("_")}
                row.update(self._contact(company, made))
                yield row
