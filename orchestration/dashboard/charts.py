"""Plotly figures for the dashboard, serialized to the JSON that plotly.js draws in the browser."""

import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from orchestration.dashboard.marts import AgingDistribution, Series
from orchestration.dashboard.monitoring import Incident, Scope

COVERAGE_COLOR = "#2563eb"
THRESHOLD_COLOR = "#dc2626"
FIRING_COLOR = "#dc2626"
RESOLVED_COLOR = "#f59e0b"
# Young to old: green through amber to red.
BUCKET_COLORS = ("#15803d", "#65a30d", "#ca8a04", "#ea580c", "#dc2626", "#7f1d1d")
PANEL_HEIGHT = 210
HALF_DAY = timedelta(hours=12)


def coverage_figure(
    series: Sequence[Series],
    thresholds: dict[Scope, tuple[list[date], list[float | None]]],
    incidents: Sequence[Incident],
    *,
    columns: int,
) -> str:
    """One panel per scope: its daily coverage, its alert threshold (dashed) and its incidents (shaded)."""
    columns = max(1, min(columns, len(series)))
    rows = max(1, math.ceil(len(series) / columns))
    figure = make_subplots(
        rows=rows, cols=columns, subplot_titles=[s.label for s in series] or None, shared_xaxes="all",
        shared_yaxes="all", vertical_spacing=min(0.3, 0.5 / rows), horizontal_spacing=0.04,
    )
    panels = {_scope(s): i for i, s in enumerate(series)}  # make_subplots numbers the panels row by row
    cells = {scope: {"row": i // columns + 1, "col": i % columns + 1} for scope, i in panels.items()}
    traces = [_coverage_trace(one) for one in series]
    traces += [_threshold_trace(one, *thresholds[_scope(one)]) for one in series if _scope(one) in thresholds]
    if traces:  # all at once: much faster than one by one
        where = [cells[tuple(trace.meta[1:])] for trace in traces]
        figure.add_traces(traces, rows=[cell["row"] for cell in where], cols=[cell["col"] for cell in where])
    days = [day for s in series for day in s.days]
    shades = [
        _shade(incident, (min(days), max(days)), panels[(incident.scope_type, incident.scope)])
        for incident in incidents if (incident.scope_type, incident.scope) in panels and days
    ]
    shades = [shade for shade in shades if shade]
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%")
    figure.update_layout(  # no template: plotly.js's own defaults draw noticeably faster
        height=rows * PANEL_HEIGHT + 60, showlegend=False, margin={"l": 50, "r": 20, "t": 40, "b": 30},
        hovermode="x unified", template="none", shapes=[shape for shape, _ in shades],
        annotations=[*figure.layout.annotations, *(note for _, note in shades)],
    )
    return figure.to_json()


def aging_figure(distribution: AgingDistribution) -> str:
    """Open leads per rep, stacked by aging bucket from youngest (bottom) to oldest."""
    figure = go.Figure(
        [
            go.Bar(x=distribution.reps, y=distribution.counts[bucket], name=bucket, marker_color=_bucket_color(i))
            for i, bucket in enumerate(distribution.buckets)
        ]
    )
    figure.update_layout(
        barmode="stack", height=360, margin={"l": 50, "r": 20, "t": 20, "b": 60}, template="none",
        yaxis_title="open leads", legend_title_text="age", legend_traceorder="normal",
    )
    return figure.to_json()


def _coverage_trace(series: Series) -> go.Scatter:
    return go.Scatter(
        x=series.days, y=series.coverage, name=series.label, mode="lines", line={"color": COVERAGE_COLOR},
        meta=["coverage", series.scope_type, series.scope], hovertemplate="coverage %{y:.0%}<extra></extra>",
    )


def _threshold_trace(series: Series, days: list[date], lows: list[float | None]) -> go.Scatter:
    return go.Scatter(
        x=days, y=lows, name=f"{series.label}: alert threshold", mode="lines",
        line={"color": THRESHOLD_COLOR, "dash": "dash", "width": 1.5},
        meta=["threshold", series.scope_type, series.scope], hovertemplate="threshold %{y:.0%}<extra></extra>",
    )


def _shade(incident: Incident, shown: tuple[date, date], panel: int) -> tuple[dict, dict] | None:
    """The incident's days on its panel, from opened_on to resolved_on (to the last day while firing), half a day
    each side, within the days shown, with its status written at the top left; None when wholly outside them.
    Plain layout shapes: add_vrect would look up the panel's axes again for every incident."""
    first_day, last_day = shown
    end = incident.resolved_on if incident.resolved_on and not incident.firing else last_day
    start, end = max(incident.opened_on, first_day), min(end, last_day)
    if start > end:
        return None
    color = FIRING_COLOR if incident.firing else RESOLVED_COLOR
    x, y = ("x", "y") if panel == 0 else (f"x{panel + 1}", f"y{panel + 1}")
    x0 = _at_midnight(start) - HALF_DAY
    shape = {
        "type": "rect", "xref": x, "yref": f"{y} domain", "x0": x0, "x1": _at_midnight(end) + HALF_DAY, "y0": 0,
        "y1": 1, "fillcolor": color, "opacity": 0.15, "line": {"width": 0}, "layer": "below",
        "name": incident.incident_id,
    }
    note = {
        "text": incident.status, "xref": x, "yref": f"{y} domain", "x": x0, "y": 1, "xanchor": "left",
        "yanchor": "top", "showarrow": False, "font": {"color": color},
    }
    return shape, note


def _scope(series: Series) -> Scope:
    return series.scope_type, series.scope


def _at_midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _bucket_color(index: int) -> str:
    return BUCKET_COLORS[index % len(BUCKET_COLORS)]
