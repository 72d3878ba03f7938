"""``xltool check``: validate ledgers, one file or hundreds, in parallel.

One worker call reads a file with the fast reader, runs the rules and returns plain data.
Unit names seen across the whole batch are combined afterwards (a name seen once that is
one or two characters from a name seen often is suspect), so a worker never needs the
other files.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .basedate import BaseDate, base_date, describe_all
from .config import Config, sheet_config
from .errors import OurOutput, UnreadableFile, UsageError
from .grid import DEFAULT_LIMITS, SPREADSHEET_SUFFIXES, Limits
from .model import Finding, Records
from .textnorm import shown_name
from .units import Roster, near_duplicates


@dataclass(frozen=True)
class CheckOptions:
    as_of: dt.date | None = None  # --as-of; None: each ledger's own 填报日期, else today
    config: Config = field(default_factory=Config)
    roster: Roster | None = None  # --roster (or [roster] in the config file)
    plan: object | None = None  # xltool.plan.Plan
    previous: object | None = None  # xltool.previous.PreviousRound (--previous)
    year: int | None = None
    issued: dt.date | None = None
    password: str | None = None
    limits: Limits = DEFAULT_LIMITS


@dataclass
class FileResult:
    file: str
    error: str | None = None  # why the file could not be read
    findings: list[Finding] = field(default_factory=list)
    tasks: int = 0
    notes: list[str] = field(default_factory=list)
    # how often each unit name occurs, and where the names that occur once are (sheet, cell,
    # row): a name the batch finds rare occurs once in one file; only filled when no roster
    # applies to the file (for batch near-duplicates)
    unit_counts: Counter = field(default_factory=Counter)
    unit_first: dict = field(default_factory=dict)
    path: str | None = None  # the real path (for writers)
    base: BaseDate | None = None  # the base date the file was checked at
    unit: str | None = None  # the 填报单位 the ledger names
    report_date: dt.date | None = None  # the 填报日期 the ledger names
    names: frozenset = frozenset()  # without a 填报单位 cell: the unit names its rows give
    skipped: str | None = None  # why the file is not a ledger to check (our own output)
    config: Config | None = None  # the file's own 配置 sheet's config, where it has one

    def config_in(self, batch: Config) -> Config:
        """The config the batch-wide rules apply to this file: its own, else the batch's."""
        return self.config or batch

    @property
    def status(self) -> str:
        """ok | findings | error"""
        return "error" if self.error is not None else ("findings" if self.findings else "ok")

    @property
    def overdue(self) -> int:
        return sum(f.rule == "overdue" for f in self.findings)

    def counts(self) -> Counter:
        return Counter(f.severity for f in self.findings)

    def to_json(self) -> dict:
        return {"file": self.file, "status": self.status, "error": self.error,
                "as_of": self.base.date.isoformat() if self.base else None,
                "as_of_source": self.base.source if self.base else None, "unit": self.unit,
                "findings": [f.to_json() for f in self.findings]}


@dataclass
class CheckReport(Records):
    as_of: dt.date | None  # --as-of, or None where each ledger had its own base date
    files: list[FileResult]
    skipped: list[FileResult] = field(default_factory=list)  # files xltool wrote itself

    def summary(self) -> dict:
        c = Counter(x.severity for f in self.files for x in f.findings)
        return {"files": len(self.files), "errors": c["error"], "warnings": c["warning"],
                "infos": c["info"], "unreadable": sum(f.status == "error" for f in self.files),
                "skipped": len(self.skipped)}

    def records(self) -> list[dict]:
        """One row per finding (and one per file that could not be read, with its reason)."""
        out = []
        for f in self.files:
            as_of = f.base.date if f.base else None
            if f.error is not None:
                out.append({"file": f.file, "as_of": as_of, "rule": None, "title": "无法读取", "severity": "error",
                            "message": f.error})
            out += [{"file": f.file, "as_of": as_of, "title": x.title, **x.to_json()} for x in f.findings]
        return out

    def base_dates(self) -> str:
        """The base date(s) used, as one phrase for every output."""
        return describe_all(self.as_of, [f.base for f in self.files if f.base])

    def to_json(self) -> dict:
        return {"as_of": (self.as_of or dt.date.today()).isoformat(),
                "as_of_source": "option" if self.as_of else "per-ledger", "base_dates": self.base_dates(),
                "files": [f.to_json() for f in self.files], "summary": self.summary(),
                "skipped": [{"file": f.file, "reason": f.skipped} for f in self.skipped]}


