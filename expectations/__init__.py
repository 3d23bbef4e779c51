"""Great Expectations suites as code and the runner that validates a table against them.

Plain Python: nothing here knows about Dagster. GX's usage statistics are off before GX is first imported.
"""

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
