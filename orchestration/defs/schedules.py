import os
from datetime import UTC

import dagster as dg

from orchestration.defs.jobs import daily_marts_job
from orchestration.lib.radar_settings import AS_OF_TAG, format_as_of
from orchestration.lib.run_liveness import release_dead_runs

# Lead ages and coverage move every day even when no file arrives.
DAILY_CRON = os.environ.get("RADAR_DAILY_CRON", "15 0 * * *")


@dg.schedule(
    job=daily_marts_job,
    cron_schedule=DAILY_CRON,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def daily_marts_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Rebuilds the marts and their checks as of the midnight (UTC) that just passed, after freeing the
    warehouse of runs that died holding it."""
    midnight = context.scheduled_execution_time.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for line in release_dead_runs(context.instance):
        context.log.warning(line)
    as_of = format_as_of(midnight)
    return dg.RunRequest(run_key=f"marts-as-of-{as_of}", tags={AS_OF_TAG: as_of})
