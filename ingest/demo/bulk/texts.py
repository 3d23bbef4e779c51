"""What people write: subjects and plain-text bodies, with placeholders the SQL fills in per message.

Placeholders: {first} (lead's first name), {company}, {rep}, {rep_first}, {login} (the rep's login),
{manager_first}. Lines stay short (mail clients wrap at about 72 characters) so quoted-printable lines stay
under 76 once filled in. Some texts carry curly quotes and an en dash (written as escapes here) the way
Outlook and phones write them: those messages go out as quoted-printable UTF-8. One body has a line starting
with "From ", which mbox writers escape as ">From ".
"""

# (category, subject, body). An answer (reply, internal_reply) has no subject of its own: "Re: " + the original.
TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("first", "Quick question about {company}",
     "Hi {first},\n\nI work with operations teams like yours at\n{company}: most of them spend hours "
     "every\nweek chasing status updates by hand. We help\nyou see every open item in one place.\n\n"
     "Would you be open to a 15-minute call this week?\n\nBest,\n{rep}\nAcme Sales"),
    ("first", "{first}, idea for {company}",
     "Hi {first},\n\nI noticed {company}\nis hiring in operations. When teams grow that\nfast, month-end "
     "reporting is usually the first\nthing to break.\n\nCould we book a time to compare notes?\n"
     "https://calendly.com/{login}/15min\n\n{rep}"),
    ("first", "Cutting month-end work at {company}",
     "Hello {first},\n\nI\u2019m reaching out because teams your size tell us\nthey lose two days a month "
     "to manual reconciliation.\n\nIs that true for {company}\nas well?\n\nThanks,\n{rep}"),
    ("first", "Saw {company} is growing",
     "Hi {first},\n\nCongrats on the growth at {company}!\n\nWe help you keep follow-ups from slipping "
     "as the\nteam scales. Does Thursday work for a short call?\n\n{rep}"),
    ("follow", "Following up",
     "Hi {first},\n\nJust checking in on my note from last week.\nIs this a priority for {company}\n"
     "this quarter?\n\nThanks,\n{rep}"),
    ("follow", "Just checking in",
     "Hi {first},\n\nI wanted to follow up. I know you are busy, so I\nwill keep it short: I think we "
     "could save your team\na few hours a week.\n\n{rep}"),
    ("follow", "Any thoughts, {first}?",
     "Hi {first},\n\nYou mentioned on your form that reporting takes\ntoo long. Here is a two-minute "
     "video of how\n{company} could do it in one click.\n\nDoes Thursday work for a quick look?\n\n{rep}"),
    ("follow", "One more idea for {company}",
     "Hi {first},\n\nTouching base again. Would it help if I sent a\nshort case study from a team your "
     "size?\n\nBest,\n{rep}"),
    ("follow", "Worth a 15-minute call?",
     "Hi {first},\n\nFrom what I have seen at similar companies, the\nbiggest win is the first week: "
     "your team stops\nchasing updates by hand.\n\nAre you free on Wednesday at 4pm?\n\n{rep}"),
    ("follow", "Circling back \u2013 {company}",
     "Hi {first},\n\nCircling back on this. We\u2019ve helped three teams\nin your industry cut their "
     "follow-up time in half.\n\nWould you be open to a short chat next week?\n"
     "https://calendly.com/{login}/intro\n\nBest regards,\n{rep}"),
    ("follow", "Bumping this",
     "{first},\n\nBumping this to the top of your inbox. Any update\non your side?\n\n{rep}"),
    ("breakup", "Should I close your file?",
     "Hi {first},\n\nI have reached out a few times and have not heard\nback, so I will assume the "
     "timing is not right.\nIf that changes, just reply to this email.\n\nAll the best,\n{rep}"),
    ("breakup", "Closing the loop",
     "Hi {first},\n\nI\u2019ll stop reaching out for now. If \u201clater\u201d\nturns into \u201cnow\u201d for\n"
     "{company}, my calendar is open.\n\nAll the best,\n{rep}"),
    ("after", "Great speaking with you",
     "Hi {first},\n\nThank you for your time today. As promised, here\nis a summary and the times that "
     "work for the demo.\nLet me know which one suits you.\n\nBest,\n{rep}"),
    ("after", "Next steps for {company}",
     "Hi {first},\n\nThanks again. I have attached the pricing we\ndiscussed. Shall I send an invite "
     "for Tuesday?\n\n{rep}"),
    ("after", "Calendar invite: intro call",
     "Hi {first},\n\nGreat to hear back from you. I sent an invite for\nour intro call; feel free to "
     "forward it to your team.\n\nSee you then,\n{rep}"),
    ("reply", "",
     "Thanks {rep_first}, this is timely.\nCan you do Thursday afternoon?"),
    ("reply", "",
     "Hi {rep_first}, we are looking at this next quarter.\nSend me some details."),
    ("reply", "",
     "Not the right person, please talk to our\noperations lead."),
    ("reply", "",
     "Interesting. What does pricing look like for a team\nof our size?"),
    ("reply", "",
     "We already use a tool for this, but happy to compare.\nCall me after 4pm."),
    ("reply", "",
     "From my side this looks good \u2013 let\u2019s talk on Friday."),
    ("internal", "Weekly pipeline update",
     "Hi {manager_first},\n\nThis week: new leads are coming in fast, and I am\nbehind on the older "
     "ones. Can we go through my list\non Friday?\n\n{rep_first}"),
    ("internal", "Question about {company}",
     "Hi {manager_first},\n\n{company}\nasked for a discount before the demo. How do you\nwant me to "
     "handle it?\n\nThanks,\n{rep_first}"),
    ("internal", "PTO next Friday",
     "Hi {manager_first},\n\nI\u2019ll be out next Friday. My open tasks are in the\nCRM.\n\n{rep_first}"),
    ("internal_reply", "",
     "Thanks {rep_first}, let\u2019s discuss it in our 1:1."),
    ("internal_reply", "",
     "Sounds good. Keep me posted."),
    ("draft", "Following up on our call",
     "Hi {first},\n\nAs discussed, here are the"),
)  # fmt: skip

