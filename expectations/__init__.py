"""Data-quality knowledge that knows nothing of Dagster: Great Expectations suites as code and their runner,
the tracked measures and the drift rules. GX's usage statistics are off before GX is first imported.
"""

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
