"""marts.rep_scorecard_weekly for tests/fixtures/handmade at T = 2024-03-12 12:00 UTC (a Tuesday), computed by hand
from METRICS.md (the leads and touches: expected_marts.py and expected_analytics.py). Every row and column.

Weeks from the first lead's (2024-02-26) to T's: W1 = 02-26 (snapshot s_W = 03-04 00:00), W2 = 03-04 (s_W = 03-11
00:00), both complete, and W3 = 03-11 (s_W = T), not complete. Each week has a row for Ana, Ben and Cara (each owns
a lead created before 03-04 00:00); Mia owns none. All three users are active.

- Speed to lead (hours to first touch; the company zone is UTC, business hours Mon-Fri 09:00-17:00): Ana's L1 (Fri
  09:00, in hours) 1.0 in W1, L7 0.5 and L11 13.0 in W2; Ben's L2 (never touched, past the SLA: ranks last) and L4
  24.0 (on the SLA's edge: within it) in W1, L3 in W3 (11 h old, inside its SLA: not in the cohort yet); Cara's L5
  9.0 and L6 23.0 (Fri 10:00, in hours) in W1, L10 (closed at creation, never touched) in W2.
- Activity by touch time, on the owner's leads: W1 Ana L1's call; Cara L5's six calls to 03-03 15:00 and L6's
  message 03-02 09:00. W2 Ana L1's two emails 03-05, Mia's message 03-06 09:00 (a touch by another user) and the
  connect 03-09, L7's call; Ben L4's bounced message; Cara L5's calls 03-04 09:00, 15:00 and 16:00 (no
  disposition: a call without an outcome) and L6's message 03-04 09:00. W3 Ana L11's call.
- Emails are mature when sent by T - 7 days = 03-05 12:00; the reply rate is null for a week that ends after it
  (W2, W3). W1 Cara: L6's first message, replied (In-Reply-To; by time the reply would go to the second one).
  W2: Ana's two emails 03-05 are mature, Mia's is not; L4's message bounced (not deliverable); Cara's 03-04 is.
- Replies by their time: L7's two and L6's two, all in W2.
- Settling by rule 1 (closed) or 3 (stopped), by settled_at: W2 Cara L6 (closed 03-06 15:00, answered, converted)
  and L10 (closed at creation, no attempt): neither unanswered. W3 Ana L7 (stopped 03-12 00:30, 1 attempt, it had
  written: stopped after a response); Ben L4 (stopped 03-11 12:00, 1 attempt, unanswered); Cara L5 (stopped 03-11
  16:00, 9 attempts, unanswered). L2 settled by rule 2 (never touched): not a settled lead here.
- Dispositions by closed_at: W2 Cara L6 (converted, 2 touches before) and L10 (nurture, untouched): median 0
  (rank ceil(0.5 * 2) = 1 of [0, 2]), mean 1.0. L7 closes after T.
- Reach: L1's first connect 03-09 16:30 (W2) took 2 calls. L7's connect is after T.
- Next steps at s_W, all on L1: "Book demo" due 03-10 (created 03-06), "Check budget" due 03-11 (created 03-08,
  completed only after T), "Send proposal" due 03-15 (created 03-09). None exists at 03-04; at 03-11 00:00 one is
  overdue and two are due later; at T two are overdue (03-10 and 03-11 < 03-12) and one is due later.
- Coverage at the week's end: follow_up_coverage_daily on 03-03, 03-10 and (W3's only complete day) 03-11.
"""

from datetime import date

from tests.orchestration.expected_marts import ANA, BEN, CARA

W1, W2, W3 = date(2024, 2, 26), date(2024, 3, 4), date(2024, 3, 11)
NEVER_FOLLOW_UP, GAVE_UP_AFTER_ONE, CALLS_TO_REACH = 0.48, 0.44, 8  # the benchmarks

