"""What loading a file came to: its ledger row's status and counts, and what the ingest assets report of it."""

from dataclasses import dataclass, field

from ingest import salesforce
from ingest.landing import LandedFile
from ingest.records import Staged
from ingest.schema import RAW_TABLES


@dataclass(frozen=True)
class FileOutcome:
    file_id: int
    source: str
    path: str
    status: str
    rows_total: int
    rows_loaded: int
    rows_rejected: int
    error: str | None = None
    rows_by_table: dict[str, int] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    extra_columns: tuple[str, ...] = ()


def tables_for(landed: LandedFile) -> tuple[str, ...]:
    """The raw tables a file feeds: what its name says for Salesforce, every table of its source otherwise."""
    if landed.source == "salesforce":
        return salesforce.tables_for(landed.path)
    return tuple(t.name for t in RAW_TABLES if t.source == landed.source)


def loaded(file_id: int, landed: LandedFile, staged: Staged, counts: dict[str, int],
           note: str | None = None) -> FileOutcome:
    """A file whose batches were all inserted: `counts` rows per raw table, its rejections from `staged`; `note`
    says how it was read when that was a guess (the ledger's `error` of a loaded file)."""
    rejected = len({r.row_number for r in staged.rejections})
    return FileOutcome(
        file_id=file_id,
        source=landed.source,
        path=str(landed.path),
        status="partial" if rejected else "loaded",
        rows_total=staged.rows_total,
        rows_loaded=staged.rows_total - rejected,
        rows_rejected=rejected,
        error=note,
        rows_by_table=dict(counts),
        reasons=(*([note] if note else []), *(f"row {r.row_number}: {r.reason}" for r in staged.rejections[:5])),
        tables=tables_for(landed),
        extra_columns=staged.extra_columns,
    )


def failed(file_id: int, landed: LandedFile, error: str) -> FileOutcome:
    return FileOutcome(
        file_id, landed.source, str(landed.path), "failed", 0, 0, 0, error, reasons=(error,), tables=tables_for(landed)
    )
