"""Great Expectations suites on the headline marts. The checks run with the marts' materialization wherever it
happens: radar_job (the landing sensor's runs and `radar run`), the daily rebuild, a materialization by hand."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import dagster as dg
import duckdb

from expectations.suites import MART_SUITES
from orchestration.lib.gx_checks import GX_CHECK, check_result
from orchestration.lib.radar_settings import RadarSettings
from orchestration.lib.warehouse import WAREHOUSE_POOL, Warehouse

MART_SCHEMA = "marts"
# The row-by-row expectations of a bigger mart see a seeded sample of this many rows; dbt's tests check every
# row of every mart in SQL, and the whole-table expectations (row count, keys) still read every row.
SAMPLE_ROWS = 200_000
Parameters = Callable[[duckdb.DuckDBPyConnection, datetime], dict[str, Any]]


def _lead_aging_parameters(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, Any]:
    from expectations.suites.lead_aging import EXPECTED_ROWS, EXPECTED_ROWS_SQL

    return {EXPECTED_ROWS: con.execute(EXPECTED_ROWS_SQL, [as_of]).fetchone()[0]}


def _no_parameters(_con: duckdb.DuckDBPyConnection, _as_of: datetime) -> dict[str, Any]:
    return {}


def _mart_check(name: str, parameters: Parameters) -> dg.AssetChecksDefinition:
    key = dg.AssetKey([MART_SCHEMA, name])

    @dg.asset_check(
        asset=key,
        name=GX_CHECK,
        description=f"The Great Expectations suite `{name}` on the mart at the run's as-of time (row-by-row "
        f"expectations on a sample of {SAMPLE_ROWS:,} rows of a bigger mart).",
        pool=WAREHOUSE_POOL,  # it reads the warehouse: no writer may run meanwhile
    )
    def _check(
        context: dg.AssetCheckExecutionContext, radar: RadarSettings, warehouse: Warehouse
    ) -> dg.AssetCheckResult:
        from expectations.validate import validate_table  # Great Expectations loads only in the steps that validate

        with warehouse.connect(context, read_only=True) as con:
            values = parameters(con, radar.resolve_as_of(context))
            result, sampled = validate_table(con, f"{MART_SCHEMA}.{name}", MART_SUITES[name](), values, SAMPLE_ROWS)
        return check_result(result, key, metadata={"rows_checked_row_by_row": sampled})

    return _check


lead_aging_gx = _mart_check("lead_aging", _lead_aging_parameters)
follow_up_coverage_daily_gx = _mart_check("follow_up_coverage_daily", _no_parameters)
