"""The follow-up analytics marts for tests/fixtures/handmade at T = 2024-03-12 12:00 UTC, computed by hand from
METRICS.md "Further marts" (the leads' touches: expected_marts.py). Counts are worked out by hand below; the rates
follow from them by METRICS.md's formulas (`_rate`, `_wilson`).

The nine leads that exist at T, with their follow-up group, activity (dispositioned leads at closed_at, the others
at T) and segments from the Lead export of 03-14 (Title, Industry, NumberOfEmployees, AnnualRevenue, Country,
LeadSource):

| lead | group | touches | calls | connects | emails | replies | settled (rule, at, attempts, responded) |
|---|---|---|---|---|---|---|---|
| L1 | working (active) | 4 | 2 | 1 | 2 | 0 | no |
| L2 | neglected (never_touched) | 0 | 0 | 0 | 0 | 0 | never_touched, 03-03 08:00, 0, no |
| L3 | working (new) | 0 | 0 | 0 | 0 | 0 | no |
| L4 | neglected (stale) | 1 | 0 | 0 | 1 | 0 | stopped, 03-11 12:00, 1, no |
| L5 | exhausted | 9 | 9 | 0 | 0 | 0 | stopped, 03-11 16:00, 9, no |
| L6 | dispositioned (converted) | 2 | 0 | 0 | 2 | 2 | closed, 03-06 15:00, 2, yes (03-05 16:00) |
| L7 | neglected (stale) | 1 | 1 | 0 | 0 | 2 | stopped, 03-12 00:30, 1, yes (03-05 00:10) |
| L10 | dispositioned (nurture) | 0 | 0 | 0 | 0 | 0 | closed, 03-08 06:00, 0, no |
| L11 | working (active) | 1 | 1 | 0 | 0 | 0 | no |

Segments: title -> seniority, job function; industry; employees; revenue; country; lead source; icp_fit (the
seed lists employee_band 51-200 to 1001-5000 and seniority c_level, vp, director, manager):
- L1: "VP, Sales" -> vp, sales; Retail; 120: 51-200; 25M: 10M-50M; "U.S." US; Web; icp.
- L2: "Account Manager" -> manager (a misfire), sales; blank; 10: 1-10; 1M: 1M-10M; "United  States " US; Web;
  non_icp (1-10).
- L3: "Chief of Staff" -> c_level (a misfire), general_management; blank; 0: unknown; null: unknown;
  "Deutschland" DE; Trade Show; unknown (no size).
- L4: "Executive Assistant to the CEO" -> individual (priority 1 beats ceo), operations; blank; 300: 201-500;
  999,999.99: <1M; "Atlantis" unmapped; blank: unknown; non_icp (individual).
- L5: "Director of Procurement" -> director (no whole-word cto), operations; blank; 10001: 10001+; 1e9: 1B+;
  blank: unknown; Web; non_icp (10001+).
- L6: "Partner Manager" -> c_level (a misfire), sales; "Retail " Retail; 1000: 501-1000; 50M: 50M-100M; "uk" GB;
  Referral; icp.
- L7: "Lead Generation Specialist" -> manager (a misfire), marketing; Software; null: unknown; 0: unknown;
  "FRANCE" FR; Web; unknown (no size).
- L10: blank -> unknown, unknown; blank; 51: 51-200; 1e8: 100M-500M; " atlantis" unmapped; Referral; unknown (no
  seniority).
- L11: "Software Engineer" -> individual (no rule), engineering_it; "  " unknown; 5000: 1001-5000; 5e8: 500M-1B;
  "DE" DE; Web; non_icp (individual).

Decision makers (c_level, vp, director): L1, L3, L5, L6. L8 (deleted) and L9 (created after T) carry Narnia, a
country no alias knows, and are in no segment.
"""

from math import sqrt

Z = 1.96  # ci_z
ALL_NEGLECTED, ALL_OPEN = 3, 7  # the `all` row: L2, L4, L7 of the open L1, L2, L3, L4, L5, L7, L11


