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
    cells = {_scope(s): {"row": i // columns + 1, "col": i % columns + 1} for i, s in enumerate(series)}
    traces = [_coverage_trace(one) for one in series]
    traces += [_threshold_trace(one, *thresholds[_scope(one)]) for one in series if _scope(one) in thresholds]
    if traces:  # all at once: much faster than one by one
        where = [cells[tuple(trace.meta[1:])] for trace in traces]
        figure.add_traces(traces, rows=[cell["row"] for cell in where], cols=[cell["col"] for cell in where])
    last_day = max((day for s in series for day in s.days), default=None)
    for incident in incidents:  # after the traces: plotly leaves shapes off panels that have none
        if (incident.scope_type, incident.scope) in cells:
            _shade(figure, incident, last_day, cells[(incident.scope_type, incident.scope)])
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%")
    figure.update_layout(
        height=rows * PANEL_HEIGHT + 60, showlegend=False, margin={"l": 50, "r": 20, "t": 40, "b": 30},
        hovermode="x unified", template="plotly_white",
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
        barmode="stack", height=360, margin={"l": 50, "r": 20, "t": 20, "b": 60}, template="plotly_white",
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


def _shade(figure: go.Figure, incident: Incident, last_day: date | None, cell: dict) -> None:
    """The incident's days, from opened_on to resolved_on (to the last day while firing), half a day each side."""
    end = incident.resolved_on if incident.resolved_on and not incident.firing else last_day or incident.opened_on
    color = FIRING_COLOR if incident.firing else RESOLVED_COLOR
    figure.add_vrect(
        x0=_at_midnight(incident.opened_on) - HALF_DAY, x1=_at_midnight(end) + HALF_DAY, fillcolor=color,
        opacity=0.15, line_width=0, layer="below", annotation_text=incident.status,
        annotation_position="top left", annotation_font_color=color, name=incident.incident_id, **cell,
    )


def _scope(series: Series) -> Scope:
    return series.scope_type, series.scope


def _at_midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _bucket_color(index: int) -> str:
    return BUCKET_COLORS[index % len(BUCKET_COLORS)]
