"""On-call alerting without Dagster: judge the tracked measures, keep incidents, deliver notifications."""