def _rate(k: float, n: float) -> float | None:
    return k / n if n else None


def _wilson(k: int, n: int) -> tuple[float | None, float | None]:
    """METRICS.md's Wilson interval of k successes in n trials."""
    if n == 0:
        return None, None
    p = k / n
    center = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return max(0.0, center - half), min(1.0, center + half)


def _segment(dimension: str, segment: str, *, d: int = 0, n: int = 0, e: int = 0, w: int = 0, converted: int = 0,
             d_touches: int = 0, n_touches: int = 0) -> dict:
    """A row of lead_segment_profile from its leads by group (d, n, e, w), its converted leads and the touches of
    its dispositioned (at closed_at) and neglected leads (at T). No cell reaches min_cell_n = 30 open leads."""
    open_leads = n + e + w
    rate = _rate(n, open_leads)
    low, high = _wilson(n, open_leads)
    return {
        "dimension": dimension, "segment": segment, "leads": d + n + e + w, "dispositioned_leads": d,
        "neglected_leads": n, "exhausted_leads": e, "working_leads": w, "open_leads": open_leads,
        "converted_leads": converted, "neglect_rate": rate, "neglect_rate_ci_low": low, "neglect_rate_ci_high": high,
        "disposition_rate": _rate(d, d + n + e + w), "conversion_rate": _rate(converted, d),
        "share_of_all_neglected": n / ALL_NEGLECTED,
        "neglect_rate_vs_all_pp": None if rate is None else (rate - ALL_NEGLECTED / ALL_OPEN) * 100,
        "is_reportable": False, "neglect_signal": "inconclusive",
        "mean_touches_dispositioned": _rate(d_touches, d), "mean_touches_neglected": _rate(n_touches, n),
    }


# Dispositioned touches at closed_at: L6 2, L10 0. Neglected touches at T: L2 0, L4 1, L7 1.
LEAD_SEGMENT_PROFILE = [
    _segment("all", "all", d=2, n=3, e=1, w=3, converted=1, d_touches=2, n_touches=2),
    _segment("industry", "Retail", d=1, w=1, converted=1, d_touches=2),  # L6 ("Retail " trimmed), L1
    _segment("industry", "Software", n=1, n_touches=1),  # L7
    _segment("industry", "unknown", d=1, n=2, e=1, w=2, n_touches=1),  # L10; L2, L4; L5; L3, L11 ("  ")
    _segment("employee_band", "1-10", n=1),  # L2: 10 is the band's inclusive upper edge
    _segment("employee_band", "51-200", d=1, w=1),  # L10 (51), L1
    _segment("employee_band", "201-500", n=1, n_touches=1),  # L4
    _segment("employee_band", "501-1000", d=1, converted=1, d_touches=2),  # L6
    _segment("employee_band", "1001-5000", w=1),  # L11
    _segment("employee_band", "10001+", e=1),  # L5
    _segment("employee_band", "unknown", n=1, w=1, n_touches=1),  # L7 (null), L3 (0)
    _segment("revenue_band", "<1M", n=1, n_touches=1),  # L4
    _segment("revenue_band", "1M-10M", n=1),  # L2: 1M is the band's inclusive lower edge
    _segment("revenue_band", "10M-50M", w=1),  # L1
    _segment("revenue_band", "50M-100M", d=1, converted=1, d_touches=2),  # L6
    _segment("revenue_band", "100M-500M", d=1),  # L10
    _segment("revenue_band", "500M-1B", w=1),  # L11
    _segment("revenue_band", "1B+", e=1),  # L5
    _segment("revenue_band", "unknown", n=1, w=1, n_touches=1),  # L7 (0), L3 (null)
    _segment("country", "US", n=1, w=1),  # L2, L1
    _segment("country", "DE", w=2),  # L3, L11
    _segment("country", "GB", d=1, converted=1, d_touches=2),  # L6
    _segment("country", "FR", n=1, n_touches=1),  # L7
    _segment("country", "unmapped", d=1, n=1, n_touches=1),  # L10, L4
    _segment("country", "unknown", e=1),  # L5
    _segment("lead_source", "Web", n=2, e=1, w=2, n_touches=1),  # L2, L7; L5; L1, L11
    _segment("lead_source", "Trade Show", w=1),  # L3
    _segment("lead_source", "Referral", d=2, converted=1, d_touches=2),  # L6, L10
    _segment("lead_source", "unknown", n=1, n_touches=1),  # L4
    _segment("seniority", "vp", w=1),  # L1
    _segment("seniority", "c_level", d=1, w=1, converted=1, d_touches=2),  # L6, L3
    _segment("seniority", "director", e=1),  # L5
    _segment("seniority", "manager", n=2, n_touches=1),  # L2, L7
    _segment("seniority", "individual", n=1, w=1, n_touches=1),  # L4, L11
    _segment("seniority", "unknown", d=1),  # L10
    _segment("job_function", "sales", d=1, n=1, w=1, converted=1, d_touches=2),  # L6, L2, L1
    _segment("job_function", "general_management", w=1),  # L3
    _segment("job_function", "operations", n=1, e=1, n_touches=1),  # L4, L5
    _segment("job_function", "marketing", n=1, n_touches=1),  # L7
    _segment("job_function", "engineering_it", w=1),  # L11
    _segment("job_function", "unknown", d=1),  # L10
    _segment("is_decision_maker", "true", d=1, e=1, w=2, converted=1, d_touches=2),  # L6, L5, L1, L3
    _segment("is_decision_maker", "false", d=1, n=3, w=1, n_touches=2),  # L10, L2, L4, L7, L11
    _segment("icp_fit", "icp", d=1, w=1, converted=1, d_touches=2),  # L6, L1
    _segment("icp_fit", "non_icp", n=2, e=1, w=1, n_touches=1),  # L2, L4, L5, L11
    _segment("icp_fit", "unknown", d=1, n=1, w=1, n_touches=1),  # L10, L7, L3
]

