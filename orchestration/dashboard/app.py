"""The dashboard's web app (Starlette): its server-rendered pages (`pages.PAGES`: the overview, the scorecard,
the segments and the call list), a CSV file of each of their tables, and the plotly.js that ships with plotly.

Every request opens the serving file read-only and closes it before answering, so a publish (which renames a
new file into place) is seen on the next load and never waits for the dashboard.
"""

import logging
from collections.abc import Callable
from pathlib import Path

import duckdb
import plotly
from plotly.offline import get_plotlyjs_version
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

from orchestration.alerting.runbooks import runbook_for
from orchestration.dashboard import page
from orchestration.dashboard.filters import BadFilter, UnknownFilter, without
from orchestration.dashboard.marts import MartMissing, ServingFileMissing, open_serving
from orchestration.dashboard.pages import PAGES, Page, Site
from orchestration.dashboard.runbook_page import render_runbook

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_JS_URL = f"static/plotly-{get_plotlyjs_version()}.min.js"
NO_STORE = {"cache-control": "no-store"}  # each load shows the latest publish
logger = logging.getLogger(__name__)


def create_app(serving_db: Path, *, crm_base_url: str | None = None) -> Starlette:
    """The dashboard over the serving file at `serving_db` (which may not exist yet); leads link to their CRM
    record under `crm_base_url` (e.g. https://acme.my.salesforce.com) when it is given."""
    serving_db = Path(serving_db)
    site = Site(_checked_base_url(crm_base_url), PLOTLY_JS_URL)

    def html_route(shown: Page) -> Route:
        def handler(request: Request) -> Response:
            return _answer(serving_db, request, shown, lambda con, query: _html(shown.render(con, query, site), 200))

        return Route(shown.path, handler, methods=["GET"])

    def csv_route(shown: Page, name: str) -> Route:
        def handler(request: Request) -> Response:
            def render(con: duckdb.DuckDBPyConnection, query: object) -> Response:
                body = shown.exports[name](con, query, site).to_csv()
                disposition = f'attachment; filename="{name}.csv"'
                return Response(body, media_type="text/csv; charset=utf-8",
                                headers={**NO_STORE, "content-disposition": disposition})

            return _answer(serving_db, request, shown, render)

        return Route(f"/{name}.csv", handler, methods=["GET"])

    def plotly_js(request: Request) -> Response:
        return FileResponse(PLOTLY_JS, media_type="text/javascript", headers={"cache-control": "max-age=86400"})

    return Starlette(routes=[
        *(html_route(shown) for shown in PAGES),
        *(csv_route(shown, name) for shown in PAGES for name in shown.exports),
        Route("/{table:str}.csv", no_such_csv, methods=["GET"]),
        Route(f"/{PLOTLY_JS_URL}", plotly_js, methods=["GET"]),
        Route("/runbooks/{measure}", runbook, methods=["GET"]),
    ])


def no_such_csv(request: Request) -> Response:
    return _html(page.render_message("Not found", f"There is no {request.url.path} to download."), 404)


def runbook(request: Request) -> Response:
    """The runbook of a measure, as linked from its alerts."""
    measure = request.path_params["measure"]
    found = runbook_for(measure)
    if found is None:
        message = f'No runbook for "{measure}": it is not a tracked measure (expectations/measures.yml).'
        return _html(page.render_message("Unknown measure", message, link="/"), 404)
    return _html(render_runbook(found), 200)


def serve(serving_db: Path, host: str = "127.0.0.1", port: int = 8501, *, log_level: str = "info") -> None:
    import uvicorn

    from orchestration import settings

    app = create_app(serving_db, crm_base_url=settings.salesforce_base_url())
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)


def _answer(serving_db: Path, request: Request, shown: Page, render: Callable[..., Response]) -> Response:
    """The response `render` gives on the open serving file and the page's query, or the page that says why
    there is none."""
    try:
        query = shown.parse(request.query_params)
        with open_serving(serving_db) as con:
            return render(con, query)
    except BadFilter as error:
        link = without(request.query_params, error.parameter)
        return _html(page.render_message("Cannot apply this filter", str(error), link=link), 400)
    except UnknownFilter as unknown:
        return _html(page.render_message(unknown.title, unknown.message, link=f"{shown.path}?{unknown.back}"), 404)
    except MartMissing as missing:
        return _html(page.render_message("Not published", str(missing), link=shown.path), 404)
    except ServingFileMissing:
        return _html(page.missing_serving_file(serving_db), 503)
    except duckdb.Error as error:
        logger.error("could not read the serving file %s: %s", serving_db, error)
        message = f"The serving file {serving_db} could not be read: {error}"
        return _html(page.render_message("Cannot read the published marts", message), 500)


def _checked_base_url(url: str | None) -> str | None:
    url = (url or "").strip().rstrip("/")
    if url and not url.startswith(("https://", "http://")):
        raise ValueError(f"the Salesforce base URL must be absolute, like https://acme.my.salesforce.com: {url!r}")
    return url or None


def _html(body: str, status: int) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=NO_STORE)
