"""The teams and reps a link may name, and the page that says so when it names one the marts do not know."""

import duckdb

from orchestration.dashboard import marts
from orchestration.dashboard.filters import UnknownFilter


def check_team(con: duckdb.DuckDBPyConnection, team: str | None, back: str) -> list[str]:
    """The teams of the marts; UnknownFilter (its link back is `back`) when `team` is not one of them."""
    teams = marts.teams(con)
    if team is not None and team not in teams:
        raise UnknownFilter(
            "Unknown team", f'No team "{team}" in the published marts: choose one of {", ".join(teams)}.', back
        )
    return teams


def check_rep(con: duckdb.DuckDBPyConnection, rep: str | None, back: str, where: str) -> list[marts.Rep]:
    """The reps who own leads; UnknownFilter when `rep` (an owner_id) is not one of them. `where` names the
    list to choose from instead ("the dashboard", "the call list")."""
    reps = marts.reps(con)
    if rep is not None and rep not in {known.owner_id for known in reps}:
        raise UnknownFilter(
            "Unknown rep",
            f'No rep with owner_id "{rep}" owns leads in the published marts: the link may be old or mistyped. '
            f"Choose a rep from the list on {where}.",
            back,
        )
    return reps
