"""``xltool remind``: what to chase each unit about — its overdue, due-soon and stale-progress
tasks — taken from the roll-up's rows, so a 催办单 names exactly the tasks the roll-up
counted (the same ledgers, the same base dates, the same rule functions as ``check``).

A task is shown in the plan's wording where ``--plan`` is given and the row matches a plan
task (the ledger may have shortened it), else as the ledger words it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .textnorm import one_line, squash

KINDS = {"overdue": "逾期未完成", "due_soon": "即将到期", "stale": "进展未更新"}


@dataclass
class Item:
    """One task a unit is reminded of."""

    kinds: tuple[str, ...]  # of KINDS, in that order
    task: str  # the plan's wording where matched, else the ledger's
    ledger_task: str | None  # the ledger's wording where it differs from the plan's
    seq: str | None
    deadline: str
    due: dt.date | None
    status: str | None
    progress: str | None
    file: str
    sheet: str
    cell: str | None
    days: int | None  # overdue: days past due; due soon: days left (at the ledger's base date)

    def to_json(self) -> dict:
        return {"kinds": list(self.kinds), "task": self.task, "ledger_task": self.ledger_task, "seq": self.seq,
                "deadline": self.deadline, "due": self.due.isoformat() if self.due else None,
                "status": self.status, "progress": self.progress, "file": self.file, "sheet": self.sheet,
                "cell": self.cell, "days": self.days}


@dataclass
class UnitReminder:
    unit: str
    items: list[Item] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(kind in i.kinds for i in self.items)

    def counts(self) -> dict[str, int]:
        return {k: self.count(k) for k in KINDS}

    def to_json(self) -> dict:
        return {"unit": self.unit, **self.counts(), "items": [i.to_json() for i in self.items]}


@dataclass
class Reminders:
    base_dates: str
    units: list[UnitReminder]  # units with something to chase, in the roll-up's order
    quiet: list[str]  # units whose ledgers show nothing to chase
    missing: list[str]  # roster units that sent nothing
    unreadable: list  # unit_figures.Unreadable
    with_previous: bool  # whether stale progress was looked for (--previous)

    def to_json(self) -> dict:
        return {"base_dates": self.base_dates, "with_previous": self.with_previous,
                "units": [u.to_json() for u in self.units], "quiet": self.quiet, "missing": self.missing,
                "unreadable": [u.to_json() for u in self.unreadable]}


def _kinds(row) -> tuple[str, ...]:
    return tuple(k for k, on in (("overdue", row.overdue), ("due_soon", row.soon and not row.overdue),
                                 ("stale", row.stale)) if on)


def _item(row, kinds: tuple[str, ...], plan) -> Item:
    t = row.task
    meant = plan.match(t) if plan is not None else None
    wording = meant.task if meant is not None and meant.task else t.task
    due = t.deadline.due
    days = None
    if due is not None and row.as_of is not None:
        days = (row.as_of - due).days if "overdue" in kinds else (due - row.as_of).days if "due_soon" in kinds else None
    return Item(kinds, wording, t.task if squash(t.task) != squash(wording) else None, t.seq,
                one_line(t.deadline.text), due, t.status, t.progress, row.file, row.sheet,
                t.cell("task") or t.cell("requirement") or t.cell("seq"), days)


def _order(item: Item):
    """Overdue first, longest overdue on top; then due soon, soonest first; then the rest."""
    rank = 0 if "overdue" in item.kinds else 1 if "due_soon" in item.kinds else 2
    days = item.days if item.days is not None else 0
    return rank, -days if rank == 0 else days, item.file, item.sheet


def reminders(result, plan=None) -> Reminders:
    """Per unit of a Rollup, the tasks to chase."""
    by_unit: dict[str, list[Item]] = {}
    for row in result.rows:
        kinds = _kinds(row)
        if not kinds or row.bonus:
            continue
        item = _item(row, kinds, plan)
        for unit in row.units:
            by_unit.setdefault(unit, []).append(item)
    units = [UnitReminder(u.unit, sorted(by_unit[u.unit], key=_order)) for u in result.units if u.unit in by_unit]
    quiet = [u.unit for u in result.units if u.unit not in by_unit]
    return Reminders(result.base_dates(), units, quiet, list(result.missing), list(result.unreadable),
                     result.changes is not None)
