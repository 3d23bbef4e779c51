"""The benchmark's smallest size as a smoke test: it runs end to end, prints its figures (nothing is asserted
about time), and the pipeline's marts equal the DuckDB floor's after the full and after the incremental run."""

import pytest

from tests.benchmarks.bench_pipeline import bench, report

pytestmark = pytest.mark.slow


def test_the_smallest_benchmark_runs_and_its_marts_equal_the_floors(tmp_path):
    result = bench("S", tmp_path)
    print(report(result))
    figures = {f["name"]: f for f in result["figures"]}
    assert figures["pipeline_full"]["mismatches"] == []
    assert figures["pipeline_one_more_day"]["mismatches"] == []
    assert set(figures) >= {"floor", "pandas", "pipeline_no_new_files", "pipeline_no_new_files_an_hour_later"}
    builds = [figures[name]["dbt_builds"] for name in (
        "pipeline_full", "pipeline_one_more_day", "pipeline_no_new_files", "pipeline_no_new_files_an_hour_later"
    )]
    assert builds == [1, 2, 2, 3], "nothing new at the same as-of time builds nothing; an hour later builds again"
    assert {"marts.rep_scorecard_weekly", "marts.call_list", "staging.stg_salesforce__leads"} <= set(
        figures["pipeline_full"]["models"]), "each model's seconds, from the full run's dbt build log"
    assert figures["pipeline_no_new_files"]["models"] == {}