def discover(paths: Iterable[str | Path]) -> list[tuple[str, str]]:
    """(label, path) of every spreadsheet under the given files and folders, recursively,
    in a stable order; Office lock files (~$x.xlsx) and our own unfinished writes
    (.~xltool-*) are skipped. A named file is always
    kept, whatever its suffix, so that a wrong file is reported rather than ignored.
    (Paths as text: a batch names thousands, and a Path object costs ten times a join.)"""
    out: list[tuple[str, str]] = []
    for p in paths:
        p = str(Path(p))  # (as Path writes it: "./a//b" is "a/b")
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(("~$", ".~xltool-")) or not name.lower().endswith(SPREADSHEET_SUFFIXES):
                        continue
                    f = os.path.join(root, name)
                    out.append((shown_name(f), f))
        elif os.path.basename(p).startswith("~$"):
            continue
        else:
            out.append((shown_name(p), p))
    return out


def _file_roster(ledger, opts: CheckOptions) -> Roster | None:
    if opts.roster:
        return opts.roster
    if opts.plan is not None:
        return opts.plan.roster()
    for g in ledger.book.sheets:
        if "单位名录" in g.name:
            r = Roster.from_rows(g.texts(), source=f"工作表“{g.name}”")
            if r:
                return r
    return None


def file_config(ledger, base: Config) -> Config:
    """``base`` with the ledger's own 配置 sheet applied, where it has one."""
    for g in ledger.book.sheets:
        if g.name.strip() == "配置":
            data = sheet_config(g.texts())
            if data:
                return base.merged(data, f"{ledger.path} 的“配置”工作表")
    return base


def check_file(label: str, path: str | Path, opts: CheckOptions) -> FileResult:
    """Check one file as ``xltool check FILE`` does (a batch of one); never raises for a
    bad file (it becomes a result with status error)."""
    results = check_files([(label, path)], opts)
    finish_batch([r for r in results if not r.skipped], opts)
    return results[0]


# The workbooks check_files holds at once, in bytes of files: their grids take some fifteen
# times that (a 5,000-row ledger: 0.3 MB of file, 4.5 MB of grid)
_GROUP_BYTES = 2**20


def check_files(items: list[tuple[str, str | Path]], opts: CheckOptions) -> list[FileResult]:
    """Check several files (label, path); never raises for a bad file.

    Step by step rather than file by file: look at each file (the guard), then read each
    (calamine), then check each (Python). Every step's code then stays in the CPU caches from
    one file to the next, which saves about a tenth of the time per file. Files are taken a
    megabyte at a time, so that memory does not grow with the batch.
    """
    from .grid import open_book

    results: list[FileResult | None] = [None] * len(items)
    group: list[tuple[int, Callable]] = []  # (index, the call that reads the file) of files looked at
    size = 0
    for i, (label, path) in enumerate(items):
        try:
            opened = open_book(path, opts.password, opts.limits, label, skip_ours=True)
        except Exception as e:
            results[i] = _failed(label, path, e)
            continue
        group.append((i, opened.read))
        size += opened.size
        if size >= _GROUP_BYTES:
            _read_and_check(group, items, opts, results)
            group, size = [], 0
    if group:
        _read_and_check(group, items, opts, results)
    return results


def _read_and_check(group: list[tuple[int, Callable]], items: list[tuple[str, str | Path]], opts: CheckOptions,
                    results: list[FileResult | None]) -> None:
    """check_files' second and third steps for a group of files already looked at: read
    each, then check each; each file's result goes to its index in ``results``."""
    from .reader import ledger_from_book

    books = []
    for i, read in group:
        try:
            books.append((i, read()))
        except Exception as e:
            results[i] = _failed(*items[i], e)
    for i, book in books:
        label, path = items[i]
        try:
            ledger = ledger_from_book(book, year=opts.year, issued=opts.issued, as_of=opts.as_of)
            results[i] = check_ledger(ledger, opts, path=str(path))
        except Exception as e:
            results[i] = _failed(label, path, e)


def failure_reason(e: BaseException) -> str:
    """Why a file could not be read or checked, in Chinese. A bug of ours must not stop the
    batch either: it is reported on the file."""
    if isinstance(e, UnreadableFile):
        return e.reason
    if isinstance(e, UsageError):
        return str(e)
    if isinstance(e, MemoryError):
        return "内存不足，文件过大"
    return f"内部错误（{type(e).__name__}: {e}），请将此文件反馈给开发者"


def _failed(label: str, path, e: Exception) -> FileResult:
    """The result of a file that could not be checked."""
    if isinstance(e, OurOutput):
        return FileResult(label, path=str(path), skipped=e.reason)
    return FileResult(label, failure_reason(e), path=str(path))


