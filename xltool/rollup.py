"""``xltool rollup``: per-unit task figures and scores for the year-end assessment.

Where a unit's figures come from (SPEC §3): the rows naming it in its own ledger (the file
whose 填报单位 cell, else whose file name, is that unit); for a single whole-table file, all
rows naming it. Overdue, due-soon and completed-late are decided by the very rule functions
``xltool check`` runs, so the two commands always agree.

Scores
------
Assessment tables (考核任务分解表): a row's points are its 分值 cell, else its level-1
indicator's points split evenly over the indicator's rows (a block repeated after a page
break is one indicator). A row scores the reviewer's 考核得分 if present, else the 自评分,
else status factor × points (已完成 1, 推进中 0.5, 未启动 0) minus ``overdue_deduction`` ×
points when overdue. 加减分项目 rows add (加分项) or subtract (减分项) their 得分/自评分 and
have no maximum. A unit's score and max_score sum the rows naming it.

Division and decomposition tables: 0–100,
    completion = (completed + in_progress_factor × in_progress) / tasks
    timeliness = 1 − (overdue + late_factor × completed_late) / tasks
    score      = 100 × (completion_weight × completion + timeliness_weight × timeliness)
with defaults 0.5, 0.5, 0.7 and 0.3. Every weight can be set in the ``[scoring]`` table of
the config file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .model import Table, Task
from .textnorm import cell_number, squash
from .units import Roster, unit_key

DEFAULT_SCORING = {
    "status_factor": {"done": 1.0, "in_progress": 0.5, "not_started": 0.0},
    "overdue_deduction": 0.2,
    "completion_weight": 0.7,
    "timeliness_weight": 0.3,
    "in_progress_factor": 0.5,
    "late_factor": 0.5,
}
_GROUP = re.compile(r"^(各|相关|有关)|各部门|各单位|有关部门|相关部门|各有关|各相关|各直属")


def is_group_name(name: str) -> bool:
    """各乡镇人民政府, 县政府各部门, 市直各有关部门: names of groups, not of one unit."""
    return bool(_GROUP.search(squash(name)))


@dataclass
class UnitFigures:
    unit: str
    tasks: int = 0
    lead_tasks: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    due_soon: int = 0
    completed_late: int = 0
    completed_on_time: int = 0
    score: float | None = None
    max_score: float | None = None
    sources: set = field(default_factory=set)
    # for the division/decomposition score
    _div_tasks: int = 0
    _div: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def completion_rate(self) -> float:
        return round(self.completed / self.tasks, 4) if self.tasks else 0.0

    @property
    def on_time_rate(self) -> float:
        return round(self.completed_on_time / self.completed, 4) if self.completed else 0.0

    def to_json(self) -> dict:
        return {"unit": self.unit, "tasks": self.tasks, "lead_tasks": self.lead_tasks, "completed": self.completed,
                "in_progress": self.in_progress, "not_started": self.not_started, "overdue": self.overdue,
                "due_soon": self.due_soon, "completed_late": self.completed_late,
                "completion_rate": self.completion_rate, "on_time_rate": self.on_time_rate,
                "score": None if self.score is None else round(self.score, 2),
                "max_score": None if self.max_score is None else round(self.max_score, 2),
                "sources": sorted(self.sources)}


@dataclass
class RowResult:
    """One task row as the roll-up saw it (for the indicator and overdue sheets)."""

    file: str
    path: str
    sheet: str
    table: Table
    task: Task
    units: list[str]
    status: str | None
    overdue: bool
    points: float | None = None
    score: float | None = None
    bonus: int = 0  # +1 加分项, -1 减分项


@dataclass
class Rollup:
    as_of: dt.date
    units: list[UnitFigures]
    missing: list[str]
    rows: list[RowResult]
    files: list[dict]
    errors: list[tuple[str, str]]

    def to_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "units": [u.to_json() for u in self.units],
                "missing": self.missing, "files": self.files,
                "unreadable": [{"file": f, "error": e} for f, e in self.errors]}


def _scoring(config: Config) -> dict:
    s = dict(DEFAULT_SCORING)
    for k, v in config.scoring.items():
        s[k] = {**DEFAULT_SCORING["status_factor"], **v} if k == "status_factor" else float(v)
    return s


def _bonus_sign(t: Task) -> int:
    text = (t.level1 or "") + (t.level2 or "")
    if "减分" in (t.level2 or ""):
        return -1
    if "加分" in (t.level2 or ""):
        return 1
    if "加减分" in text:
        return 1
    return 0


def level1_split(tasks) -> dict[str, tuple[float, int]]:
    """level-1 name -> (points, number of rows) over assessment task rows (bonus rows left
    out; a block repeated after a page break is the same indicator)."""
    rows: dict[str, int] = defaultdict(int)
    points: dict[str, float] = {}
    for t in tasks:
        if t.level1 and _bonus_sign(t) == 0:
            rows[t.level1] += 1
            if t.points is not None:
                points.setdefault(t.level1, t.points)
    return {k: (points[k], rows[k]) for k in points}


def assessment_row_points(table: Table, split: dict[str, tuple[float, int]] | None = None) -> dict[int, float | None]:
    """excel_row -> points of that row: its 分值 cell, else its level-1 points split evenly
    over the indicator's rows — the plan's rows when a plan is given (a unit's ledger holds
    only its share), else this table's."""
    split = split or {}
    own = level1_split(table.tasks)
    out = {}
    for t in table.tasks:
        if _bonus_sign(t):
            out[t.excel_row] = None
        elif t.row_points is not None:
            out[t.excel_row] = float(t.row_points)
        elif t.level1 in split or t.level1 in own:
            points, n = split.get(t.level1) or own[t.level1]
            out[t.excel_row] = points / n
        else:
            out[t.excel_row] = None
    return out