EMPTY = {
    "new_leads": 0, "speed_cohort_leads": 0, "speed_to_lead_p50_hours": None, "speed_to_lead_p90_hours": None,
    "first_touch_within_sla_rate": None, "first_touch_within_1h_rate": None, "business_hours_cohort_leads": 0,
    "speed_to_lead_business_hours_p50_hours": None, "speed_to_lead_business_hours_p90_hours": None,
    "still_untouched_leads": 0,
    "touches": 0, "calls": 0, "connects": 0, "emails": 0, "touches_by_others": 0, "calls_with_outcome": 0,
    "connect_rate": None, "mature_emails": 0, "email_reply_rate": None, "replies": 0,
    "settled_leads": 0, "unanswered_settled_leads": 0, "never_followed_up_rate": None,
    "gave_up_after_one_rate": None, "reached_max_attempts_rate": None, "median_attempts_unanswered": None,
    "stopped_after_response_leads": 0,
    "dispositioned_leads": 0, "converted_leads": 0, "closed_untouched_leads": 0,
    "attempts_before_disposition_median": None, "attempts_before_disposition_mean": None,
    "first_connect_leads": 0, "calls_to_first_connect_mean": None, "calls_to_first_connect_median": None,
    "overdue_next_steps": 0, "leads_with_overdue_next_step": 0,
}


def _week(week: date, owner: tuple, *, open_leads: int, with_next_step: int = 0, coverage: float | None,
          **values) -> dict:
    """One (week, rep) row: the hand-computed values given, the rest of EMPTY; the vs-benchmark columns and the
    next-step coverage follow from them."""
    row = {"week_start": week, "owner_id": owner[0], "owner_name": owner[1], "team": owner[2],
           "rep_is_active": True, "is_complete": week < W3, **EMPTY, **values}
    never, gave_up, calls = (row[c] for c in (
        "never_followed_up_rate", "gave_up_after_one_rate", "calls_to_first_connect_mean"))
    return {
        **row,
        "never_followed_up_vs_benchmark_pp": None if never is None else (never - NEVER_FOLLOW_UP) * 100,
        "gave_up_after_one_vs_benchmark_pp": None if gave_up is None else (gave_up - GAVE_UP_AFTER_ONE) * 100,
        "calls_to_first_connect_vs_benchmark": None if calls is None else calls - CALLS_TO_REACH,
        "open_leads_at_end": open_leads, "open_leads_with_next_step": with_next_step,
        "next_step_coverage": with_next_step / open_leads if open_leads else None,
        "follow_up_coverage_at_end": coverage,
    }


