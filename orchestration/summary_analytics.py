"""The follow-up analytics in `radar run`'s summary: the top of each rep's call list and the scorecard's outliers,
selected from the marts' columns (nothing is computed here but the wording)."""

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from orchestration.text_table import table

CALLS_PER_REP = 3  # the top of each rep's call list
OUTLIER_WEEKS = 4  # the scorecard's outliers of the last complete weeks


@dataclass(frozen=True)
class Figure:
    """A scorecard figure that can be beyond its benchmark, by the mart's columns."""

    label: str
    value: str  # the figure's column
    versus: str  # the column it is judged by: its distance from the benchmark, or the SLA
    n: str  # the cell's trials: reportable when >= min_cell_n
    beyond: str  # the condition, on those columns
    shown: Callable[[float | None, float], tuple[str, str]]  # (value, versus) as people read them


def _rate(value: float, pp: float) -> tuple[str, str]:
    return f"{value:.0%}", f"{pp:+.0f} pp"


OUTLIER_FIGURES = (
    Figure("never followed up", "never_followed_up_rate", "never_followed_up_vs_benchmark_pp",
           "unanswered_settled_leads", "never_followed_up_vs_benchmark_pp > 0", _rate),
    Figure("gave up after one", "gave_up_after_one_rate", "gave_up_after_one_vs_benchmark_pp",
           "unanswered_settled_leads", "gave_up_after_one_vs_benchmark_pp > 0", _rate),
    Figure("calls to first connect", "calls_to_first_connect_mean", "calls_to_first_connect_vs_benchmark",
           "first_connect_leads", "calls_to_first_connect_vs_benchmark > 0",
           lambda v, d: (f"{v:.1f} calls", f"{d:+.1f} calls")),
    Figure("speed to lead P90", "speed_to_lead_p90_hours", "first_touch_sla_hours", "speed_cohort_leads",
           "coalesce(speed_to_lead_p90_hours > first_touch_sla_hours, true)",  # null: the P90 was not reached
           lambda v, sla: ("not reached" if v is None else f"{v:.0f} h", f"SLA {float(sla):g} h")),
)


def waiting_text(hours: float | None) -> str:
    """How long a lead has waited, as people say it; a reason that begins later today is 'in N h'."""
    if hours is None:
        return ""
    if hours < 0:
        return f"in {-hours:.0f} h"
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"


def call_list_section(con: duckdb.DuckDBPyConnection, max_reps: int) -> str:
    """The first leads of each rep's call list (of the first `max_reps` reps by team and name)."""
    rows = con.execute(
        f"""
        select owner_name, team, rank_in_owner, lead_name, company, reason, hours_waiting
        from marts.call_list
        where rank_in_owner <= {CALLS_PER_REP}
        qualify dense_rank() over (order by team, owner_name, owner_id) <= {max_reps}
        order by team, owner_name, owner_id, rank_in_owner
        """
    ).fetchall()
    if not rows:
        return "Call list: no open lead needs its owner's action."
    listing = table(
        ["rep", "team", "#", "lead", "company", "reason", "waiting"], [(*r[:6], waiting_text(r[6])) for r in rows]
    )
    return (
        f"Call list: the first {CALLS_PER_REP} leads of each rep's queue, most urgent first "
        f"(the whole list: marts.call_list):\n{listing}"
    )


def outliers_section(con: duckdb.DuckDBPyConnection) -> str:
    """The reps beyond a benchmark (or the first-touch SLA) in a reportable complete week: rows of the scorecard."""
    weeks = (
        "select s.*, p.min_cell_n, p.first_touch_sla_hours from marts.rep_scorecard_weekly as s "
        "cross join marts.metric_parameters as p where s.is_complete and s.week_start > "
        f"(select max(week_start) from marts.rep_scorecard_weekly where is_complete) - {7 * OUTLIER_WEEKS}"
    )
    beyond = " union all ".join(
        f"select week_start, team, owner_name, {i} as figure, {f.value}, {f.versus}, {f.n} from weeks "
        f"where {f.n} >= min_cell_n and {f.beyond}"
        for i, f in enumerate(OUTLIER_FIGURES)
    )
    rows = con.execute(f"with weeks as ({weeks}) {beyond} order by 1 desc, 2, 3, 4").fetchall()
    heading = f"Scorecard outliers: reps beyond a benchmark in a reportable complete week, the last {OUTLIER_WEEKS}"
    if not rows:
        return f"{heading}: none."
    shown = [
        (week, team, rep, OUTLIER_FIGURES[i].label, *OUTLIER_FIGURES[i].shown(value, versus), n)
        for week, team, rep, i, value, versus, n in rows
    ]
    listing = table(["week", "team", "rep", "figure", "value", "vs benchmark", "n"], shown)
    return f"{heading} (marts.rep_scorecard_weekly):\n{listing}"