def check_ledger(ledger, opts: CheckOptions, path: str | None = None) -> FileResult:
    """Run the rules over a ledger already read (from a file or from live Excel)."""
    from .rules import Context, run_rules

    cfg = file_config(ledger, opts.config)
    own = cfg if cfg is not opts.config else None
    roster = _file_roster(ledger, opts)
    base = base_date(opts.as_of, ledger.report_date)
    previous = opts.previous.for_ledger(ledger.unit, path or ledger.path) if opts.previous is not None else None
    ctx = Context(as_of=base.date, config=cfg, roster=roster, plan=opts.plan, previous=previous)
    findings = run_rules(ledger, ctx)
    # (only a ledger without a 填报单位 cell needs its unit told from its file name)
    names = frozenset(n for table in ledger.tables for t in table.tasks for n in t.units) if not ledger.unit else ()
    res = FileResult(ledger.path, findings=findings,
                     tasks=sum(len(t.tasks) for t in ledger.tables),
                     notes=list(ledger.book.notes),
                     path=path, base=base, unit=ledger.unit, report_date=ledger.report_date, names=names,
                     config=own)
    if roster is None:
        tables = ledger.tables
        seen = [n for table in tables for t in table.tasks for n in t.lead_units]
        seen += [n for table in tables for t in table.tasks for n in t.responsible_units]
        res.unit_counts = counts = Counter(seen)
        once = {n for n, k in counts.items() if k == 1}
        first = res.unit_first
        for table in tables if once else ():
            for t in table.tasks:
                if once.isdisjoint(t.lead_units) and once.isdisjoint(t.responsible_units):
                    continue  # (set tests in C: most rows name no unit seen once)
                for fld, names in (("lead", t.lead_units), ("responsible", t.responsible_units)):
                    for n in once.intersection(names):
                        first[n] = (table.sheet, t.cell(fld) or t.cell("responsible") or t.cell("lead"),
                                    t.excel_row)
    return res


_OPTS: CheckOptions | None = None  # the options of the files being run (run_files), in every process


def _init(opts: CheckOptions) -> None:
    global _OPTS
    _OPTS = opts
    from .isolate import fence, quiet
    from .process import worker_started

    worker_started()
    quiet()
    fence(opts.limits)


def _in_time(func: Callable, items: list, *args) -> list:
    """``func(items, *args)`` in a pool worker within the time limit for that many files (a
    hang ends the worker, and the files left are then done one by one)."""
    import signal

    alarm = getattr(signal, "alarm", None)  # (none on Windows)
    if alarm is not None:
        alarm(max(1, int(_OPTS.limits.max_seconds * len(items))))
    try:
        return func(items, *args)
    finally:
        if alarm is not None:
            alarm(0)


def _pool(jobs: int):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context()
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init, initargs=(_OPTS,))


