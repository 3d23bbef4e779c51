"""`radar dashboard`: a small web dashboard over the published marts (the serving DuckDB file), read-only.

Plain Python, no Dagster: `marts`, `leads`, `tiles` and `monitoring` read the serving file (selecting columns of
the marts, never computing figures of their own), `filters` parses the query string every view is, `charts`
builds the Plotly figures, `page` renders the HTML, `tables` and `exports` write the CSV files, `app` serves it
all with Starlette.
"""

from orchestration.dashboard.app import create_app, serve

__all__ = ["create_app", "serve"]