GROUP_LEADS = {"dispositioned": 2, "neglected": 3, "exhausted": 1, "working": 3}
BUCKETS = ("0", "1", "2", "3", "4", "5", "6", "7", "8+")


def _buckets(group: str, activity: str, leads: dict[str, int]) -> list[dict]:
    """The nine rows of one (group, activity): the leads per bucket as given, every other bucket 0."""
    assert sum(leads.values()) == GROUP_LEADS[group]
    return [
        {"follow_up_group": group, "activity": activity, "bucket": bucket, "bucket_min": minimum,
         "leads": leads.get(bucket, 0), "group_leads": GROUP_LEADS[group],
         "share_of_group": leads.get(bucket, 0) / GROUP_LEADS[group]}
        for minimum, bucket in enumerate(BUCKETS)
    ]


LEAD_ACTIVITY_BUCKETS = [
    # dispositioned, at closed_at: L6 (2 emails, 2 replies before 03-06 15:00), L10 (nothing)
    *_buckets("dispositioned", "touches", {"0": 1, "2": 1}),
    *_buckets("dispositioned", "calls", {"0": 2}),
    *_buckets("dispositioned", "connects", {"0": 2}),
    *_buckets("dispositioned", "emails", {"0": 1, "2": 1}),
    *_buckets("dispositioned", "replies", {"0": 1, "2": 1}),
    # neglected, at T: L2 (nothing), L4 (1 email), L7 (1 call, 2 replies)
    *_buckets("neglected", "touches", {"0": 1, "1": 2}),
    *_buckets("neglected", "calls", {"0": 2, "1": 1}),
    *_buckets("neglected", "connects", {"0": 3}),
    *_buckets("neglected", "emails", {"0": 2, "1": 1}),
    *_buckets("neglected", "replies", {"0": 2, "2": 1}),
    # exhausted: L5, 9 calls (8+)
    *_buckets("exhausted", "touches", {"8+": 1}),
    *_buckets("exhausted", "calls", {"8+": 1}),
    *_buckets("exhausted", "connects", {"0": 1}),
    *_buckets("exhausted", "emails", {"0": 1}),
    *_buckets("exhausted", "replies", {"0": 1}),
    # working: L1 (2 calls, 1 connect, 2 emails), L3 (nothing), L11 (1 call)
    *_buckets("working", "touches", {"0": 1, "1": 1, "4": 1}),
    *_buckets("working", "calls", {"0": 1, "1": 1, "2": 1}),
    *_buckets("working", "connects", {"0": 2, "1": 1}),
    *_buckets("working", "emails", {"0": 2, "2": 1}),
    *_buckets("working", "replies", {"0": 3}),
]


