"""The segments page's data: marts.lead_segment_profile's rows (neglect rate by segment with its Wilson interval
and its signal against the `all` row), filtered by dimension and signal and sorted on the server."""

from dataclasses import dataclass

import duckdb
from starlette.datastructures import QueryParams

from orchestration.dashboard.page_query import PageQuery, Sort, Sorting, parse_page_query
from orchestration.dashboard.tables import Column, Table

TABLE = "lead_segment_profile"
# The dimensions in the order METRICS.md lists them, as a reader names them.
DIMENSIONS = {
    "industry": "Industry", "employee_band": "Employees", "revenue_band": "Annual revenue", "country": "Country",
    "lead_source": "Lead source", "seniority": "Seniority", "job_function": "Job function",
    "is_decision_maker": "Decision maker", "icp_fit": "ICP fit",
}
SIGNALS = ("over", "under", "inconclusive")
COLUMNS = (
    Column("dimension", "Dimension"), Column("segment", "Segment"), Column("open_leads", "Open leads"),
    Column("neglected_leads", "Neglected leads"), Column("neglect_rate", "Neglect rate"),
    Column("neglect_rate_ci_low", "Neglect rate, 95% low"), Column("neglect_rate_ci_high", "Neglect rate, 95% high"),
    Column("neglect_rate_vs_all_pp", "Vs all leads (points)"), Column("neglect_signal", "Signal"),
    Column("is_reportable", "Reportable"), Column("share_of_all_neglected", "Share of all neglected"),
    Column("leads", "Leads"), Column("dispositioned_leads", "Dispositioned leads"),
    Column("disposition_rate", "Disposition rate"), Column("converted_leads", "Converted leads"),
    Column("conversion_rate", "Conversion rate"), Column("mean_touches_dispositioned", "Mean touches, dispositioned"),
    Column("mean_touches_neglected", "Mean touches, neglected"),
)
_DIMENSION_ORDER = "case dimension " + " ".join(
    f"when '{name}' then {i}" for i, name in enumerate(DIMENSIONS)
) + f" else {len(DIMENSIONS)} end"
_RATES = ("neglect_rate", "neglect_rate_vs_all_pp", "share_of_all_neglected", "disposition_rate", "conversion_rate",
          "mean_touches_dispositioned", "mean_touches_neglected")
SORTING = Sorting(
    what="the segments",
    sorts=(
        Sort("dimension", _DIMENSION_ORDER), Sort("segment", "segment"), Sort("neglect_signal", "neglect_signal"),
        *(Sort(key, key) for key in ("open_leads", "neglected_leads", "leads", "dispositioned_leads")),
        *(Sort(key, key, ranked=True) for key in _RATES),
    ),
    default="dimension", default_order="asc",
    then=f"{_DIMENSION_ORDER}, not is_reportable, neglect_rate desc nulls last, segment",
)


@dataclass(frozen=True)
class Segments:
    reference: dict | None  # the `all` row: every lead at the as-of time
    rows: list[dict]  # the other rows, in the view's order
    min_cell_n: int  # the open leads a segment needs to be reportable


def parse(params: QueryParams) -> PageQuery:
    return parse_page_query(params, ("dimension", "signal"), SORTING,
                            choices={"dimension": tuple(DIMENSIONS), "signal": SIGNALS})


def read_segments(con: duckdb.DuckDBPyConnection, view: PageQuery) -> Segments:
    """The `all` row, and the segments of the view's dimension and signal (every dimension and signal when not
    chosen). The reportable segments come before the others when sorted by a rate: unreportable cells are
    shown, not ranked (METRICS.md)."""
    names = [column.key for column in COLUMNS]
    cursor = con.execute(
        f"select {', '.join(names)} from marts.{TABLE} where dimension <> 'all' "
        "and ($dimension is null or dimension = $dimension) and ($signal is null or neglect_signal = $signal) "
        f"order by {view.order_by(dict.fromkeys(_RATES, 'not is_reportable'))}",
        {"dimension": view["dimension"], "signal": view["signal"]},
    )
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    reference = con.execute(f"select {', '.join(names)} from marts.{TABLE} where dimension = 'all'").fetchone()
    [(min_cell_n,)] = con.execute("select max(min_cell_n) from marts.metric_parameters").fetchall()
    return Segments(dict(zip(names, reference, strict=True)) if reference else None, rows, min_cell_n)


def segments_table(segments: Segments) -> Table:
    """The rows as the CSV file holds them: the `all` row first, then the view's rows in its order."""
    rows = [segments.reference, *segments.rows] if segments.reference else segments.rows
    return Table(COLUMNS, [tuple(row[column.key] for column in COLUMNS) for row in rows])
