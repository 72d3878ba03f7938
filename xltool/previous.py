"""The previous round (``--previous OLD``): each unit's ledger of the last round, to compare
this round's rows with.

A ledger is matched with its previous one by 填报单位 (its cell, else a known unit name in
its file name, as in a batch), then by file name; a row with its previous row by 序号 and task
text, with the matcher of ``--plan`` (a previous ledger is a Plan of its own tasks). Of
several previous ledgers from one unit, the one with the same file name counts, else the
newest (填报日期, then file time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .plan import Plan
from .submissions import file_time, file_unit, known_units
from .textnorm import squash
from .units import unit_key


def _name_key(path: str) -> str:
    return squash(Path(path).stem)


@dataclass
class PreviousRound:
    """The ledgers of the previous round, each as a Plan of its tasks."""

    folder: str
    by_unit: dict[str, list[Plan]] = field(default_factory=dict)  # unit key -> its ledgers, newest first
    by_name: dict[str, Plan] = field(default_factory=dict)  # file name (squashed stem) -> ledger
    known: dict[str, str] = field(default_factory=dict)  # unit key -> name
    ledgers: list = field(default_factory=list)  # what was read (for the roll-up's previous figures)
    unreadable: list = field(default_factory=list)  # unit_figures.Unreadable

    def for_ledger(self, unit_cell: str | None, path: str) -> Plan | None:
        """The previous ledger of a ledger of this round, or None."""
        unit = file_unit(unit_cell, path, self.known)
        same_name = self.by_name.get(_name_key(path))
        theirs = self.by_unit.get(unit_key(unit)) if unit is not None else None
        if theirs:
            return same_name if same_name in theirs else theirs[0]
        return same_name

    def without_ledgers(self) -> PreviousRound:
        """The matching part only (what a check's worker processes are sent)."""
        return PreviousRound(self.folder, self.by_unit, self.by_name, self.known)


def previous_round(folder: str, ledgers: list, roster=None, unreadable=()) -> PreviousRound:
    """Index ledgers already read from ``folder``."""
    names = [led.unit for led in ledgers if led.unit]
    names += [n for led in ledgers for table in led.tables for t in table.tasks for n in t.units]
    known = known_units(roster, names)
    by_unit: dict[str, list[tuple]] = {}
    by_name: dict[str, Plan] = {}
    for led in ledgers:
        plan = Plan.from_ledger(led)
        by_name[_name_key(led.path)] = plan
        unit = file_unit(led.unit, led.path, known)
        if unit is not None:
            rank = (led.report_date is not None, led.report_date or dt.date.min, file_time(led.path))
            by_unit.setdefault(unit_key(unit), []).append((rank, plan))
    newest_first = {k: [p for _, p in sorted(v, key=lambda rp: rp[0], reverse=True)] for k, v in by_unit.items()}
    return PreviousRound(str(folder), newest_first, by_name, known, list(ledgers), list(unreadable))


def load_previous(paths, roster=None, year=None, issued=None, as_of=None, password=None, progress=None,
                  limits=None) -> PreviousRound:
    """Read the previous round's ledgers (in fenced processes, as the roll-up reads)."""
    from .grid import DEFAULT_LIMITS
    from .unit_figures import _read_all

    ledgers, unreadable, _ = _read_all(paths, year, issued, as_of, password, progress, limits or DEFAULT_LIMITS)
    return previous_round(", ".join(str(p) for p in paths), ledgers, roster, unreadable)
