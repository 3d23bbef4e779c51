"""Fixed pools for people, companies and teams, so the output depends only on the seed."""

from ingest.demo import names as demo
from ingest.demo.names import LEAD_FIRST as LEAD_FIRST  # the bulk generator reads every pool from here
from ingest.demo.names import LEAD_LAST as LEAD_LAST


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# The demo generator's pools, extended for the bigger sizes (its names first, so both agree where they overlap).
# ASCII only: a rep's login and address are built from the name (60 x 45 names cover the 2,200 users of L).
REP_FIRST = demo.REP_FIRST + _words(
    "Umar Vera Wes Xena Yara Zane Aiden Bella Caleb Dina Ethan Fiona Gavin Hana Ian Jade Kofi Lena Milo Nora "
    "Owen Pia Reza Sofia Theo Uma Vik Willa Yusuf Zara Arlo Beth Cyrus Dora Emil Faye Gil Hiro Ivy Joel"
)
REP_LAST = demo.REP_LAST + _words(
    "Reyes Sato Varga Walsh Yilmaz Zielinski Abbott Bishop Chowdhury Doyle Engel Foster Gallo Hale Ishikawa "
    "Jovanovic Kaplan Lowe Marsh Nolan Osei Price Rahman Shaw Tran"
)
COMPANY_HEAD = demo.COMPANY_HEAD + _words("Aspen Bramble Copper Delta Ember Fjord Glacier Heron")
# (company name tail, Industry; blank for the tails no one filled in)
COMPANY_TAIL = (
    ("Logistics", "Transportation"), ("Freight", "Transportation"), ("Supply", "Transportation"),
    ("Health", "Healthcare"), ("Clinics", "Healthcare"), ("Foods", "Retail"), ("Retail", "Retail"),
    ("Capital", "Finance"), ("Energy", "Energy"), ("Materials", "Manufacturing"),
    ("Manufacturing", "Manufacturing"), ("Robotics", "Manufacturing"), ("Learning", "Education"),
    ("Media", "Media"), ("Systems", "Technology"), ("Analytics", "Technology"), ("Software", "Technology"),
    ("Labs", "Technology"), ("Networks", "Telecommunications"), ("Dynamics", ""),
)  # fmt: skip
# (Country as typed into the CRM, legal suffix, UTC offset in minutes of the lead's mail client, weight)
COUNTRIES = (
    ("United States", " Inc.", -300, 30), ("USA", " LLC", -360, 10), ("US", " Inc.", -480, 10),
    ("U.S.", " Corp.", -300, 4), ("Canada", " Ltd.", -300, 7), ("United Kingdom", " Ltd", 60, 8),
    ("UK", " plc", 60, 3), ("Germany", " GmbH", 120, 6), ("Deutschland", " AG", 120, 2),
    ("France", " SAS", 120, 4), ("Netherlands", " B.V.", 120, 3), ("Spain", " S.L.", 120, 2),
    ("India", " Pvt Ltd", 330, 4), ("Australia", " Pty Ltd", 600, 3), ("Brazil", " Ltda.", -180, 2),
    ("Japan", " K.K.", 540, 1), ("", "", -300, 1),
)  # fmt: skip
TITLES = (
    "VP of Operations", "Head of IT", "CFO", "Procurement Manager", "Director of Sales", "Operations Manager",
    "CTO", "IT Manager", "Head of Finance", "Supply Chain Director", "COO", "Marketing Director",
    "Office Manager", "VP Engineering", "Founder", "Executive Assistant to the CEO", "Data Analyst",
    "Senior Accountant", "Chief Revenue Officer", "Sales Operations Lead",
)  # fmt: skip
LEAD_SOURCES = (
    ("Web", 30), ("Webinar", 15), ("Partner Referral", 10), ("Trade Show", 10), ("Purchased List", 20),
    ("Inbound Call", 5), ("Content Download", 10),
)  # fmt: skip
# Teams (User.Department) and the UTC offset of their office in minutes.
REGIONS = (
    ("East", -300), ("West", -480), ("Central", -360), ("EMEA", 60), ("North", -300), ("South", -360),
    ("APAC", 600), ("Mountain", -420),
)  # fmt: skip
COMPANY_DOMAIN = "acme-sales.example"
