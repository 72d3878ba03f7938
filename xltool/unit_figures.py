"""``xltool rollup``: per-unit task figures and scores for the year-end assessment.

Where a unit's figures come from (docs/SPEC.md §3): the rows naming it in its own ledger (the file
whose 填报单位 cell, else whose file name, is that unit); for a single whole-table file, all
rows naming it. Of several ledgers from one unit only the newest counts (submissions.py).
Overdue, due-soon and completed-late are decided by the very rule functions ``xltool check``
runs, each ledger at its own base date, so the two commands always agree.

Scores (README "How the score is computed"; the 计分说明 sheet of 汇总.xlsx says the same)
-----------------------------------------------------------------------------------------
Every task row earns a credit between 0 and 1 (``task_credit``):

    已完成, on time                         1
    已完成 after its due date               late_credit (0.5)
    past due and not done (overdue)         0
    ongoing (持续推进), not done            status factor, only with evidence of the work
                                            (佐证材料; 进展情况 where there is no such column)
    anything else not done                  status factor: 推进中 0.5, 未启动 0

Division and decomposition tables: score = 100 × Σ credit / tasks. Assessment tables
(考核任务分解表): a row's points are its 分值 cell, else its level-1 indicator's points split
evenly over the indicator's rows; the row scores the reviewer's 考核得分, else the 自评分,
else credit × points; 加减分项目 rows add or subtract their score. Every weight can be set in
the ``[scoring]`` table of xltool.toml.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .basedate import BaseDate, base_date, describe_all
from .config import Config
from .errors import UsageError
from .grid.guard import DEFAULT_LIMITS, Limits
from .model import Records, Table, Task
from .submissions import SetAside, Submission, choose, file_unit, known_units
from .textnorm import cell_number, squash
from .units import Roster, unit_key

DEFAULT_SCORING = {
    "status_factor": {"done": 1.0, "in_progress": 0.5, "not_started": 0.0},
    "late_credit": 0.5,
    "ongoing_needs_evidence": True,
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
    ongoing: int = 0
    score: float | None = None
    max_score: float | None = None
    sources: set = field(default_factory=set)
    credit: float = 0.0  # Σ task credit over division/decomposition rows
    credited: int = 0  # the number of those rows

    @property
    def completion_rate(self) -> float:
        return round(self.completed / self.tasks, 4) if self.tasks else 0.0

    @property
    def on_time_rate(self) -> float:
        return round(self.completed_on_time / self.completed, 4) if self.completed else 0.0

    @property
    def score_rate(self) -> float | None:
        return self.score / self.max_score if self.score is not None and self.max_score else None

    def to_json(self) -> dict:
        return {"unit": self.unit, "tasks": self.tasks, "lead_tasks": self.lead_tasks, "completed": self.completed,
                "in_progress": self.in_progress, "not_started": self.not_started, "overdue": self.overdue,
                "due_soon": self.due_soon, "completed_late": self.completed_late, "ongoing": self.ongoing,
                "completion_rate": self.completion_rate, "on_time_rate": self.on_time_rate,
                "score": None if self.score is None else round(self.score, 2),
                "max_score": None if self.max_score is None else round(self.max_score, 2),
                "sources": sorted(self.sources)}


@dataclass
class UnitChange:
    """One unit's figures against the previous round (``--previous``)."""

    unit: str
    completed: int
    completed_before: int | None  # None: the unit had no ledger in the previous round
    overdue: int
    overdue_before: int | None
    stale: int = 0  # tasks not done whose 进展情况 is the previous round's, word for word

    @property
    def newly_completed(self) -> int | None:
        return None if self.completed_before is None else self.completed - self.completed_before

    @property
    def overdue_change(self) -> int | None:
        return None if self.overdue_before is None else self.overdue - self.overdue_before

    def to_json(self) -> dict:
        return {"unit": self.unit, "completed": self.completed, "completed_before": self.completed_before,
                "newly_completed": self.newly_completed, "overdue": self.overdue,
                "overdue_before": self.overdue_before, "overdue_change": self.overdue_change, "stale": self.stale}


