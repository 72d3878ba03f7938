"""Which unit sent which ledger, and which ledger counts when a unit sent several.

A coordinator's folder holds last month's versions (旧版/), a unit's file sent twice, copies
renamed by hand. docs/SPEC.md §4: a ledger's unit is its 填报单位 cell, else a known unit name in its
file name; of several ledgers from one unit the one with the latest 填报日期 (then the latest
file time) counts, and the others are named, never summed in.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .units import unit_key


def known_units(roster, names: Iterable[str]) -> dict[str, str]:
    """unit key -> name, of the roster's units and aliases (in its spelling) and of every
    other name given: what a file name or 填报单位 cell is matched against."""
    known: dict[str, str] = {}
    if roster:
        known.update({unit_key(n): n for n in roster.names})
        known.update(roster.aliases)
    for n in names:
        known.setdefault(unit_key(n), (roster.canonical(n) if roster else None) or n)
    return known


def file_unit(unit_cell: str | None, path: str, known: dict[str, str]) -> str | None:
    """The unit a ledger is from: its 填报单位 cell (in the roster's spelling where known),
    else the longest known unit name (three characters or more) in its file name."""
    if unit_cell:
        return known.get(unit_key(unit_cell), unit_cell)
    stem = unit_key(Path(path).stem)
    if stem in known:
        return known[stem]
    hits = [k for k in known if len(k) >= 3 and k in stem]
    return known[max(hits, key=len)] if hits else None


def file_time(path: str | None) -> float:
    """The file's modification time, 0 where it cannot be had."""
    try:
        return os.stat(path).st_mtime if path else 0.0
    except OSError:
        return 0.0


@dataclass(frozen=True)
class Submission:
    """One readable ledger of a batch, as far as choosing among a unit's ledgers goes."""

    index: int  # its place in the batch
    file: str  # the path as the user sees it
    unit: str | None
    report_date: dt.date | None
    path: str | None  # the real path, for its modification time

    def newness(self) -> tuple:
        """Sort key, newest last: 填报日期, then file time (asked only of a unit sent twice)."""
        return (self.report_date or dt.date.min, file_time(self.path), self.file)


@dataclass(frozen=True)
class SetAside:
    """A ledger not counted because a newer one of the same unit is."""

    file: str
    unit: str
    kept: str  # the file that counts instead
    report_date: dt.date | None

    def to_json(self) -> dict:
        return {"file": self.file, "unit": self.unit, "kept": self.kept,
                "report_date": self.report_date.isoformat() if self.report_date else None}


def choose(subs: list[Submission]) -> tuple[set[int], list[SetAside], dict[int, list[Submission]]]:
    """(indexes of the ledgers that count, the ones set aside, and for each unit sent more
    than once its ledgers newest first, keyed by every one of their indexes)."""
    by_unit: dict[str, list[Submission]] = {}
    kept: set[int] = set()
    for s in subs:
        if s.unit is None:
            kept.add(s.index)
        else:
            by_unit.setdefault(unit_key(s.unit), []).append(s)
    aside: list[SetAside] = []
    groups: dict[int, list[Submission]] = {}
    for group in by_unit.values():
        group.sort(key=Submission.newness, reverse=True)
        kept.add(group[0].index)
        if len(group) > 1:
            for s in group:
                groups[s.index] = group
            aside += [SetAside(s.file, s.unit, group[0].file, s.report_date) for s in group[1:]]
    return kept, aside, groups


def duplicate_message(me: Submission, group: list[Submission]) -> str:
    """The duplicate-submission message for one ledger of a unit sent more than once."""
    newest = group[0]
    others = "、".join(s.file for s in group if s is not me)
    when = f"（填报日期 {newest.report_date}）" if newest.report_date else "（按文件修改时间）"
    if me is newest:
        return f"“{me.unit}”报送了 {len(group)} 份台账，另有：{others}；汇总采用本文件{when}"
    return f"“{me.unit}”报送了 {len(group)} 份台账；汇总采用较新的 {newest.file}{when}，本文件不计入"
