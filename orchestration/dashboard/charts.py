"""Plotly figures for the dashboard, serialized to the JSON that plotly.js draws in the browser."""

import math
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import plotly.graph_objects as go
from plotly.io.json import to_json_plotly

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
    """One panel per scope: its daily coverage, its alert threshold (dashed) and its incidents (shaded).

    Written as plain figure JSON, laid out as make_subplots lays out a grid with shared axes: plotly's figure
    objects validate every property and took most of the page's server time."""
    columns = max(1, min(columns, len(series)))
    rows = max(1, math.ceil(len(series) / columns))
    panels = {_scope(s): i for i, s in enumerate(series)}  # row by row, as make_subplots numbers them
    axes, titles = _grid(rows, columns, [s.label for s in series])
    traces = [_coverage_trace(one, panels[_scope(one)]) for one in series]
    traces += [
        _threshold_trace(one, *thresholds[_scope(one)], panels[_scope(one)]) for one in series
        if _scope(one) in thresholds
    ]
    days = [day for s in series for day in s.days]
    shades = [
        _shade(incident, (min(days), max(days)), panels[(incident.scope_type, incident.scope)])
        for incident in incidents if (incident.scope_type, incident.scope) in panels and days
    ]
    shades = [shade for shade in shades if shade]
    layout = {  # no template: plotly.js's own defaults draw noticeably faster
        **axes, "height": rows * PANEL_HEIGHT + 60, "showlegend": False,
        "margin": {"l": 50, "r": 20, "t": 40, "b": 30}, "hovermode": "x unified",
        "shapes": [shape for shape, _ in shades], "annotations": [*titles, *(note for _, note in shades)],
    }
    return to_json_plotly({"data": traces, "layout": layout})


def _grid(rows: int, columns: int, titles: list[str]) -> tuple[dict, list[dict]]:
    """The axes of a rows x columns grid of panels sharing one x and one y range (tick labels on the bottom row
    and the first column only), and the panels' titles above them."""
    across, down = 0.04, min(0.3, 0.5 / rows)
    width, height = (1 - across * (columns - 1)) / columns, (1 - down * (rows - 1)) / rows
    shared = _axis_ids((rows - 1) * columns)  # the bottom left panel's axes, as make_subplots shares them
    axes, notes = {}, []
    for panel in range(rows * columns):
        row, column = divmod(panel, columns)
        x, y = _axis_ids(panel)
        left, top = column * (width + across), 1 - row * (height + down)
        xaxis = {"anchor": y, "domain": [left, left + width]}
        yaxis = {"anchor": x, "domain": [top - height, top], "range": [0, 1.05], "tickformat": ".0%"}
        if (x, y) != shared:
            xaxis["matches"], yaxis["matches"] = shared
        if row < rows - 1:
            xaxis["showticklabels"] = False
        if column > 0:
            yaxis["showticklabels"] = False
        axes[x.replace("x", "xaxis")], axes[y.replace("y", "yaxis")] = xaxis, yaxis
        if panel < len(titles):
            notes.append({"text": titles[panel], "x": left + width / 2, "y": top, "xref": "paper", "yref": "paper",
                          "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}})
    return axes, notes


def _axis_ids(panel: int) -> tuple[str, str]:
    return ("x", "y") if panel == 0 else (f"x{panel + 1}", f"y{panel + 1}")


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


def _coverage_trace(series: Series, panel: int) -> dict:
    x, y = _axis_ids(panel)
    return {
        "type": "scatter", "x": series.days, "y": series.coverage, "name": series.label, "mode": "lines",
        "line": {"color": COVERAGE_COLOR}, "meta": ["coverage", series.scope_type, series.scope],
        "hovertemplate": "coverage %{y:.0%}<extra></extra>", "xaxis": x, "yaxis": y,
    }


def _threshold_trace(series: Series, days: list[date], lows: list[float | None], panel: int) -> dict:
    x, y = _axis_ids(panel)
    return {
        "type": "scatter", "x": days, "y": lows, "name": f"{series.label}: alert threshold", "mode": "lines",
        "line": {"color": THRESHOLD_COLOR, "dash": "dash", "width": 1.5},
        "meta": ["threshold", series.scope_type, series.scope], "hovertemplate": "threshold %{y:.0%}<extra></extra>",
        "xaxis": x, "yaxis": y,
    }


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
    x, y = _axis_ids(panel)
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