def _chunks(n: int, jobs: int) -> list[list[int]]:
    """The file indexes 0..n-1 in order, cut into tasks for ``jobs`` workers: up to 32 files
    per task (few round trips, and check_files gains from many files at once), smaller and
    smaller towards the end, down to one, so that no worker waits long for another."""
    out, i = [], 0
    while i < n:
        size = max(1, min(32, (n - i) // (2 * jobs)))
        out.append(list(range(i, i + size)))
        i += size
    return out


Failed = Callable[[tuple[str, str], UnreadableFile], object]


def _fenced(func: Callable, items: list[tuple[str, str]], args: tuple, failed: Failed) -> list:
    """``func(items, *args)`` in one fenced child process (xltool/isolate.py); if it dies or
    overruns, each file again in a child of its own, whose death is that file's result."""
    from .isolate import call

    try:
        return call(func, items, *args, limits=_OPTS.limits, label=items[0][0])
    except UnreadableFile as e:
        if len(items) == 1:
            return [failed(items[0], e)]
    return [r for item in items for r in _fenced(func, [item], args, failed)]


def _pooled(func: Callable, items: list[tuple[str, str]], args: tuple, failed: Failed, jobs: int,
            tick: Callable[[], None]) -> list:
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    results: dict[int, object] = {}
    try:
        with _pool(jobs) as ex:
            futs = {ex.submit(_in_time, func, [items[i] for i in chunk], *args): chunk
                    for chunk in _chunks(len(items), jobs)}
            for fut in as_completed(futs):
                for i, res in zip(futs[fut], fut.result(), strict=True):
                    results[i] = res
                    tick()
    except BrokenProcessPool:
        # a file made a worker die (the reader aborted, ran out of memory or of time): the
        # files left are done one per process, so that only that file is lost
        for i in (i for i in range(len(items)) if i not in results):
            results[i] = _fenced(func, [items[i]], args, failed)[0]
            tick()
    return [results[i] for i in range(len(items))]


def run_files(func: Callable, items: list[tuple[str, str]], args: tuple, opts: CheckOptions, failed: Failed,
              jobs: int | None = None, progress: Callable[[int, int], None] | None = None) -> list:
    """``func(chunk, *args)`` over the files (label, path), a chunk at a time, each chunk in
    a fenced process: a pool of ``jobs`` workers (default: the cores), or for a couple of
    files one child per chunk. ``func`` returns one result per file, in order; ``failed``
    makes the result of a file whose own process died. Results come back in the files'
    order; ``progress(done, total)`` hears of each. ``opts`` is what every process sees as
    _OPTS (set before forking: forked processes share it rather than receive it with every
    task)."""
    global _OPTS
    _OPTS = opts
    done = 0

    def tick():
        nonlocal done
        done += 1
        if progress:
            progress(done, len(items))

    jobs = min(jobs or os.cpu_count() or 1, len(items))
    if jobs > 1 and len(items) > 2:
        # the workers' modules, imported once before forking: forked workers share them
        # and start at once
        from . import reader, rules  # noqa: F401
        from .grid import calamine_reader  # noqa: F401

        return _pooled(func, items, args, failed, jobs, tick)
    results = []
    for chunk in _chunks(len(items), 1):  # a few at a time, for check_files and for progress
        results += _fenced(func, [items[i] for i in chunk], args, failed)
        for _ in chunk:
            tick()
    return results


def _check_chunk(items: list[tuple[str, str]]) -> list[FileResult]:
    return check_files(items, _OPTS)


def check_paths(paths: Iterable[str | Path], opts: CheckOptions, jobs: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> CheckReport:
    items = discover(paths)
    results = run_files(_check_chunk, items, (), opts, lambda item, e: _failed(*item, e), jobs, progress)
    skipped = [r for r in results if r.skipped]
    results = [r for r in results if not r.skipped]
    finish_batch(results, opts)
    return CheckReport(opts.as_of, results, skipped)


def finish_batch(results: list[FileResult], opts: CheckOptions) -> None:
    """What only the whole batch shows, added to its files' findings: unit names rare in
    the batch and near a common one, and units that sent more than one ledger. A single
    workbook (the Excel add-in) is a batch of one, so it gets what ``xltool check`` gives."""
    _batch_unit_names(results, opts)
    _duplicate_submissions(results, opts)


def _submissions(results: list[FileResult], known: dict[str, str]) -> list:
    """The readable ledgers of a batch as Submissions (unit from the cell or file name)."""
    from .submissions import Submission, file_unit

    return [Submission(i, r.file, file_unit(r.unit, r.file, known), r.report_date, r.path)
            for i, r in enumerate(results) if r.error is None]


def _known_units(results: list[FileResult], opts: CheckOptions) -> dict[str, str]:
    """unit key -> name, of every unit the roster, the plan or the batch's files name."""
    from .submissions import known_units

    roster = opts.roster or (opts.plan.roster() if opts.plan is not None else None)
    return known_units(roster, [r.unit for r in results if r.unit] + [n for r in results for n in r.names])


def _duplicate_submissions(results: list[FileResult], opts: CheckOptions) -> None:
    """duplicate-submission: a unit that sent two ledgers or more, on each of them."""
    from .rules import batch_finding, sort_findings
    from .rules.folder import duplicate_submission
    from .submissions import choose

    _, _, groups = choose(_submissions(results, _known_units(results, opts)))
    for i, group in groups.items():
        me = next(s for s in group if s.index == i)
        f = batch_finding("duplicate-submission", results[i].config_in(opts.config), duplicate_submission(me, group))
        if f is not None:
            results[i].findings.append(f)
            sort_findings(results[i].findings)


def _batch_unit_names(results: list[FileResult], opts: CheckOptions) -> None:
    """unknown-unit without a roster: names seen once in the whole batch, one or two
    characters from a name seen often."""
    from .rules import batch_finding, sort_findings
    from .rules.units import batch_hits

    counts = Counter()
    for r in results:
        counts.update(r.unit_counts)
    if not counts:
        return
    near = near_duplicates(counts)
    for r in results:
        config = r.config_in(opts.config)
        found = [f for hit in batch_hits(r.unit_first, near) if (f := batch_finding("unknown-unit", config, hit))]
        if found:
            r.findings += found
            sort_findings(r.findings)


def exit_code(report: CheckReport) -> int:
    """0 nothing at error severity, 1 findings at error severity, 2 unreadable inputs."""
    s = report.summary()
    if s["unreadable"]:
        return 2
    return 1 if s["errors"] else 0