def unit_changes(now: Rollup, before: Rollup) -> list[UnitChange]:
    """Every unit of this round with its completed and overdue tasks then and now."""
    then = {u.unit: u for u in before.units}
    stale = Counter(u for r in now.rows if r.stale for u in r.units)
    return [UnitChange(u.unit, u.completed, then[u.unit].completed if u.unit in then else None,
                       u.overdue, then[u.unit].overdue if u.unit in then else None, stale[u.unit])
            for u in now.units]


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
    credit: float = 0.0
    late: bool = False  # completed after its due date
    soon: bool = False  # due within the due-soon window
    stale: bool = False  # 进展情况 as in the unit's previous ledger (stale-progress; --previous only)
    as_of: dt.date | None = None  # the base date the row was judged at (its ledger's)


@dataclass
class Unreadable:
    """A file of the batch that could not be read, and the unit it is from where known."""

    file: str
    reason: str
    unit: str | None = None

    def to_json(self) -> dict:
        return {"file": self.file, "error": self.reason, "unit": self.unit}


@dataclass
class Rollup(Records):
    as_of: dt.date | None  # --as-of; None where each ledger had its own base date
    units: list[UnitFigures]
    missing: list[str]  # roster units that sent nothing at all
    rows: list[RowResult]
    files: list[dict]  # one per ledger counted
    unreadable: list[Unreadable] = field(default_factory=list)
    empty: list[dict] = field(default_factory=list)  # ledgers with no task rows: file, unit
    set_aside: list[SetAside] = field(default_factory=list)  # older ledgers of a unit
    skipped: list[tuple[str, str]] = field(default_factory=list)  # files xltool wrote itself
    bases: list[BaseDate] = field(default_factory=list)
    plan_typos: dict[str, str] = field(default_factory=dict)  # plan's misspelt unit -> the name meant
    scoring: dict = field(default_factory=lambda: dict(DEFAULT_SCORING))
    changes: list[UnitChange] | None = None  # against the previous round (--previous)
    previous_bases: str | None = None  # the previous round's base dates, as one phrase
    roster_given: bool = False  # whether ``missing`` could be known (a roster or a plan)

    @property
    def errors(self) -> list[tuple[str, str]]:
        return [(u.file, u.reason) for u in self.unreadable]

    @property
    def reported(self) -> list[str]:
        return sorted({f["unit"] for f in self.files if f["unit"]})

    def base_dates(self) -> str:
        return describe_all(self.as_of, self.bases)

    def records(self) -> list[dict]:
        """One row per unit, in ranking order."""
        return [{"rank": i, **u.to_json(), "score_rate": u.score_rate} for i, u in enumerate(self.units, start=1)]

    def to_json(self) -> dict:
        return {"as_of": (self.as_of or dt.date.today()).isoformat(),
                "as_of_source": "option" if self.as_of else "per-ledger", "base_dates": self.base_dates(),
                "units": [u.to_json() for u in self.units], "missing": self.missing, "reported": self.reported,
                "files": self.files, "unreadable": [u.to_json() for u in self.unreadable], "empty": self.empty,
                "set_aside": [s.to_json() for s in self.set_aside],
                "skipped": [{"file": f, "reason": r} for f, r in self.skipped],
                "plan_typos": self.plan_typos, "scoring": self.scoring,
                **({"previous": {"base_dates": self.previous_bases, "changes": [c.to_json() for c in self.changes]}}
                   if self.changes is not None else {})}


