"""The segments page's chart: each segment's neglect rate with its Wilson interval, coloured by its signal (grey
when not reportable), beside the `all` row's rate. Plain figure JSON, as the coverage charts are written."""

from plotly.io.json import to_json_plotly

from orchestration.dashboard.formats import label
from orchestration.dashboard.segments import DIMENSIONS, Segments

# (legend name, colour) of each kind of cell.
KINDS = {
    "over": ("over: more neglected than all leads", "#dc2626"),
    "under": ("under: less neglected", "#15803d"),
    "inconclusive": ("inconclusive", "#2563eb"),
    "unreportable": ("not reportable (too few open leads)", "#9ca3af"),
}
REFERENCE_COLOR = "#111827"
ROW_HEIGHT = 22


def segment_figure(segments: Segments) -> str:
    """One dot per segment with a rate, grouped by dimension (in the table's order within each)."""
    dimensions = list(DIMENSIONS)
    rows = sorted(
        (row for row in segments.rows if row["neglect_rate"] is not None),
        key=lambda row: dimensions.index(row["dimension"]) if row["dimension"] in DIMENSIONS else len(dimensions),
    )
    labels = [_label(row) for row in rows]
    traces = [_trace(kind, [row for row in rows if _kind(row) == kind]) for kind in KINDS]
    layout = {  # no template: plotly.js's own defaults draw noticeably faster
        "height": 90 + ROW_HEIGHT * max(len(rows), 3), "margin": {"l": 10, "r": 20, "t": 40, "b": 40},
        "xaxis": {"range": [0, 1], "tickformat": ".0%", "title": {"text": "neglect rate of open leads"}},
        "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": labels,
                  "range": [len(labels) - 0.5, -0.5], "automargin": True},
        "legend": {"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom", "xanchor": "left"}, "hovermode": "closest",
        "shapes": [], "annotations": [],
    }
    reference = segments.reference and segments.reference["neglect_rate"]
    if reference is not None:
        layout["shapes"].append({
            "type": "line", "xref": "x", "yref": "paper", "x0": reference, "x1": reference, "y0": 0, "y1": 1,
            "line": {"color": REFERENCE_COLOR, "dash": "dash", "width": 1.5},
        })
        layout["annotations"].append({
            "text": f"all leads {reference:.0%}", "xref": "x", "yref": "paper", "x": reference, "y": 1,
            "yanchor": "bottom", "xanchor": "left", "showarrow": False, "font": {"color": REFERENCE_COLOR},
        })
    return to_json_plotly({"data": [trace for trace in traces if trace["x"]], "layout": layout})


def _trace(kind: str, rows: list[dict]) -> dict:
    name, color = KINDS[kind]
    rates = [row["neglect_rate"] for row in rows]
    return {
        "type": "scatter", "mode": "markers", "name": name, "meta": [kind], "x": rates,
        "y": [_label(row) for row in rows], "marker": {"color": color, "size": 9},
        "error_x": {
            "type": "data", "symmetric": False, "color": color, "thickness": 1.5, "width": 3,
            "array": [row["neglect_rate_ci_high"] - rate for row, rate in zip(rows, rates, strict=True)],
            "arrayminus": [rate - row["neglect_rate_ci_low"] for row, rate in zip(rows, rates, strict=True)],
        },
        "customdata": [[row["neglected_leads"], row["open_leads"]] for row in rows],
        "hovertemplate": "%{y}: %{x:.0%} neglected (%{customdata[0]} of %{customdata[1]} open leads)<extra></extra>",
    }


def _kind(row: dict) -> str:
    return row["neglect_signal"] if row["is_reportable"] else "unreportable"


def _label(row: dict) -> str:
    return f"{DIMENSIONS.get(row['dimension'], row['dimension'])} · {label(row['segment'])}"
