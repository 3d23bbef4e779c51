"""Fixed pools for people, companies and teams, so the output depends only on the seed."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# ASCII only: a rep's login and address are built from the name (60 x 45 names cover the 2,200 users of L).
REP_FIRST = _words(
    "Ana Ben Chloe Dev Elena Farid Grace Hugo Ines Jonas Keiko Liam Maya Noah Olivia Priya Quinn Rosa Sam Tara "
    "Umar Vera Wes Xena Yara Zane Aiden Bella Caleb Dina Ethan Fiona Gavin Hana Ian Jade Kofi Lena Milo Nora "
    "Owen Pia Reza Sofia Theo Uma Vik Willa Yusuf Zara Arlo Beth Cyrus Dora Emil Faye Gil Hiro Ivy Joel"
)
REP_LAST = _words(
    "Ruiz Okafor Lindqvist Patel Moreau Haddad Kim Novak Silva Weber Tanaka Byrne Costa Fischer Ibrahim "
    "Larsen Mendez Nakamura Ortiz Quist Reyes Sato Varga Walsh Yilmaz Zielinski Abbott Bishop Chowdhury Doyle "
    "Engel Foster Gallo Hale Ishikawa Jovanovic Kaplan Lowe Marsh Nolan Osei Price Rahman Shaw Tran"
)
LEAD_FIRST = _words(
    "Aaron Abigail Adrian Aisha Alex Alice Amir Andrea Anton Beatriz Bruno Carla Carlos Chen Claire Daniel "
    "Diana Dmitri Elif Emma Erik Fatima Felix Gabriel Hannah Helena Ivan Jack James Jana Javier John Julia "
    "Karim Kate Laura Leon Lucas Lucy Marco Maria Mark Martin Mei Michael Nadia Nina Omar Oscar Paula Peter "
    "Rachel Rafael Ravi Sara Sofia Stefan Thomas Valeria Victor Yusuf Zoe José Zoë Björn Chloé"
)
LEAD_LAST = _words(
    "Adams Alvarez Anderson Baker Becker Brown Campbell Carter Clark Cohen Collins Davies Dubois Evans "
    "Fernandez Fischer Garcia Green Hall Hansen Harris Hughes Jensen Johnson Jones Kaur Keller Khan King "
    "Klein Kowalski Lee Lewis Lopez Martin Meyer Miller Moore Murphy Nguyen Nielsen Parker Perez Reed "
    "Roberts Rossi Schmidt Scott Singh Smith Taylor Thompson Turner Walker Wang White Wilson Wright Young "
    "Zhang Müller Núñez Søndergaard"
)
COMPANY_HEAD = _words(
    "Northwind Bluefin Ironbridge Redwood Silverline Brightpath Cobalt Evergreen Granite Harbor Keystone "
    "Lakeside Maple Orbit Pinnacle Quarry Riverbend Summit Tidewater Vantage Westfield Alder Beacon Cedar "
    "Driftwood Falcon Horizon Juniper Meridian Oakridge Aspen Bramble Copper Delta Ember Fjord Glacier Heron"
)
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