def scoring_of(config: Config) -> dict:
    """The score weights: the defaults with the config's [scoring] table applied."""
    s = dict(DEFAULT_SCORING)
    for k, v in config.scoring.items():
        if k not in DEFAULT_SCORING:
            raise UsageError(f"配置 [scoring] 中没有“{k}”这一项（可用：{'、'.join(DEFAULT_SCORING)}）")
        try:
            if k == "status_factor":
                s[k] = {**DEFAULT_SCORING[k], **{c: float(x) for c, x in v.items()}}
            elif k == "ongoing_needs_evidence":
                s[k] = v if isinstance(v, bool) else str(v).strip().lower() in ("true", "1", "是")
            else:
                s[k] = float(v)
        except (TypeError, ValueError, AttributeError):
            raise UsageError(f"配置 [scoring] 中“{k}”的值“{v}”无效") from None
    return s


def shows_work(t: Task, table: Table) -> bool:
    """Whether a row shows evidence of the period's work: its 佐证材料, or its 进展情况 where
    the table has no evidence column; a table with neither cannot tell, and is believed."""
    if table.has("evidence"):
        return bool(t.evidence and t.evidence.strip())
    if table.has("progress"):
        return bool(t.progress and t.progress.strip())
    return True


def task_credit(t: Task, table: Table, cls: str | None, overdue: bool, late: bool, scoring: dict) -> float:
    """What one task row earns, 0 to 1 (the table in the module's docstring)."""
    factor = scoring["status_factor"]
    if cls == "done":
        return scoring["late_credit"] if late else factor["done"]
    if overdue:
        return 0.0
    if t.deadline.kind == "ongoing" and scoring["ongoing_needs_evidence"] and not shows_work(t, table):
        return 0.0
    return factor.get(cls or "not_started", 0.0)


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


