import dagster as dg

from orchestration.lib.dbt_project import dbt_resource
from orchestration.lib.radar_settings import RadarSettings

defs = dg.Definitions(resources={"radar": RadarSettings(), "dbt": dbt_resource()})
