"""The rate macros of METRICS.md ("Rates, intervals, percentiles") run by dbt on DuckDB, on values chosen for the
edge cases: the rank percentile's lower median for even n, null for n = 0, exact ranks where q * n is a whole
number that floating point misses (0.7 * 10), rows without a value ranked last; the Wilson bounds at k = 0,
k = n and n = 0. dbt's unit tests reach macros only through a model, and the percentile's models (the weekly
scorecard) come later, so the macros are compiled and run here with `dbt show`."""

from decimal import Decimal
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

from ingest.loader import connect
from orchestration.settings import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow

PERCENTILES = """
with

groups as (
    select 'even' as g union all select 'odd' union all select 'tenths' union all select 'ties'
    union all select 'unreached' union all select 'empty'
),

numbers as (
    select 'even' as g, 3 as v union all select 'even', 1 union all select 'even', 4 union all select 'even', 2
    union all select 'odd', 5 union all select 'odd', 1 union all select 'odd', 4 union all select 'odd', 2
    union all select 'odd', 3
    union all {tenths}
    union all select 'ties', 2 union all select 'ties', 3 union all select 'ties', 2
    union all select 'unreached', null union all select 'unreached', 1 union all select 'unreached', null
    union all select 'unreached', 2
),

ranked as (
    select g, v, {{{{ percentile_ranks('v is null, v', partition_by='g') }}}} from numbers
)

select
    groups.g,
    {{{{ rank_percentile('ranked.v', 0.25) }}}} as p25,
    {{{{ rank_percentile('ranked.v', 0.5) }}}} as p50,
    {{{{ rank_percentile('ranked.v', 0.7) }}}} as p70,
    {{{{ rank_percentile('ranked.v', 0.9) }}}} as p90
from groups
left join ranked on groups.g = ranked.g
group by groups.g
""".format(tenths=" union all ".join(f"select 'tenths', {v}" for v in range(10, 0, -1)))

NO_ROWS = """
with ranked as (select v, {{ percentile_ranks('v') }} from (select 1 as v) as one where false)
select {{ rank_percentile('v', 0.5) }} as p50 from ranked
"""

WILSON = """
with cells as (
    select 'none' as cell, 0 as k, 2 as n union all select 'all', 2, 2 union all select 'empty', 0, 0
    union all select 'half', 5, 10
)
select cell, {{ rate('k', 'n') }} as rate, {{ wilson_low('k', 'n') }} as ci_low, {{ wilson_high('k', 'n') }} as ci_high
from cells
"""


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory):
    """Runs a query through dbt (the project's macros compiled in) and returns its rows."""
    folder = tmp_path_factory.mktemp("macros")
    warehouse = folder / "warehouse.duckdb"
    connect(warehouse).close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RADAR_WAREHOUSE", str(warehouse))
        yield lambda sql: _show(sql, folder)


def _show(sql: str, folder: Path) -> list[dict]:
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    common += ["--target-path", str(folder / "target"), "--log-path", str(folder / "logs")]
    args = ["show", "--inline", sql, "--limit", "100", "--quiet", *common]
    result = dbtRunner().invoke([*args, "--vars", '{"as_of": "2024-03-12 12:00:00"}'])
    assert result.success, result.exception
    table = result.result.results[0].agate_table
    return [{c: _number(v) for c, v in zip(table.column_names, row, strict=True)} for row in table.rows]


def _number(value):
    """agate reads every number as a Decimal."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def test_rank_percentile_is_the_value_at_rank_ceil_q_n(show):
    percentiles = {r["g"]: (r["p25"], r["p50"], r["p70"], r["p90"]) for r in show(PERCENTILES)}
    assert percentiles["even"] == (1, 2, 3, 4)  # n = 4: the lower median, ranks 1, 2, 3 (ceil 2.8), 4 (ceil 3.6)
    assert percentiles["odd"] == (2, 3, 4, 5)  # n = 5: ranks 2 (ceil 1.25), 3, 4 (ceil 3.5), 5
    assert percentiles["tenths"] == (3, 5, 7, 9)  # n = 10: 0.7 * 10 is rank 7, not 8
    assert percentiles["ties"] == (2, 2, 3, 3)
    # Rows ranked last without a value (never-touched leads): a rank that falls on one gives null.
    assert percentiles["unreached"] == (1, 2, None, None)
    assert percentiles["empty"] == (None, None, None, None)  # n = 0


def test_rank_percentile_of_no_rows_is_null(show):
    assert show(NO_ROWS) == [{"p50": None}]


def test_wilson_bounds_at_the_edges(show):
    cells = {r["cell"]: r for r in show(WILSON)}
    assert (cells["none"]["rate"], cells["none"]["ci_low"]) == (0.0, 0.0)
    assert cells["none"]["ci_high"] == pytest.approx(0.6576, abs=1e-4)
    assert (cells["all"]["rate"], cells["all"]["ci_high"]) == (1.0, 1.0)
    assert cells["all"]["ci_low"] == pytest.approx(0.3424, abs=1e-4)
    assert (cells["empty"]["rate"], cells["empty"]["ci_low"], cells["empty"]["ci_high"]) == (None, None, None)
    assert (cells["half"]["ci_low"], cells["half"]["ci_high"]) == (
        pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4)
    )
