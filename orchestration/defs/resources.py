import dagster as dg

from orchestration.lib.alert_channels import AlertChannels
from orchestration.lib.dbt_project import dbt_resource
from orchestration.lib.radar_settings import RadarSettings
from orchestration.lib.warehouse import Warehouse

# Every run executes in one process: its steps take turns on the warehouse anyway (one writer), a step costs no
# process start-up, and the run's liveness lock (lib/warehouse.py) is held by the one process that runs it.
defs = dg.Definitions(
    resources={
        "radar": RadarSettings(),
        "warehouse": Warehouse(path=dg.EnvVar("RADAR_WAREHOUSE")),
        "dbt": dbt_resource(),
        "alert_channels": AlertChannels(),
    },
    executor=dg.in_process_executor,
)
