"""The runbooks on-call opens from a page: written once, in the README's "Runbooks" section (one list item per
runbook, anchored `runbook-<name>`), linked by absolute URL `<base>/<measure>` and served by the dashboard's
process at /runbooks/<measure> (the default base), or by whatever serves the same paths under
RADAR_RUNBOOK_BASE_URL."""

import re
from dataclasses import dataclass
from pathlib import Path

from expectations.measures import Measure, load_measures

README = Path(__file__).resolve().parents[2] / "README.md"
PIPELINE_RUN = "pipeline_run"  # the pipeline-run alerts' measure name
PIPELINE_RUNBOOK = "pipeline-run-failed"
_ITEM = re.compile(r'^- <a id="runbook-(?P<name>[a-z0-9-]+)"></a>\*\*(?P<title>.+?)\*\*\s*(?P<text>.*)$')


@dataclass(frozen=True)
class Runbook:
    measure: str
    name: str
    title: str
    text: str  # the README's Markdown, joined into one paragraph
    description: str = ""


def runbook_url(base_url: str, measure: str) -> str:
    return f"{base_url.rstrip('/')}/{measure}"


def readme_runbooks(readme: Path = README) -> dict[str, tuple[str, str]]:
    """name -> (title, text) of every runbook in the README."""
    runbooks: dict[str, list[str]] = {}
    current = None
    for line in readme.read_text().splitlines():
        if match := _ITEM.match(line):
            current = match["name"]
            runbooks[current] = [match["title"], match["text"]]
        elif current and line.startswith("  ") and line.strip():
            runbooks[current][1] += " " + line.strip()
        else:
            current = None
    return {name: (title, text) for name, (title, text) in runbooks.items()}


def runbook_for(measure: str, measures: list[Measure] | None = None, readme: Path = README) -> Runbook | None:
    """The runbook of a measure (of the pipeline-run alerts for `pipeline_run`); None for an unknown measure."""
    measures = load_measures() if measures is None else measures
    entry = next((m for m in measures if m.name == measure), None)
    name = PIPELINE_RUNBOOK if measure == PIPELINE_RUN else entry.runbook if entry else None
    found = readme_runbooks(readme).get(name) if name else None
    if found is None:
        return None
    title, text = found
    return Runbook(measure, name, title, text, entry.description if entry else "")
