"""Build the dbt project on Spark and write out its marts: run by the Spark environment's Python (.venv-spark).

    .venv-spark/bin/python tests/spark/spark_build.py --lake LAKE --spark-dir DIR --as-of T --out OUT \
        [--ansi-check] [--unit-tests SELECTOR ...]

One process, one local Spark session: `dbt build` on the spark target (sources from the lake RADAR_LAKE_DIR);
then with --ansi-check the ANSI check; with --unit-tests the dbt unit tests of those selectors (path:models/marts,
say; they read the relations the build made); then every
model of schema marts in the manifest written to OUT/<mart>/ as Parquet, and OUT/results.json: each node's
status and the seconds taken. Exit status 1 when a node or the ANSI check did not pass. The seeds go first, in
one thread, which starts the Spark session (dbt-spark's threads starting it at once can hang); the rest runs in
--threads threads. Imports only dbt and pyspark, which the project's own environment lacks.

The ANSI check: dbt-spark 1.10+ sets spark.sql.ansi.enabled=false on every statement, whatever the profile says.
So each model's compiled SQL is run again with ANSI mode on (an overflow or a cast that fails raises instead of
giving null) and must give the rows the build stored, both ways. The build's record (intermediate.radar_builds,
which the models read) is emptied first, as it was while the build ran.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from dbt.cli.main import dbtRunner
from pyspark.sql import SparkSession

PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
PASSED = {"success", "pass", "warn", "no-op"}  # no-op: exposures


def _dbt(args: list[str], target: Path, threads: int) -> list[dict]:
    common = ["--target", "spark", "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT),
              "--target-path", str(target / "target"), "--log-path", str(target / "logs"), "--threads", str(threads)]
    result = dbtRunner().invoke([*args, *common])
    if result.result is None:
        raise SystemExit(f"dbt {args[0]} did not run: {result.exception}")
    return [{"node": r.node.unique_id, "type": r.node.resource_type, "status": str(r.status),
             "message": r.message} for r in result.result]


def _manifest(target: Path) -> dict:
    return json.loads((target / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]


def _ansi_check(spark: SparkSession, models: list[dict]) -> list[dict]:
    """Each model's SQL under ANSI mode against the table the build stored; a node per model, as dbt's are."""
    spark.sql("truncate table intermediate.radar_builds")
    spark.conf.set("spark.sql.ansi.enabled", "true")
    checked = []
    for model in models:
        relation = f"{model['schema']}.{model['alias']}"
        status, message = "pass", ""
        try:
            stored = spark.table(relation)
            again = spark.sql(model["compiled_code"])
            differing = again.exceptAll(stored).count() + stored.exceptAll(again).count()
            if differing:
                status, message = "fail", f"{differing} row(s) differ from the stored build"
        except Exception as exc:  # an ANSI error: the model's SQL relies on a null from a failed operation
            status, message = "error", str(exc).splitlines()[0]
        checked.append({"node": f"ansi.{model['unique_id']}", "type": "ansi_check", "status": status,
                        "message": message})
    return checked


def _write_marts(spark: SparkSession, models: list[dict], out: Path) -> list[str]:
    marts = [m for m in models if m["config"].get("schema") == "marts"]
    for mart in marts:
        spark.table(f"{mart['schema']}.{mart['alias']}").write.mode("overwrite").parquet(str(out / mart["name"]))
    return sorted(m["name"] for m in marts)


def _build(out: Path, threads: int, ansi_check: bool, unit_tests: list[str]) -> dict:
    started = time.monotonic()
    nodes = _dbt(["seed"], out, threads=1)
    nodes += _dbt(["build", "--exclude-resource-type", "unit_test", "seed"], out, threads)
    built = time.monotonic()
    spark = SparkSession.builder.getOrCreate()  # the session dbt-spark started
    manifest = _manifest(out)
    models = _models(manifest)
    if ansi_check:
        nodes += _ansi_check(spark, models)
    checked = time.monotonic()
    if unit_tests:
        nodes += _dbt(["test", "--select", *(f"test_type:unit,{selector}" for selector in unit_tests)], out, threads)
    tested = time.monotonic()
    return {"nodes": nodes, "marts": _write_marts(spark, models, out), "unit_tests": sorted(manifest["unit_tests"]),
            "build_seconds": round(built - started, 1), "ansi_check_seconds": round(checked - built, 1),
            "unit_test_seconds": round(tested - checked, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", required=True)
    parser.add_argument("--spark-dir", required=True)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--ansi-check", action="store_true", help="run each model's SQL again in ANSI mode")
    parser.add_argument("--unit-tests", nargs="*", default=[], help="dbt selectors of the unit tests to run")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    os.environ.update({"RADAR_LAKE_DIR": args.lake, "RADAR_SPARK_DIR": args.spark_dir, "RADAR_AS_OF": args.as_of,
                       "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    results = _build(args.out, args.threads, args.ansi_check, args.unit_tests)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    failed = [n for n in results["nodes"] if n["status"] not in PASSED]
    print(f"spark: {len(results['nodes'])} nodes ({len(failed)} not passed), build {results['build_seconds']} s, "
          f"ANSI check {results['ansi_check_seconds']} s, unit tests {results['unit_test_seconds']} s; "
          f"marts: {', '.join(results['marts'])}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
