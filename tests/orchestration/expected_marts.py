"""The marts for tests/fixtures/handmade at T = 2024-03-12 12:00 UTC, computed by hand from METRICS.md.

The reasoning per lead (touch times UTC; s is a daily snapshot at 00:00 after day D):
- L1 (Ana): call 03-01 10:00; message 03-05 10:00 to L1@Client.Example (CC Mia: also in mia.mbox) with its CRM
  email task 6 min later (same touch); email task 03-05 10:25 (25 min: its own touch); connected call
  03-09 16:30. Next steps: due 03-15, due 03-10 (overdue), a task completed only after T due 03-11 (overdue).
- L2 (Ben now; Ana in the older snapshot): never touched (its call task is deleted, another row is rejected).
- L3 (Ben): created 03-12 01:00, after the last snapshot and 11 h before T: new.
- L4 (Ben): created 03-03 12:00; one bounced message 03-04 12:00; stale at T (exactly 8 days since).
- L5 (Cara): created at midnight 03-01; nine unanswered calls to 03-04 16:00 (one at exactly 03-02 00:00, one
  without CompletedDateTime, the ninth without a disposition); exhausted at T and from the snapshot 03-12 00:00
  on, by its eighth call (03-04 15:00).
- L6 (Cara): messages 03-02 09:00 and 03-04 09:00, replies 03-05 16:00 (In-Reply-To the first message) and
  03-06 10:00, converted 03-06 15:00 (from LeadHistory).
- L7 (Ana): wrote in at 03-05 00:10, before its only call (03-05 00:30), and again 03-06 10:00 (nobody answered);
  closed only after T (03-14), so open and stale at T; a call after T ignored.
- L8 deleted, L9 created after T: in neither mart. L10 (Cara): Nurture with no history: closed from creation.
- L11 (Ana): unmapped status Prospecting (treated as open), created 03-10 20:00, call 03-11 09:00.
"""

from datetime import date, datetime

ANA = ("005A00000000001AAA", "Ana Diligent", "East")
BEN = ("005B00000000001AAA", "Ben Shiny", "East")
CARA = ("005C00000000001AAA", "Cara West", "West")


def _lead(number: int, owner: tuple, created_at: str, lead: tuple, *, age: int, bucket: str, state: str,
          **values) -> dict:
    row = {
        "lead_id": f"00Q{number:012d}AAA",
        "lead_name": lead[0],
        "company": lead[1],
        "lead_source": None,
        "owner_id": owner[0],
        "owner_name": owner[1],
        "team": owner[2],
        "created_at": datetime.fromisoformat(created_at),
        "status_category": "open",
        "is_open": True,
        "closed_at": None,
        "age_days": age,
        "aging_bucket": bucket,
        "touches": 0,
        "calls": 0,
        "connects": 0,
        "emails": 0,
        "replies": 0,
        "follow_ups": 0,
        "first_touch_at": None,
        "last_touch_at": None,
        "hours_to_first_touch": None,
        "days_since_last_touch": None,
        "has_responded": False,
        "next_step_due_on": None,
        "overdue_next_steps": 0,
        "follow_up_state": state,
        "is_neglected": state in ("never_touched", "stale"),
    }
    for key in ("closed_at", "first_touch_at", "last_touch_at"):
        if key in values:
            values[key] = datetime.fromisoformat(values[key])
    return {**row, **values}


