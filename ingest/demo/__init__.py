"""Seeded demo data: the exports a small sales floor's CRM, mailboxes and email provider would produce."""

from ingest.demo.api import DEFAULT_DAYS, DEFAULT_LEADS, DEFAULT_REPS, DemoResult, write_demo

__all__ = ["DEFAULT_DAYS", "DEFAULT_LEADS", "DEFAULT_REPS", "DemoResult", "write_demo"]
