"""What the reps and prospects write: subjects and short plain-text bodies."""

import random

from ingest.demo.model import Lead, User

OPENERS = (
    "Quick question about {company}",
    "{first}, idea for {company}",
    "Cutting month-end work at {company}",
    "Saw {company} is growing",
)
FOLLOW_UPS = (
    "Following up",
    "Just checking in",
    "Any thoughts, {first}?",
    "One more idea for {company}",
    "Worth a 15-minute call?",
)
BREAKUP = "Should I close your file?"
FIRST_BODY = (
    "Hi {first},\n\nI work with teams like yours at {company}. Most of them spend hours every week chasing "
    "status updates by hand. We help you see every open item in one place.\n\nWould you be open to a "
    "15-minute call this week?\n\nBest,\n{rep}\nAcme Sales"
)
FOLLOW_BODIES = (
    "Hi {first},\n\nJust checking in on my note from last week. Is this a priority for {company} this "
    "quarter?\n\nThanks,\n{rep}",
    "Hi {first},\n\nI wanted to follow up. I know you are busy, so I will keep it short: I think we could "
    "save your team a few hours a week.\n\n{rep}",
    "Hi {first},\n\nYou mentioned on your form that reporting takes too long. Here is a two-minute video of "
    "how {company} could do it in one click. Does Thursday work for a quick look?\n\n{rep}",
    "Hi {first},\n\nTouching base again. Would it help if I sent a short case study from a team your "
    "size?\n\nBest,\n{rep}",
)
BREAKUP_BODY = (
    "Hi {first},\n\nI have reached out a few times and have not heard back, so I will assume the timing is "
    "not right. If that changes, just reply to this email.\n\nAll the best,\n{rep}"
)
AFTER_RESPONSE = (
    "Great speaking with you",
    "Next steps for {company}",
    "Calendar invite: intro call",
)
AFTER_BODY = (
    "Hi {first},\n\nThank you for your time. As promised, here is a summary and the times that work for the "
    "demo. Let me know which one suits you.\n\nBest,\n{rep}"
)
REPLIES = (
    "Thanks {rep_first}, this is timely. Can you do Thursday afternoon?",
    "Hi {rep_first}, we are looking at this next quarter. Send me some details.",
    "Not the right person, please talk to our operations lead.",
    "Interesting. What does pricing look like for a team of our size?",
    "We already use a tool for this, but happy to compare. Call me after 4pm.",
)
NEXT_STEPS = ("Follow up", "Call back", "Send case study", "Follow up on voicemail", "Check in after webinar")
AFTER_STEPS = ("Prepare demo", "Send proposal", "Send pricing")


def _fill(template: str, lead: Lead, rep: User) -> str:
    return template.format(first=lead.first, company=lead.company, rep=rep.name, rep_first=rep.first)


def outbound(rng: random.Random, lead: Lead, rep: User, attempt: int, last: bool) -> tuple[str, str]:
    """(subject, body) of a rep's email for the given attempt number (1 = first touch)."""
    if attempt == 1:
        return _fill(rng.choice(OPENERS), lead, rep), _fill(FIRST_BODY, lead, rep)
    if last:
        return BREAKUP, _fill(BREAKUP_BODY, lead, rep)
    return _fill(rng.choice(FOLLOW_UPS), lead, rep), _fill(rng.choice(FOLLOW_BODIES), lead, rep)


def after_response(rng: random.Random, lead: Lead, rep: User) -> tuple[str, str]:
    return _fill(rng.choice(AFTER_RESPONSE), lead, rep), _fill(AFTER_BODY, lead, rep)


def reply(rng: random.Random, lead: Lead, rep: User, subject: str) -> tuple[str, str]:
    subject = subject if subject.startswith("Re: ") else f"Re: {subject}"
    body = _fill(rng.choice(REPLIES), lead, rep) + f"\n\n{lead.first} {lead.last}\n{lead.company}"
    return subject, body


def html(body: str) -> str:
    paragraphs = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in body.split("\n\n"))
    return f"<html><body>{paragraphs}</body></html>"