def _read_one(item: tuple[str, str], year, issued, as_of, password, limits):
    """A file's ledger, or what kept it out: ("ok", Ledger) | ("ours", reason) | ("bad", Unreadable)."""
    from .batch import failure_reason
    from .errors import OurOutput
    from .reader import read_ledger

    label, p = item
    try:
        led = read_ledger(p, year=year, issued=issued, as_of=as_of, password=password, limits=limits,
                          label=label, skip_ours=True, fenced=False)
        led.book.sheets = []  # (the roll-up needs the tables, not the grids: less to send back)
        return "ok", led
    except OurOutput as e:
        return "ours", e.reason
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 (a native reader's panic is a BaseException)
        return "bad", Unreadable(label, failure_reason(e))


def _read_chunk(items, *args):
    return [_read_one(item, *args) for item in items]


def _read_all(paths, year, issued, as_of, password, progress, limits: Limits = DEFAULT_LIMITS):
    """Every file under ``paths`` read in fenced processes, a few files at a time
    (batch.run_files): (ledgers, unreadable, skipped), in the files' order. Nothing one file
    does (a damaged package, a reader's abort, a bug of ours) stops the others."""
    from .batch import CheckOptions, discover, run_files

    files = discover(paths)
    got = run_files(_read_chunk, files, (year, issued, as_of, password, limits), CheckOptions(limits=limits),
                    lambda item, e: ("bad", Unreadable(item[0], e.reason)), progress=progress)
    ledgers, unreadable, skipped = [], [], []
    for (label, _), (kind, value) in zip(files, got, strict=True):
        if kind == "ok":
            ledgers.append(value)
        elif kind == "ours":
            skipped.append((label, value))
        else:
            unreadable.append(value)
    return ledgers, unreadable, skipped


def rollup(paths, as_of: dt.date | None = None, config: Config | None = None, roster: Roster | None = None,
           plan=None, year: int | None = None, issued: dt.date | None = None, password: str | None = None,
           progress=None, previous=None) -> Rollup:
    """Read the ledgers under ``paths`` and roll them up. ``as_of`` None: each ledger is
    judged at its own 填报日期 (else today). Unreadable files are listed, never fatal.
    ``previous`` (a PreviousRound): each unit's figures also against the previous round,
    whose ledgers are judged at their own 填报日期 (else today), as they were when sent."""
    ledgers, unreadable, skipped = _read_all(paths, year, issued, as_of, password, progress)
    res = rollup_ledgers(ledgers, as_of, config, roster, plan, unreadable, previous)
    res.skipped = skipped
    if previous is not None:
        before = rollup_ledgers(previous.ledgers, None, config, roster, plan, previous.unreadable)
        res.changes, res.previous_bases = unit_changes(res, before), before.base_dates()
    return res


class _Batch:
    """What the roll-up of one batch knows beyond a single row: names, owners, the context."""

    def __init__(self, ledgers, roster: Roster | None, plan, previous=None):
        self.roster = roster
        self.previous = previous
        self.known = known_units(roster, (n for led in ledgers for table in led.tables for t in table.tasks
                                          for n in t.units))
        self.plan_split = level1_split(plan.tasks) if plan is not None else {}

    def canon(self, name: str) -> str:
        return (self.roster.canonical(name) if self.roster else None) or name

    def names(self, units: list[str]) -> list[str]:
        """Unit names with groups expanded, in the roster's spelling, each once."""
        expand = self.roster.expand if self.roster else (lambda n: [n])
        return list(dict.fromkeys(c for n in units for c in map(self.canon, expand(n))))

    def owner(self, unit_cell: str | None, path: str) -> str | None:
        return file_unit(unit_cell, path, self.known)


def rollup_ledgers(ledgers, as_of: dt.date | None, config: Config | None = None, roster: Roster | None = None,
                   plan=None, unreadable: list[Unreadable] | None = None, previous=None) -> Rollup:
    """Roll up ledgers already read (from files or from live Excel); ``previous`` (a
    PreviousRound) marks the rows whose progress is the previous round's (RowResult.stale)."""
    config = config or Config()
    if roster is None and plan is not None:
        roster = plan.roster()
    batch = _Batch(ledgers, roster, plan, previous)
    unreadable = list(unreadable or [])
    for u in unreadable:
        u.unit = batch.owner(None, u.file)
    owners = [batch.owner(led.unit, led.path) for led in ledgers]
    blank = [not any(t.tasks for t in led.tables) for led in ledgers]
    empty = [{"file": led.path, "unit": me} for led, me, b in zip(ledgers, owners, blank, strict=True) if b]
    subs = [Submission(i, led.path, me, led.report_date, led.book.path)
            for i, (led, me, b) in enumerate(zip(ledgers, owners, blank, strict=True)) if not b]
    kept, set_aside, _ = choose(subs)
    counted = [(ledgers[s.index], owners[s.index]) for s in subs if s.index in kept]
    result = Rollup(as_of, [], [], [], [], unreadable, empty, set_aside, scoring=scoring_of(config),
                    plan_typos=dict(getattr(plan, "typos", {}) or {}))
    figures = _tally(counted, result, batch, config, plan)
    result.units = sorted(figures.values(), key=lambda f: (-(f.score_rate if f.score_rate is not None else -1),
                                                          -f.completion_rate, f.overdue, f.unit))
    result.missing = _missing(roster, result, owners)
    result.roster_given = bool(roster)
    return result


def _missing(roster: Roster | None, result: Rollup, owners: list[str | None]) -> list[str]:
    """Roster units that sent nothing: not a counted ledger, not an unreadable or a blank one."""
    if not roster:
        return []
    sent = {unit_key(u) for u in owners if u} | {unit_key(u.unit) for u in result.unreadable if u.unit}
    return [n for n in roster.names if unit_key(n) not in sent and not is_group_name(n)]


def _tally(counted, result: Rollup, batch: _Batch, config: Config, plan) -> dict[str, UnitFigures]:
    """Every counted ledger's rows into per-unit figures (and result.rows, result.files)."""
    from .rules import Context

    figures: dict[str, UnitFigures] = {}
    own_files = {me for _, me in counted if me}
    whole = len(counted) == 1 and not own_files
    for led, me in counted:
        base = base_date(result.as_of, led.report_date)
        result.bases.append(base)
        ctx = Context(as_of=base.date, config=config, roster=batch.roster, plan=plan,
                      previous=batch.previous.for_ledger(led.unit, led.path) if batch.previous else None)
        n_tasks = n_overdue = 0
        named_in = {id(t): batch.names(t.units) for tb in led.tables for t in tb.tasks}
        # a unit's own ledger is its own even where its rows misspell its name (check
        # reports the typo); then every row of it counts for the unit
        names_me = me is not None and any(me in named for named in named_in.values())
        for table in led.tables:
            pts = assessment_row_points(table, batch.plan_split) if table.kind == "assessment" else {}
            for t in table.tasks:
                named = named_in[id(t)]
                if whole or me is None:
                    units = [u for u in named if u not in own_files]
                else:
                    units = [me] if me in named or not named or not names_me else []
                row = _row(led, table, t, units, ctx, pts, result.scoring)
                result.rows.append(row)
                n_tasks += 1
                n_overdue += row.overdue
                lead = set(batch.names(t.lead_units))
                for u in units:
                    if u not in figures:
                        figures[u] = UnitFigures(u)
                    _add(figures[u], row, u in lead, led.path)
        result.files.append({"file": led.path, "unit": me, "tasks": n_tasks, "overdue": n_overdue,
                             "as_of": base.date.isoformat(), "as_of_source": base.source,
                             "report_date": led.report_date.isoformat() if led.report_date else None})
    for f in figures.values():
        if f.max_score is None and f.credited:
            f.score = 100 * f.credit / f.credited
            f.max_score = 100.0
    return figures


def _row(led, table: Table, t: Task, units: list[str], ctx, pts: dict, scoring: dict) -> RowResult:
    """One task row judged: status class, overdue (the check's own rule), credit, points."""
    from .rules import RULES, hits_of

    cls = ctx.config.status_class(t.status)
    overdue = bool(hits_of(RULES["overdue"].func(t, table, ctx)))
    late = bool(hits_of(RULES["completed-late"].func(t, table, ctx))) if table.has("done_date") else False
    row = RowResult(led.path, led.book.path, table.sheet, table, t, units, cls, overdue,
                    bonus=_bonus_sign(t) if table.kind == "assessment" else 0,
                    credit=task_credit(t, table, cls, overdue, late, scoring), late=late,
                    soon=bool(hits_of(RULES["due-soon"].func(t, table, ctx))), as_of=ctx.as_of,
                    stale=ctx.previous is not None and table.has("progress")
                    and bool(hits_of(RULES["stale-progress"].func(t, table, ctx))))
    if table.kind == "assessment":
        row.points = pts.get(t.excel_row)
        row.score = _row_score(t, row)
    return row


def _add(f: UnitFigures, row: RowResult, leads: bool, source: str) -> None:
    """One row into one unit's figures."""
    f.sources.add(source)
    if row.bonus:
        f.score = (f.score or 0.0) + (row.score or 0.0)
        return
    f.tasks += 1
    f.lead_tasks += leads
    if row.status == "done":
        f.completed += 1
        f.completed_on_time += not row.late
    elif row.status == "in_progress":
        f.in_progress += 1
    else:
        f.not_started += 1
    f.overdue += row.overdue
    f.due_soon += row.soon
    f.completed_late += row.late
    f.ongoing += row.task.deadline.kind == "ongoing"
    if row.table.kind == "assessment":
        if row.points is not None:
            f.score = (f.score or 0.0) + (row.score or 0.0)
            f.max_score = (f.max_score or 0.0) + row.points
    else:
        f.credit += row.credit
        f.credited += 1


def _row_score(t: Task, row: RowResult) -> float | None:
    """An assessment row's score: 考核得分, else 自评分, else credit × points; a bonus row
    adds or subtracts its score."""
    given = cell_number(t.score)
    if given is None:
        given = cell_number(t.self_score)
    if row.bonus:
        return abs(given or 0.0) * row.bonus
    if row.points is None:
        return None
    return given if given is not None else row.credit * row.points
