"""`radar dashboard`: a small web dashboard over the published marts (the serving DuckDB file), read-only.

Plain Python, no Dagster. `pages` lists the pages (the overview, the scorecard, the segments, the call list):
`marts`, `leads`, `tiles` and `monitoring` read the overview's marts, `scorecard`, `segments` and `call_list` the
others' (selecting columns of the marts; the scorecard's usual is the one figure computed here), `filters` and
`page_query` parse the query string every view is, `charts` and `segment_chart` build the Plotly figures, `page`
renders the HTML, `tables` and `exports` write the CSV files, `app` serves it all with Starlette.
"""

from orchestration.dashboard.app import create_app, serve

__all__ = ["create_app", "serve"]