# The CRM tasks a rep sets for later, and what a logged call or email is called.
NEXT_STEP_SUBJECTS = ("Follow up", "Call back", "Send case study", "Follow up on voicemail", "Check in after webinar")
AFTER_STEP_SUBJECTS = ("Prepare demo", "Send proposal", "Send pricing")
CALL_SUBJECTS = ("Call", "Call", "Cold call", "Follow-up call")
# (CallDisposition, weight, shortest and longest call in seconds): the seed's values, connected or not.
CONNECTED = (("Connected", 4, 60, 600), ("Conversation", 4, 120, 900), ("Meeting Booked", 2, 300, 1200))
NOT_CONNECTED = (
    ("Left Voicemail", 5, 25, 70), ("No Answer", 6, 0, 30), ("Busy", 1, 0, 5), ("Wrong Number", 0.4, 10, 40),
)  # fmt: skip
# Dispositions the mapping seed does not know, and the blank one: calls with no outcome.
UNMAPPED = ("", "Left Message", "Gatekeeper", "Call Back Later")


def by_category(category: str) -> list[int]:
    """Indexes into TEMPLATES of one category (numpy draws an index, the SQL looks the text up)."""
    return [i for i, (name, _, _) in enumerate(TEMPLATES) if name == category]


def non_ascii(*pools: tuple[str, ...]) -> list[str]:
    """Every non-ASCII character in the templates and the given pools: the ones QP encoding must escape."""
    texts = [s for _, subject, body in TEMPLATES for s in (subject, body)] + [s for pool in pools for s in pool]
    return sorted({c for text in texts for c in text if ord(c) > 127})