def _depth(minimum: int, leads: int = 0, responded: int = 0, converted: int = 0) -> dict:
    response_low, response_high = _wilson(responded, leads)
    conversion_low, conversion_high = _wilson(converted, leads)
    return {
        "depth": BUCKETS[minimum], "depth_min": minimum, "leads": leads, "responded_leads": responded,
        "converted_leads": converted, "response_rate": _rate(responded, leads),
        "response_rate_ci_low": response_low, "response_rate_ci_high": response_high,
        "conversion_rate": _rate(converted, leads), "conversion_rate_ci_low": conversion_low,
        "conversion_rate_ci_high": conversion_high, "is_reportable": False,
    }


# The six leads settled at T (L1, L3, L11 are not) by attempts_at_settle.
FOLLOW_UP_DEPTH_OUTCOMES = [
    _depth(0, leads=2),  # L2 (never touched), L10 (closed at creation)
    _depth(1, leads=2, responded=1),  # L4; L7, whose message 03-05 00:10 is before its settling 03-12 00:30
    _depth(2, leads=1, responded=1, converted=1),  # L6: two messages and a reply before closing converted
    *(_depth(minimum) for minimum in range(3, 8)),
    _depth(8, leads=1),  # L5: 9 calls by 03-11 16:00
]


def _attempt(minimum: int, at_risk: int, first: int = 0, reached: int = 0, converted: int = 0) -> dict:
    """A row of response_by_attempt; two leads ever responded after a touch (L1 at its 4th, L6 at its 2nd)."""
    low, high = _wilson(first, at_risk)
    return {
        "attempt": BUCKETS[minimum], "attempt_min": minimum, "at_risk": at_risk, "first_responses": first,
        "response_hazard": _rate(first, at_risk), "hazard_ci_low": low, "hazard_ci_high": high,
        "cumulative_responders": reached, "responders": 2, "cumulative_response_share": reached / 2,
        "converted_of_first_responses": converted, "is_reportable": False,
    }


# Leads at risk at their k-th touch: L1 (touches 03-01 10:00, 03-05 10:00, 03-05 10:25 and the connect 03-09
# 16:30, its first response: at its own touch, k = 4); L4 (one touch, 8 days before T: known); L5 (9 touches, k = 8
# and 9 pooled in 8+); L6 (03-02 and 03-04, first reply 03-05 16:00 after the second). Not at risk: L7 wrote before
# its only touch (inbound-first, touches_to_first_response 0, in no row); L11's one touch is 27 h before T, with no
# next touch and no response: its outcome is not known yet.
RESPONSE_BY_ATTEMPT = [
    _attempt(1, at_risk=4),  # L1, L4, L5, L6
    _attempt(2, at_risk=3, first=1, reached=1, converted=1),  # L1, L5, L6 (answered, converted)
    _attempt(3, at_risk=2, reached=1),  # L1, L5
    _attempt(4, at_risk=2, first=1, reached=2),  # L1 (the connect), L5
    _attempt(5, at_risk=1, reached=2),  # L5
    _attempt(6, at_risk=1, reached=2),  # L5
    _attempt(7, at_risk=1, reached=2),  # L5
    _attempt(8, at_risk=2, reached=2),  # L5's 8th and 9th touches: lead-attempts
]
