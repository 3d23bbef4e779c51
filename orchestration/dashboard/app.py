"""The dashboard's web app (Starlette): one server-rendered page and the plotly.js that ships with plotly.

Every page load opens the serving file read-only and closes it before answering, so a publish (which renames a
new file into place) is seen on the next load and never waits for the dashboard.
"""

import logging
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import plotly
from plotly.offline import get_plotlyjs_version
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from orchestration.alerting.runbooks import runbook_for
from orchestration.dashboard import page
from orchestration.dashboard.marts import NEGLECTED_STATES, ServingFileMissing, open_serving
from orchestration.dashboard.runbook_page import render_runbook

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_JS_URL = f"static/plotly-{get_plotlyjs_version()}.min.js"
NO_STORE = {"cache-control": "no-store"}  # each load shows the latest publish
logger = logging.getLogger(__name__)


class BadFilter(ValueError):
    pass


def create_app(serving_db: Path) -> Starlette:
    """The dashboard over the serving file at `serving_db` (which may not exist yet)."""
    serving_db = Path(serving_db)

    def dashboard(request: Request) -> Response:
        try:
            filters = parse_filters(request.query_params)
        except BadFilter as error:
            link = _without_state(request.query_params)
            return _html(page.render_message("Unknown filter value", str(error), link=link), 400)
        try:
            with open_serving(serving_db) as con:
                view = page.read_view(con, filters)
        except ServingFileMissing:
            return _html(page.missing_serving_file(serving_db), 503)
        except duckdb.Error as error:
            logger.error("could not read the serving file %s: %s", serving_db, error)
            message = f"The serving file {serving_db} could not be read: {error}"
            return _html(page.render_message("Cannot read the published marts", message), 500)
        return _html(page.render_dashboard(view, PLOTLY_JS_URL), 200)

    def plotly_js(request: Request) -> Response:
        return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"cache-control": "max-age=86400"})

    return Starlette(
        routes=[
            Route("/", dashboard, methods=["GET"]), Route(f"/{PLOTLY_JS_URL}", plotly_js, methods=["GET"]),
            Route("/runbooks/{measure}", runbook, methods=["GET"]),
        ]
    )


def runbook(request: Request) -> Response:
    """The runbook of a measure, as linked from its alerts."""
    measure = request.path_params["measure"]
    found = runbook_for(measure)
    if found is None:
        message = f'No runbook for "{measure}": it is not a tracked measure (expectations/measures.yml).'
        return _html(page.render_message("Unknown measure", message, link="/"), 404)
    return _html(render_runbook(found), 200)


def parse_filters(params: QueryParams) -> page.Filters:
    """`rep` (an owner_id) and `state` (a neglected follow-up state); empty means no filter."""
    rep = params.get("rep", "").strip() or None
    state = params.get("state", "").strip() or None
    if state is not None and state not in NEGLECTED_STATES:
        raise BadFilter(
            f'"{state}" is not a follow-up state of neglected leads: choose one of {", ".join(NEGLECTED_STATES)}.'
        )
    return page.Filters(rep=rep, state=state)


def serve(serving_db: Path, host: str = "127.0.0.1", port: int = 8501, *, log_level: str = "info") -> None:
    import uvicorn

    uvicorn.run(create_app(serving_db), host=host, port=port, log_level=log_level, server_header=False)


def _without_state(params: QueryParams) -> str:
    """A link to the same page without the state filter (keeping the rep)."""
    kept = [(key, value) for key, value in params.multi_items() if key != "state"]
    return f"?{urlencode(kept)}#neglected" if kept else "."


def _html(body: str, status: int) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=NO_STORE)
