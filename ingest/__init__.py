"""Source-format parsing and loading into the warehouse's `raw` schema (no orchestrator here)."""