LEAD_AGING = [
    _lead(1, ANA, "2024-03-01 09:00", ("Lou One", "Client One"), age=11, bucket="8-14d", state="active",
        lead_source="Web", touches=4, calls=2, connects=1, emails=2, follow_ups=3,
        first_touch_at="2024-03-01 10:00", last_touch_at="2024-03-09 16:30", hours_to_first_touch=1.0,
        days_since_last_touch=2, has_responded=True, next_step_due_on=date(2024, 3, 15), overdue_next_steps=2,
    ),
    _lead(2, BEN, "2024-03-02 08:00", ("Lee Two", "Client Two"), age=10, bucket="8-14d", state="never_touched",
        lead_source="Web"),
    _lead(3, BEN, "2024-03-12 01:00", ("Lin Three", "Client Three"), age=0, bucket="0-7d", state="new",
        lead_source="Trade Show"),
    _lead(4, BEN, "2024-03-03 12:00", ('Liv Four', 'Client, Four & "Sons"'), age=9, bucket="8-14d", state="stale",
        touches=1, emails=1, first_touch_at="2024-03-04 12:00", last_touch_at="2024-03-04 12:00",
        hours_to_first_touch=24.0, days_since_last_touch=8,
    ),
    _lead(5, CARA, "2024-03-01 00:00", ("Lux Five", "Client Five"), age=11, bucket="8-14d", state="exhausted",
        lead_source="Web", touches=9, calls=9, follow_ups=8, first_touch_at="2024-03-01 09:00",
        last_touch_at="2024-03-04 16:00",
        hours_to_first_touch=9.0, days_since_last_touch=7,
    ),
    _lead(6, CARA, "2024-03-01 10:00", ("Lia Six", "Client Six"), age=5, bucket="0-7d", state="closed",
        status_category="converted", is_open=False, closed_at="2024-03-06 15:00", lead_source="Referral",
        touches=2, emails=2, replies=2, follow_ups=1, first_touch_at="2024-03-02 09:00",
        last_touch_at="2024-03-04 09:00", hours_to_first_touch=23.0, days_since_last_touch=8, has_responded=True,
    ),
    _lead(7, ANA, "2024-03-05 00:00", ("Lot Seven", "Client Seven"), age=7, bucket="0-7d", state="stale",
        lead_source="Web", touches=1, calls=1, replies=2, first_touch_at="2024-03-05 00:30",
        last_touch_at="2024-03-05 00:30", hours_to_first_touch=0.5, days_since_last_touch=7, has_responded=True,
    ),
    _lead(10, CARA, "2024-03-08 06:00", ("Lou Ten", "Client Ten"), age=0, bucket="0-7d", state="closed",
        status_category="nurture", is_open=False, closed_at="2024-03-08 06:00", lead_source="Referral",
    ),
    _lead(11, ANA, "2024-03-10 20:00", ("Lex Eleven", "Client Eleven"), age=1, bucket="0-7d", state="active",
        lead_source="Web", touches=1, calls=1, first_touch_at="2024-03-11 09:00", last_touch_at="2024-03-11 09:00",
        hours_to_first_touch=13.0, days_since_last_touch=1,
    ),
]


def _days(owner: tuple, first: int, last: int, **counts) -> list[dict]:
    """Rows for March days first..last with the same lead counts; coverage = covered / due."""
    row = {
        "open_leads": 0, "due_leads": 0, "covered_leads": 0, "never_touched_leads": 0,
        "stale_leads": 0, "exhausted_leads": 0, "new_leads": 0, **counts,
    }
    coverage = row["covered_leads"] / row["due_leads"] if row["due_leads"] else None
    return [
        {"day": date(2024, 3, d), "owner_id": owner[0], "owner_name": owner[1], "team": owner[2], **row,
         "follow_up_coverage": coverage}
        for d in range(first, last + 1)
    ]


# Days 03-01 .. 03-11 (the last D with D + 1 day <= T). Mia owns no leads: no rows.
FOLLOW_UP_COVERAGE_DAILY = [
    # Ana: L1 active throughout; L7 from 03-05 (touched at 00:30, active until 03-12 00:30); L11 new on 03-10.
    *_days(ANA, 1, 4, open_leads=1, due_leads=1, covered_leads=1),
    *_days(ANA, 5, 9, open_leads=2, due_leads=2, covered_leads=2),
    *_days(ANA, 10, 10, open_leads=3, due_leads=2, covered_leads=2, new_leads=1),
    *_days(ANA, 11, 11, open_leads=3, due_leads=3, covered_leads=3),
    # Ben: L2 new on 03-02 then never touched; L4 new on 03-03, active 03-04..03-10, stale on 03-11.
    *_days(BEN, 2, 2, open_leads=1, new_leads=1),
    *_days(BEN, 3, 3, open_leads=2, due_leads=1, never_touched_leads=1, new_leads=1),
    *_days(BEN, 4, 10, open_leads=2, due_leads=2, covered_leads=1, never_touched_leads=1),
    *_days(BEN, 11, 11, open_leads=2, due_leads=2, never_touched_leads=1, stale_leads=1),
    # Cara: L5 active until exhausted on 03-11; L6 new on 03-01, active 03-02..03-05, closed from 03-06;
    # L10 closed from its creation on 03-08.
    *_days(CARA, 1, 1, open_leads=2, due_leads=1, covered_leads=1, new_leads=1),
    *_days(CARA, 2, 5, open_leads=2, due_leads=2, covered_leads=2),
    *_days(CARA, 6, 10, open_leads=1, due_leads=1, covered_leads=1),
    *_days(CARA, 11, 11, open_leads=1, exhausted_leads=1),
]


# The leads' Title in the Lead export of 03-14 (the call list shows it).
TITLES = {1: "VP, Sales", 2: "Account Manager", 4: "Executive Assistant to the CEO", 5: "Director of Procurement",
          7: "Lead Generation Specialist"}


