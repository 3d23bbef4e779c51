"""`radar dashboard`: a small web dashboard over the published marts (the serving DuckDB file), read-only.

Plain Python, no Dagster: `marts` and `monitoring` read the serving file, `charts` builds the Plotly figures,
`page` renders the HTML, `app` serves it with Starlette.
"""

from orchestration.dashboard.app import create_app, serve

__all__ = ["create_app", "serve"]
