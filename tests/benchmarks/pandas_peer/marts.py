"""The peer's two marts: lead_aging at T and follow_up_coverage_daily from each lead's runs of follow-up states."""


import numpy as np
import pandas as pd
import yaml

from tests.benchmarks.pandas_peer.common import DAY, MICROSECOND, ROOT
from tests.benchmarks.pandas_peer.staging import stage, status_spells, touches_and_responses

# --- marts ---------------------------------------------------------------------------------------------------------


def milliseconds(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole milliseconds from start to end, as the pipeline's datediff('millisecond') counts them (null if either
    is null)."""
    known = start.notna() & end.notna()
    as_ms = [t.where(known, pd.Timestamp(0)).astype("datetime64[ms]").astype("int64") for t in (start, end)]
    return (as_ms[1] - as_ms[0]).astype(float).where(known)


def floor_days(start: pd.Series, end: pd.Series) -> pd.Series:
    return np.floor(milliseconds(start, end) / 86_400_000)


def follow_up_state(is_closed, touches, last_touch_at, created_at, has_responded, snapshot, params) -> np.ndarray:
    """METRICS.md follow_up_state at snapshot time(s) `snapshot`: the first rule that matches."""
    sla = pd.Timedelta(hours=params["first_touch_sla_hours"])
    cadence = pd.Timedelta(days=params["cadence_days"])
    untouched = touches == 0
    return np.select(
        [
            is_closed,
            untouched & (created_at + sla > snapshot),
            untouched,
            last_touch_at + cadence > snapshot,
            (touches >= params["max_attempts"]) & ~has_responded,
        ],
        ["closed", "new", "never_touched", "active", "exhausted"],
        "stale",
    )


def aging_bucket(age_days: pd.Series, edges: list[int]) -> pd.Series:
    labels = [f"{0 if i == 0 else edges[i - 1] + 1}-{edge}d" for i, edge in enumerate(edges)] + [f"{edges[-1]}d+"]
    return pd.Series(np.array(labels)[np.searchsorted(edges, age_days.to_numpy(), side="left")], index=age_days.index)


def _touch_counts(touches: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    counts = (
        touches.assign(calls=touches["channel"] == "call", emails=touches["channel"] == "email")
        .groupby("lead_id")
        .agg(
            touches=("touched_at", "size"),
            calls=("calls", "sum"),
            connects=("is_connect", "sum"),
            emails=("emails", "sum"),
            first_touch_at=("touched_at", "min"),
            last_touch_at=("touched_at", "max"),
        )
    )
    answered = responses.groupby("lead_id").agg(responses=("is_reply", "size"), replies=("is_reply", "sum"))
    return counts.join(answered, how="outer")


def _next_steps(tasks: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Tasks not completed by T (and created by then), due on their activity date."""
    today = as_of.normalize()
    steps = tasks[
        ~tasks["deleted"]
        & (tasks["created_at"] <= as_of)
        & tasks["due_on"].notna()
        & (~tasks["is_completed"] | (tasks["touched_at"] > as_of))
    ]
    return pd.DataFrame(
        {
            "next_step_due_on": steps[steps["due_on"] >= today].groupby("lead_id")["due_on"].min(),
            "overdue_next_steps": steps[steps["due_on"] < today].groupby("lead_id").size(),
        }
    )