def _queued(number: int, reason: str, priority: int, waiting_since: str, hours_waiting: float, rank: int) -> dict:
    """A lead of LEAD_AGING on the call list, with its reason and wait."""
    lead = next(row for row in LEAD_AGING if row["lead_id"] == f"00Q{number:012d}AAA")
    return {
        **{key: lead[key] for key in ("owner_id", "owner_name", "team", "lead_id", "lead_name", "company")},
        "title": TITLES[number],
        "reason": reason,
        "reason_priority": priority,
        "waiting_since": datetime.fromisoformat(waiting_since),
        "hours_waiting": hours_waiting,
        **{key: lead[key] for key in ("age_days", "touches", "last_touch_at", "next_step_due_on")},
        "rank_in_owner": rank,
    }


# The open leads that need action at T, per owner by reason, then the longest wait: L7 wrote 03-06 10:00, after
# its last touch (its first message, 03-05 00:10, came before the call: answered by it); L1's connect is its last
# touch (answered), its earliest overdue step is due 03-10; L4 is stale since its last touch + 7 days; L2 never
# touched since created + 24 h; L5 exhausted by its 8th call (03-04 15:00), not its 9th. L3 (new) and L11 (active
# until 03-18) need nothing; L6 and L10 are closed.
CALL_LIST = [
    _queued(7, "replied_unanswered", 1, "2024-03-06 10:00", 146.0, 1),
    _queued(1, "next_step_overdue", 3, "2024-03-10 00:00", 60.0, 2),
    _queued(2, "sla_breached", 2, "2024-03-03 08:00", 220.0, 1),
    _queued(4, "stale", 5, "2024-03-11 12:00", 24.0, 2),
    _queued(5, "awaiting_disposition", 6, "2024-03-04 15:00", 189.0, 1),
]


def _curve(age: int, *, new: int = 0, worked: int = 0, neglected: int = 0) -> dict:
    """A row of Ben's cohort of 2024-02-26 on the shiny-object curve (no lead of it is exhausted or closed)."""
    return {
        "cohort_week": date(2024, 2, 26), "age_days": age, "owner_id": BEN[0], "cohort_leads": 2,
        "new_leads": new, "worked_leads": worked, "neglected_leads": neglected, "exhausted_leads": 0,
        "closed_leads": 0, "worked_share": worked / 2, "worked_share_of_cohort": worked / 2,
    }


# Ben's cohort of 2024-02-26: L2 (created 03-02 08:00) is new at age 0 and never touched after; L4 (created 03-03
# 12:00) is new at age 0, active from its message at exactly age 1 until 03-11 12:00, its age 8, then stale. Every
# lead of the cohort is 8 days old at T (03-04 00:00 + 8 days <= T), so ages 0 to 8.
SHINY_OBJECT_CURVE_BEN = [
    _curve(0, new=2),
    *(_curve(age, worked=1, neglected=1) for age in range(1, 8)),
    _curve(8, neglected=2),
]

BUCKETS = ("0-7d", "8-14d", "15-30d", "31-60d", "61-90d", "90d+")


def _attention(week: date, touches: dict, open_days: dict) -> list[dict]:
    """Ben's rows of one week: touches and open lead-days (of the 7 snapshots) by bucket, the others 0."""
    all_touches, all_days = sum(touches.values()), sum(open_days.values())
    rows = []
    for bucket in BUCKETS:
        touch_share = touches.get(bucket, 0) / all_touches if all_touches else None
        open_share = open_days.get(bucket, 0) / all_days
        rows.append({
            "week_start": week, "owner_id": BEN[0], "aging_bucket": bucket, "touches": touches.get(bucket, 0),
            "avg_open_leads": open_days.get(bucket, 0) / 7, "touch_share": touch_share, "open_share": open_share,
            "attention_index": touch_share / open_share if touch_share is not None and open_share else None,
        })
    return rows


# Ben in the two complete weeks. Week of 02-26: L2 open at the snapshots after 03-02 and 03-03, L4 after 03-03,
# all 0-7d; no touch. Week of 03-04: L4's message 03-04 12:00 at age 1; L2 is 0-7d at six snapshots and 8 days
# old at 03-11 00:00, L4 0-7d at all seven (7 days 12 hours at 03-11 00:00).
ATTENTION_BY_AGE_WEEKLY_BEN = [
    *_attention(date(2024, 2, 26), {}, {"0-7d": 3}),
    *_attention(date(2024, 3, 4), {"0-7d": 1}, {"0-7d": 13, "8-14d": 1}),
]
