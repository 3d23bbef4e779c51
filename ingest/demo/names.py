"""Name pools for the demo people and companies (fixed lists, so the output depends only on the seed)."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


REP_FIRST = _words(
    "Ana Ben Chloe Dev Elena Farid Grace Hugo Ines Jonas Keiko Liam Maya Noah Olivia Priya Quinn Rosa Sam Tara"
)
REP_LAST = _words(
    "Ruiz Okafor Lindqvist Patel Moreau Haddad Kim Novak Silva Weber Tanaka Byrne Costa Fischer Ibrahim "
    "Larsen Mendez Nakamura Ortiz Quist"
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
    "Driftwood Falcon Horizon Juniper Meridian Oakridge"
)
COMPANY_TAIL = _words(
    "Logistics Health Systems Foods Analytics Manufacturing Energy Software Capital Retail Labs Freight "
    "Clinics Materials Robotics Learning Media Networks Supply Dynamics"
)
INDUSTRY_BY_TAIL = {
    "Logistics": "Transportation",
    "Freight": "Transportation",
    "Supply": "Transportation",
    "Health": "Healthcare",
    "Clinics": "Healthcare",
    "Foods": "Retail",
    "Retail": "Retail",
    "Capital": "Finance",
    "Energy": "Energy",
    "Materials": "Manufacturing",
    "Manufacturing": "Manufacturing",
    "Robotics": "Manufacturing",
    "Learning": "Education",
    "Media": "Media",
}
TITLES = (
    "VP of Operations",
    "Head of IT",
    "CFO",
    "Procurement Manager",
    "Director of Sales",
    "Operations Manager",
    "CTO",
    "IT Manager",
    "Head of Finance",
    "Supply Chain Director",
    "COO",
    "Marketing Director",
    "Office Manager",
    "VP Engineering",
    "Founder",
)
# (country, legal suffix, UTC offset in minutes of the lead's mail client, weight)
COUNTRIES = (
    ("United States", " Inc.", -300, 40),
    ("United States", " LLC", -360, 14),
    ("United States", " Inc.", -480, 14),
    ("Canada", " Ltd.", -300, 8),
    ("United Kingdom", " Ltd", 0, 10),
    ("Germany", " GmbH", 60, 7),
    ("France", " SAS", 60, 4),
    ("Netherlands", " B.V.", 60, 3),
)
LEAD_SOURCES = (
    ("Web", 30),
    ("Webinar", 15),
    ("Partner Referral", 10),
    ("Trade Show", 10),
    ("Purchased List", 20),
    ("Inbound Call", 5),
    ("Content Download", 10),
)
