"""The simulated world: people, leads, and everything that happened to them (all times UTC)."""

from dataclasses import dataclass, field
from datetime import date, datetime

OPEN_NEW = "Open - Not Contacted"
WORKING = "Working - Contacted"
CONVERTED = "Closed - Converted"
NOT_CONVERTED = "Closed - Not Converted"
NURTURE = "Nurture"

DILIGENT, SHINY, ONE_AND_DONE = "diligent", "shiny_object", "one_and_done"
# Works leads as diligently as DILIGENT, except those of one industry (NEGLECTED_INDUSTRY), never touched at all.
NEGLECTS_INDUSTRY = "neglects_industry"
NEGLECTED_INDUSTRY = "Technology"


@dataclass(frozen=True)
class User:
    user_id: str
    first: str
    last: str
    team: str
    offset_min: int
    manager_id: str | None
    habit: str | None  # None for managers
    cutoff_days: float = 0.0  # shiny-object reps lose interest in leads older than this
    neglected_industry: str | None = None  # a rep of habit NEGLECTS_INDUSTRY never touches this industry's leads

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def login(self) -> str:
        return f"{self.first}.{self.last}".lower()

    @property
    def email(self) -> str:
        return f"{self.login}@acme-sales.example"


@dataclass
class Lead:
    index: int
    lead_id: str
    first: str
    last: str
    email: str
    title: str
    company: str
    industry: str
    employees: int | None
    revenue: int | None
    country: str
    source: str
    offset_min: int
    created: datetime
    owner_id: str  # current owner (after any reassignment)
    assigned_at: datetime
    bad_address: bool = False
    deleted_at: datetime | None = None
    status: str = OPEN_NEW
    converted_at: datetime | None = None
    bounced: bool = False


@dataclass(frozen=True)
class Change:
    """A tracked field change on a lead (LeadHistory): Field `Status` or `Owner`."""

    lead_id: str
    at: datetime
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Call:
    lead_id: str
    rep_id: str
    at: datetime
    logged_at: datetime
    disposition: str
    duration: int


@dataclass(frozen=True)
class Email:
    number: int
    msg_id: str
    lead_id: str
    rep_id: str
    at: datetime
    to_addr: str
    cc: tuple[str, ...]
    subject: str
    body: str
    html: bool
    offset_min: int


@dataclass(frozen=True)
class Reply:
    msg_id: str
    lead_id: str
    rep_id: str
    at: datetime
    from_addr: str
    subject: str
    in_reply_to: str
    body: str
    offset_min: int


@dataclass(frozen=True)
class EmailLog:
    """A completed CRM task of subtype Email, logged by the rep for a sent message."""

    lead_id: str
    rep_id: str
    at: datetime
    subject: str


@dataclass
class NextStep:
    lead_id: str
    rep_id: str
    created: datetime
    due: date
    subject: str
    completed_at: datetime | None = None


@dataclass
class World:
    seed: int
    start: datetime
    end: datetime
    snapshot: datetime
    incident_start: datetime
    incident_rep_id: str
    users: list[User]
    leads: list[Lead] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    email_logs: list[EmailLog] = field(default_factory=list)
    next_steps: list[NextStep] = field(default_factory=list)

    @property
    def reps(self) -> list[User]:
        return [u for u in self.users if u.habit is not None]

    def user(self, user_id: str) -> User:
        return next(u for u in self.users if u.user_id == user_id)