def _lead_facts(staged, spells, touches, responses, as_of: pd.Timestamp) -> pd.DataFrame:
    """Each lead with its status at T (the latest spell started by then), touch and response counts, next steps."""
    status = spells[spells["valid_from"] <= as_of].sort_values("spell_number").drop_duplicates("lead_id", keep="last")
    frame = (
        staged["leads"]
        .merge(status[["lead_id", "status_category", "is_closed", "closed_since"]], on="lead_id", how="left")
        .merge(_touch_counts(touches, responses), left_on="lead_id", right_index=True, how="left")
        .merge(_next_steps(staged["tasks"], as_of), left_on="lead_id", right_index=True, how="left")
    )
    for column in ("touches", "calls", "connects", "emails", "replies", "responses", "overdue_next_steps"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["is_closed"] = frame["is_closed"].fillna(False).astype(bool)
    frame["status_category"] = frame["status_category"].fillna("open")
    frame["has_responded"] = frame["responses"] > 0
    return frame


def lead_aging(staged, spells, touches, responses, as_of: pd.Timestamp, params: dict) -> pd.DataFrame:
    frame = _lead_facts(staged, spells, touches, responses, as_of)
    at_t = pd.Series(as_of, index=frame.index)
    frame["age_days"] = floor_days(frame["created_at"], frame["closed_since"].where(frame["is_closed"], at_t))
    frame["follow_up_state"] = follow_up_state(
        frame["is_closed"],
        frame["touches"],
        frame["last_touch_at"],
        frame["created_at"],
        frame["has_responded"],
        as_of,
        params,
    )
    return pd.DataFrame(
        {
            "lead_id": frame["lead_id"],
            "lead_name": frame["lead_name"],
            "company": frame["company"],
            "lead_source": frame["lead_source"],
            "owner_id": frame["owner_id"],
            "owner_name": frame["owner_name"],
            "team": frame["team"],
            "created_at": frame["created_at"],
            "status_category": frame["status_category"],
            "is_open": ~frame["is_closed"],
            "closed_at": frame["closed_since"].where(frame["is_closed"]),
            "age_days": frame["age_days"],
            "aging_bucket": aging_bucket(frame["age_days"], params["aging_bucket_edges"]),
            "touches": frame["touches"],
            "calls": frame["calls"],
            "connects": frame["connects"],
            "emails": frame["emails"],
            "replies": frame["replies"],
            "follow_ups": (frame["touches"] - 1).clip(lower=0),
            "first_touch_at": frame["first_touch_at"],
            "last_touch_at": frame["last_touch_at"],
            "hours_to_first_touch": milliseconds(frame["created_at"], frame["first_touch_at"]) / 3_600_000,
            "days_since_last_touch": floor_days(frame["last_touch_at"], at_t),
            "has_responded": frame["has_responded"],
            "next_step_due_on": frame["next_step_due_on"],
            "overdue_next_steps": frame["overdue_next_steps"],
            "follow_up_state": frame["follow_up_state"],
            "is_neglected": pd.Series(frame["follow_up_state"]).isin(["never_touched", "stale"]).to_numpy(),
        }
    )


def snapshot_day(when: pd.Series) -> pd.Series:
    """The day D of the first daily snapshot s = D + 1 day (00:00 UTC) at or after `when`."""
    return (when - MICROSECOND).dt.normalize()


def state_runs(leads, spells, touches, responses, last_day: pd.Timestamp, params: dict) -> pd.DataFrame:
    """Each lead's follow-up state over days as runs [day, next_day). The state can only change on the day an
    instant is first seen at a snapshot: a touch (and its cadence lapsing), the SLA expiring, the first response, a
    status spell starting; instants before the lead's first day count from that day."""
    counted = leads.assign(first_day=leads["created_at"].dt.normalize())
    counted = counted[counted["first_day"] <= last_day]
    cadence = pd.Timedelta(days=params["cadence_days"])
    first_response = responses.groupby("lead_id", as_index=False)["responded_at"].min()
    instants = pd.concat(
        [
            pd.DataFrame(
                {
                    "lead_id": touches["lead_id"],
                    "day": snapshot_day(touches["touched_at"]),
                    "touches": 1,
                    "touched_at": touches["touched_at"],
                }
            ),
            pd.DataFrame({"lead_id": touches["lead_id"], "day": snapshot_day(touches["touched_at"] + cadence)}),
            pd.DataFrame(
                {
                    "lead_id": counted["lead_id"],
                    "day": snapshot_day(counted["created_at"] + pd.Timedelta(hours=params["first_touch_sla_hours"])),
                }
            ),
            pd.DataFrame(
                {
                    "lead_id": first_response["lead_id"],
                    "day": snapshot_day(first_response["responded_at"]),
                    "responded": True,
                }
            ),
            pd.DataFrame(
                {
                    "lead_id": spells["lead_id"],
                    "day": snapshot_day(spells["valid_from"]),
                    "spell_number": spells["spell_number"],
                    "is_closed": spells["is_closed"],
                }
            ),
        ],
        ignore_index=True,
    )
    instants = instants.merge(counted[["lead_id", "owner_id", "created_at", "first_day"]], on="lead_id")
    instants["day"] = instants["day"].where(instants["day"] > instants["first_day"], instants["first_day"])
    instants = instants[instants["day"] <= last_day].sort_values(["lead_id", "day", "spell_number"])
    days = instants.groupby(["lead_id", "day"], as_index=False).agg(
        owner_id=("owner_id", "first"),
        created_at=("created_at", "first"),
        touches=("touches", "sum"),
        last_touched_at=("touched_at", "max"),
        is_closed=("is_closed", "last"),
        responded=("responded", "any"),
    )
    by_lead = days.groupby("lead_id")
    last_touch_at = days["last_touched_at"].groupby(days["lead_id"]).cummax().groupby(days["lead_id"]).ffill()
    days["state"] = follow_up_state(
        by_lead["is_closed"].ffill().astype(bool).to_numpy(),
        by_lead["touches"].cumsum().to_numpy(),
        last_touch_at,
        days["created_at"],
        by_lead["responded"].cummax().astype(bool).to_numpy(),
        days["day"] + DAY,
        params,
    )
    days["next_day"] = by_lead["day"].shift(-1).fillna(last_day + DAY)
    return days[["lead_id", "owner_id", "day", "next_day", "state"]]


def follow_up_coverage_daily(runs: pd.DataFrame, users: pd.DataFrame, last_day: pd.Timestamp) -> pd.DataFrame:
    """Per (day, owner) the leads in each state: a run adds its lead from its first day and removes it on the day
    after its last, so the counts are running sums over each owner's days."""
    starts = runs[["owner_id", "day", "state"]].assign(delta=1)
    ends = runs.loc[runs["next_day"] <= last_day, ["owner_id", "next_day", "state"]].rename(columns={"next_day": "day"})
    changes = pd.concat([starts, ends.assign(delta=-1)], ignore_index=True)
    states = ["new", "never_touched", "active", "stale", "exhausted"]
    per_day = changes.pivot_table(
        index=["owner_id", "day"], columns="state", values="delta", aggfunc="sum", fill_value=0
    )
    per_day = per_day.reindex(columns=states, fill_value=0)
    first_days = runs.groupby("owner_id")["day"].min()
    grid = pd.MultiIndex.from_tuples(
        [(owner, day) for owner, first in first_days.items() for day in pd.date_range(first, last_day, freq="D")],
        names=["owner_id", "day"],
    )
    counts = per_day.reindex(grid, fill_value=0).groupby(level="owner_id").cumsum().reset_index()
    due = counts["never_touched"] + counts["active"] + counts["stale"]
    owners = users.set_index("user_id")
    return pd.DataFrame(
        {
            "day": counts["day"],
            "owner_id": counts["owner_id"],
            "owner_name": counts["owner_id"].map(owners["user_name"]),
            "team": counts["owner_id"].map(owners["team"]),
            "open_leads": counts[states].sum(axis=1),
            "due_leads": due,
            "covered_leads": counts["active"],
            "never_touched_leads": counts["never_touched"],
            "stale_leads": counts["stale"],
            "exhausted_leads": counts["exhausted"],
            "new_leads": counts["new"],
            "follow_up_coverage": (counts["active"] / due).where(due > 0),
        }
    )


def parameters() -> dict:
    """The metric parameters, from where the pipeline configures them (dbt_project.yml vars)."""
    return yaml.safe_load((ROOT / "dbt_project" / "dbt_project.yml").read_text())["vars"]


def marts(frames: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    params = parameters()
    staged = stage(frames, as_of)
    spells = status_spells(frames["history"], staged["leads"], frames["status_mapping"])
    touches, responses = touches_and_responses(staged, frames["dispositions"], as_of, params)
    last_day = as_of.normalize() - DAY
    runs = state_runs(staged["leads"], spells, touches, responses, last_day, params)
    return (
        lead_aging(staged, spells, touches, responses, as_of, params),
        follow_up_coverage_daily(runs, staged["users"], last_day),
    )
