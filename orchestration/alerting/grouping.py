"""One incident per cause: the scopes of a measure that are out of range together are one problem, paged once
at the highest of them. A company breach carries the teams and reps out of range beneath it, a team breach its
reps; a rep's own incident opens only when nothing above it is out of range. An incident stays firing while its
scope or any scope beneath it is out of range, so the cause is not paged again as its lower scopes recover
unevenly. A lower scope's incident that was already open before its parent's stays its own (it was sent)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from expectations.drift import BREACHED
from expectations.measures import COMPANY, NO_TEAM

if TYPE_CHECKING:
    from orchestration.alerting.evaluate import Evaluation

LEVELS = ("company", "team", "rep")
Scope = tuple[str, str]  # (scope_type, scope)


@dataclass(frozen=True)
class Cause:
    root: "Evaluation"  # the scope whose incident carries the cause
    state: str  # breached while the root or anything beneath it is; else the root's own state
    beneath: list["Evaluation"] = field(default_factory=list)  # the scopes out of range beneath it


def causes(
    evaluations: Sequence["Evaluation"], teams: Mapping[str, str], firing: set[tuple[str, str, str]]
) -> list[Cause]:
    """The causes of one evaluation, per measure name; `teams` maps a rep to their team, `firing` holds the
    (measure, scope_type, scope) with an open incident."""
    by_name: dict[str, list[Evaluation]] = {}
    for e in evaluations:
        by_name.setdefault(e.measure.name, []).append(e)
    found = []
    for name, group in by_name.items():
        found += _causes_of(group, teams, {(t, s) for n, t, s in firing if n == name})
    return found


def _causes_of(group: list["Evaluation"], teams: Mapping[str, str], firing: set[Scope]) -> list[Cause]:
    """Top down: a scope beneath an active cause is carried by it; any other scope is its own cause."""
    by_scope = {(e.measure.scope, e.scope): e for e in group}
    breached = {scope for scope, e in by_scope.items() if e.judgement.state == BREACHED}
    carrier: dict[Scope, Scope] = {}  # a scope in an active cause -> the cause's root
    found = []
    for scope in sorted(by_scope, key=_order):
        e = by_scope[scope]
        holder = next((carrier[a] for a in _ancestors(scope, teams) if a in carrier), None)
        if holder is not None:
            if scope in breached:
                carrier[scope] = holder
            if scope in firing:  # opened before the cause above it: it goes on, and ends, on its own
                found.append(Cause(e, e.judgement.state))
            continue
        beneath = [by_scope[s] for s in sorted(breached, key=_order) if scope in _ancestors(s, teams)]
        if scope in breached or (scope in firing and beneath):
            carrier[scope] = scope
            found.append(Cause(e, BREACHED, beneath))
        else:
            found.append(Cause(e, e.judgement.state))
    return found


def _order(scope: Scope) -> tuple[int, str]:
    return LEVELS.index(scope[0]), scope[1]


def _ancestors(scope: Scope, teams: Mapping[str, str]) -> Iterable[Scope]:
    """The scopes above one, nearest first."""
    scope_type, name = scope
    if scope_type == "rep":
        yield "team", teams.get(name, NO_TEAM)
    if scope_type in ("rep", "team"):
        yield "company", COMPANY