REP_SCORECARD_WEEKLY = [
    # W1, s_W 03-04 00:00. Ana: L1 open, no next step yet; coverage 03-03 1/1.
    _week(W1, ANA, open_leads=1, coverage=1.0,
          new_leads=1, speed_cohort_leads=1, speed_to_lead_p50_hours=1.0, speed_to_lead_p90_hours=1.0,
          first_touch_within_sla_rate=1.0, first_touch_within_1h_rate=1.0, business_hours_cohort_leads=1,
          speed_to_lead_business_hours_p50_hours=1.0, speed_to_lead_business_hours_p90_hours=1.0,
          touches=1, calls=1, calls_with_outcome=1, connect_rate=0.0),
    # Ben: cohort [L4 24.0, L2 never]: P50 at rank 1, P90 at rank ceil(1.8) = 2 falls on L2: not reached. L2 and L4
    # open; coverage 03-03 0/1 (L2 never touched, L4 new).
    _week(W1, BEN, open_leads=2, coverage=0.0,
          new_leads=2, speed_cohort_leads=2, speed_to_lead_p50_hours=24.0, first_touch_within_sla_rate=0.5,
          first_touch_within_1h_rate=0.0, still_untouched_leads=1),
    # Cara: cohort [L5 9.0, L6 23.0]; six calls with an outcome, none connected; one mature email, replied. L5, L6
    # open; coverage 03-03 2/2.
    _week(W1, CARA, open_leads=2, coverage=1.0,
          new_leads=2, speed_cohort_leads=2, speed_to_lead_p50_hours=9.0, speed_to_lead_p90_hours=23.0,
          first_touch_within_sla_rate=1.0, first_touch_within_1h_rate=0.0, business_hours_cohort_leads=1,
          speed_to_lead_business_hours_p50_hours=23.0, speed_to_lead_business_hours_p90_hours=23.0,
          touches=7, calls=6, emails=1, calls_with_outcome=6, connect_rate=0.0, mature_emails=1,
          email_reply_rate=1.0),
    # W2, s_W 03-11 00:00. Ana: cohort [L7 0.5, L11 13.0]; 2 calls, 1 connect; L7's two replies; L1's first connect
    # after 2 calls. L1, L7, L11 open; L1 has "Check budget" and "Send proposal" due later, "Book demo" overdue;
    # coverage 03-10 2/2.
    _week(W2, ANA, open_leads=3, with_next_step=1, coverage=1.0,
          new_leads=2, speed_cohort_leads=2, speed_to_lead_p50_hours=0.5, speed_to_lead_p90_hours=13.0,
          first_touch_within_sla_rate=1.0, first_touch_within_1h_rate=0.5,
          touches=5, calls=2, connects=1, emails=3, touches_by_others=1, calls_with_outcome=2, connect_rate=0.5,
          mature_emails=2, replies=2,
          first_connect_leads=1, calls_to_first_connect_mean=2.0, calls_to_first_connect_median=2,
          overdue_next_steps=1, leads_with_overdue_next_step=1),
    # Ben: no new lead; L4's bounced message is mature but not deliverable. L2, L4 open; coverage 03-10 1/2.
    _week(W2, BEN, open_leads=2, coverage=0.5, touches=1, emails=1),
    # Cara: cohort [L10 never]: both percentiles not reached, none within the SLA. Three calls, two with an
    # outcome; L6's two replies; L6 and L10 settle and close. L5 open; coverage 03-10 1/1.
    _week(W2, CARA, open_leads=1, coverage=1.0,
          new_leads=1, speed_cohort_leads=1, first_touch_within_sla_rate=0.0, first_touch_within_1h_rate=0.0,
          still_untouched_leads=1,
          touches=4, calls=3, emails=1, calls_with_outcome=2, connect_rate=0.0, mature_emails=1, replies=2,
          settled_leads=2,
          dispositioned_leads=2, converted_leads=1, closed_untouched_leads=1, attempts_before_disposition_median=0,
          attempts_before_disposition_mean=1.0),
    # W3, s_W = T. Ana: L11's call; L7 settled after its messages. L1, L7, L11 open; L1: one due later, two overdue;
    # coverage 03-11 3/3.
    _week(W3, ANA, open_leads=3, with_next_step=1, coverage=1.0,
          touches=1, calls=1, calls_with_outcome=1, connect_rate=0.0,
          settled_leads=1, stopped_after_response_leads=1, overdue_next_steps=2, leads_with_overdue_next_step=1),
    # Ben: L3 is new and waits inside its SLA; L4 unanswered after one attempt. L2, L3, L4 open; coverage 03-11 0/2.
    _week(W3, BEN, open_leads=3, coverage=0.0,
          new_leads=1, settled_leads=1, unanswered_settled_leads=1, never_followed_up_rate=1.0,
          gave_up_after_one_rate=0.0, reached_max_attempts_rate=0.0, median_attempts_unanswered=1),
    # Cara: L5 unanswered after 9 attempts. L5 open (exhausted); coverage 03-11: nothing due, null.
    _week(W3, CARA, open_leads=1, coverage=None,
          settled_leads=1, unanswered_settled_leads=1, never_followed_up_rate=0.0, gave_up_after_one_rate=0.0,
          reached_max_attempts_rate=1.0, median_attempts_unanswered=9),
]

# Each reply at or before T, the message it is credited to, and by which rule (int_replies_credited).
REPLY_CREDITS = [
    ("00Q000000000006AAA", "m-l6-1@client.example", "m-cara-1@acme.example", "in_reply_to"),
    ("00Q000000000006AAA", "m-l6-2@client.example", "m-cara-2@acme.example", "time_window"),
    ("00Q000000000007AAA", "m-l7-1@client.example", None, "uncredited"),  # no email to L7 at all
    # In-Reply-To the lead's own first message, which is no outbound email; none within the window either
    ("00Q000000000007AAA", "m-l7-2@client.example", None, "uncredited"),
]
