"""Data-quality knowledge that knows nothing of Dagster: Great Expectations suites, tracked measures, drift rules."""