def _file_unit(ledger, known: dict[str, str]) -> str | None:
    """The unit a ledger is from: its 填报单位 cell, else a known unit name in its file name."""
    if ledger.unit:
        return known.get(unit_key(ledger.unit), ledger.unit)
    stem = unit_key(Path(ledger.path).stem)
    if stem in known:
        return known[stem]
    hits = [k for k in known if len(k) >= 3 and k in stem]
    return known[max(hits, key=len)] if hits else None


def rollup(paths, as_of: dt.date, config: Config | None = None, roster: Roster | None = None,
           plan=None, year: int | None = None, issued: dt.date | None = None, password: str | None = None,
           progress=None) -> Rollup:
    """Read the ledgers under ``paths`` and roll them up (unreadable files are listed)."""
    from .check import discover
    from .errors import UnreadableFile
    from .reader import read_ledger

    ledgers, errors = [], []
    files = discover(paths)
    for i, (label, p) in enumerate(files, start=1):
        try:
            ledgers.append(read_ledger(p, year=year, issued=issued, as_of=as_of, password=password, label=label))
        except UnreadableFile as e:
            errors.append((label, e.reason))
        if progress:
            progress(i, len(files))
    return rollup_ledgers(ledgers, as_of, config, roster, plan, errors)


def rollup_ledgers(ledgers, as_of: dt.date, config: Config | None = None, roster: Roster | None = None,
                   plan=None, errors=None) -> Rollup:
    """Roll up ledgers already read (from files or from live Excel)."""
    from .rules import RULES, Context, _load_rule_modules, hits_of

    _load_rule_modules()
    errors = list(errors or [])
    config = config or Config()
    if roster is None and plan is not None:
        roster = plan.roster()
    scoring = _scoring(config)

    def canon(name: str) -> str:
        return (roster.canonical(name) if roster else None) or name

    def expand(name: str) -> list[str]:
        return roster.expand(name) if roster else [name]

    known: dict[str, str] = {}
    for n in (roster.names if roster else []):
        known[unit_key(n)] = n
    for led in ledgers:
        for table in led.tables:
            for t in table.tasks:
                for n in t.units:
                    known.setdefault(unit_key(n), canon(n))
    owner = {led.path: _file_unit(led, known) for led in ledgers}
    own_files = {u for u in owner.values() if u}
    whole = len(ledgers) == 1 and not own_files

    ctx = Context(as_of=as_of, config=config, roster=roster, plan=plan)
    plan_split = level1_split(plan.tasks) if plan is not None else {}
    overdue_rule, soon_rule, late_rule = RULES["overdue"], RULES["due-soon"], RULES["completed-late"]
    figures: dict[str, UnitFigures] = {}
    rows: list[RowResult] = []
    file_rows = []

    def fig(u: str) -> UnitFigures:
        if u not in figures:
            figures[u] = UnitFigures(u)
        return figures[u]

    for led in ledgers:
        me = owner[led.path]
        # the units each row names, groups expanded, in the roster's spelling
        named_in = {id(t): list(dict.fromkeys(c for n in t.units for c in map(canon, expand(n))))
                    for tb in led.tables for t in tb.tasks}
        # a unit's own ledger is its own even where its rows misspell its name
        # (check reports the typo); then every row of it counts for the unit
        names_me = me is not None and any(me in named for named in named_in.values())
        n_tasks = n_overdue = 0
        for table in led.tables:
            pts = assessment_row_points(table, plan_split) if table.kind == "assessment" else {}
            for t in table.tasks:
                named = named_in[id(t)]
                lead = {c for n in t.lead_units for c in map(canon, expand(n))}
                if whole or me is None:
                    counted = [u for u in named if u not in own_files]
                else:
                    counted = [me] if me in named or not named or not names_me else []
                overdue = bool(hits_of(overdue_rule.func(t, table, ctx)))
                soon = bool(hits_of(soon_rule.func(t, table, ctx)))
                late = bool(hits_of(late_rule.func(t, table, ctx)))
                n_tasks += 1
                n_overdue += overdue
                cls = ctx.config.status_class(t.status)
                row = RowResult(led.path, led.book.path, table.sheet, table, t, counted, cls, overdue,
                                bonus=_bonus_sign(t) if table.kind == "assessment" else 0)
                if table.kind == "assessment":
                    row.points = pts.get(t.excel_row)
                    row.score = _row_score(t, row, cls, overdue, scoring)
                rows.append(row)
                for u in counted:
                    f = fig(u)
                    f.sources.add(led.path)
                    if row.bonus:
                        f.score = (f.score or 0.0) + (row.score or 0.0)
                        continue
                    f.tasks += 1
                    f.lead_tasks += u in lead
                    if cls == "done":
                        f.completed += 1
                    elif cls == "in_progress":
                        f.in_progress += 1
                    else:
                        f.not_started += 1
                    f.overdue += overdue
                    f.due_soon += soon
                    f.completed_late += late
                    if cls == "done" and not late:
                        f.completed_on_time += 1
                    if table.kind == "assessment":
                        if row.points is not None:
                            f.score = (f.score or 0.0) + (row.score or 0.0)
                            f.max_score = (f.max_score or 0.0) + row.points
                    else:
                        f._div_tasks += 1
                        f._div["completed"] += cls == "done"
                        f._div["in_progress"] += cls == "in_progress"
                        f._div["overdue"] += overdue
                        f._div["late"] += late
        file_rows.append({"file": led.path, "unit": me, "tasks": n_tasks, "overdue": n_overdue})

    for f in figures.values():
        if f.max_score is None and f._div_tasks:
            d, n = f._div, f._div_tasks
            completion = (d["completed"] + scoring["in_progress_factor"] * d["in_progress"]) / n
            timeliness = 1 - (d["overdue"] + scoring["late_factor"] * d["late"]) / n
            f.score = 100 * (scoring["completion_weight"] * completion + scoring["timeliness_weight"] * timeliness)
            f.max_score = 100.0
    units = sorted(figures.values(), key=lambda f: (-(f.score / f.max_score if f.score is not None and f.max_score
                                                       else -1), -f.completion_rate, f.overdue, f.unit))
    missing = []
    if roster:
        sent = {unit_key(u) for u in own_files}
        missing = [n for n in roster.names if unit_key(n) not in sent and not is_group_name(n)]
    return Rollup(as_of, units, missing, rows, file_rows, errors)


def _row_score(t: Task, row: RowResult, cls: str | None, overdue: bool, scoring: dict) -> float | None:
    given = cell_number(t.score)
    if given is None:
        given = cell_number(t.self_score)
    if row.bonus:
        return abs(given or 0.0) * row.bonus
    if row.points is None:
        return None
    if given is not None:
        return given
    factor = scoring["status_factor"].get(cls or "not_started", 0.0)
    value = factor * row.points - (scoring["overdue_deduction"] * row.points if overdue else 0.0)
    return max(0.0, value)
