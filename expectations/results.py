"""What a validation reports, without Great Expectations itself: the orchestration reads results and blocking
flags at start-up, and GX (several seconds to import) loads only in the steps that validate."""

from dataclasses import dataclass

ERROR, WARN = "ERROR", "WARN"


@dataclass(frozen=True)
class FailedExpectation:
    expectation: str
    column: str | None
    severity: str
    unexpected_count: int | None
    samples: tuple[str, ...]
    observed: str | None = None


@dataclass(frozen=True)
class SuiteResult:
    suite: str
    rows: int
    failures: tuple[FailedExpectation, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def severity(self) -> str:
        """ERROR when any failed expectation is an error, else WARN."""
        return ERROR if any(f.severity == ERROR for f in self.failures) else WARN
