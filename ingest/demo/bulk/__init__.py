"""A fast, vectorised generator of benchmark-sized source files (Salesforce CSV, mbox, SendGrid events).

`write_bulk(out, size)` writes `out/landing/` (the base: everything stamped up to the base as-of) and
`out/increment/` (the next day's files, same layout), built with numpy and rendered with DuckDB.
"""

from ingest.demo.bulk.api import BulkResult, Counts, write_bulk
from ingest.demo.bulk.sizes import DEFAULT_END, SIZES, Size

__all__ = ["DEFAULT_END", "SIZES", "BulkResult", "Counts", "Size", "write_bulk"]
