"""The figures of marts.rep_scorecard_weekly the scorecard page shows, each with the column that is its n."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str  # the mart's column
    header: str
    group: str
    kind: str  # how it is written: rate, hours, decimal or count
    n: str | None = None  # the column of its trials; None for a count
    benchmark: str | None = None  # the metric_parameters column it is compared with
    not_reached: bool = False  # a percentile that is null when its rank falls on a never-touched lead
    description: str = ""


SPEED = "Speed to lead: the week's new leads"
ACTIVITY = "Activity in the week"
DEPTH = "Follow-up depth: leads whose follow-up ended in the week"
CLOSE = "Dispositions and reach"
NEXT = "Next steps at the week's end"
METRICS = (
    Metric("new_leads", "New leads", SPEED, "count"),
    Metric("speed_to_lead_p50_hours", "Speed to lead P50", SPEED, "hours", "speed_cohort_leads", not_reached=True,
           description="median hours to the first touch, never-touched leads last"),
    Metric("speed_to_lead_p90_hours", "Speed to lead P90", SPEED, "hours", "speed_cohort_leads", not_reached=True,
           description="90th percentile of the hours to the first touch, never-touched leads last"),
    Metric("first_touch_within_sla_rate", "Touched within the SLA", SPEED, "rate", "speed_cohort_leads"),
    Metric("first_touch_within_1h_rate", "Touched within 1 h", SPEED, "rate", "speed_cohort_leads"),
    Metric("still_untouched_leads", "Still untouched", SPEED, "count",
           description="new leads never touched, past the SLA"),
    Metric("touches", "Touches", ACTIVITY, "count"),
    Metric("connect_rate", "Connect rate", ACTIVITY, "rate", "calls_with_outcome",
           description="connects over calls with an outcome"),
    Metric("email_reply_rate", "Email reply rate", ACTIVITY, "rate", "mature_emails",
           description="replied over mature deliverable emails"),
    Metric("never_followed_up_rate", "Never followed up", DEPTH, "rate", "unanswered_settled_leads",
           "benchmark_never_follow_up", description="one attempt, no answer, then nothing"),
    Metric("gave_up_after_one_rate", "Gave up after one follow-up", DEPTH, "rate", "unanswered_settled_leads",
           "benchmark_gave_up_after_one", description="two attempts, no answer, then nothing"),
    Metric("median_attempts_unanswered", "Attempts before stopping (median)", DEPTH, "decimal",
           "unanswered_settled_leads"),
    Metric("stopped_after_response_leads", "Dropped after an answer", DEPTH, "count",
           description="leads that answered, then went stale"),
    Metric("attempts_before_disposition_median", "Attempts before disposition (median)", CLOSE, "decimal",
           "dispositioned_leads"),
    Metric("calls_to_first_connect_mean", "Calls to first connect (mean)", CLOSE, "decimal", "first_connect_leads",
           "benchmark_calls_to_reach"),
    Metric("next_step_coverage", "Next-step coverage", NEXT, "rate", "open_leads_at_end",
           description="open leads with a next step not yet due"),
    Metric("leads_with_overdue_next_step", "Leads with an overdue next step", NEXT, "count"),
)
