"""xltool for analysts: ``xltool.read``, ``xltool.check`` and ``xltool.rollup`` in a notebook.

    import xltool
    ledger = xltool.read("县政府办.xlsx")
    ledger.to_frame()                          # one row per task, every field
    report = xltool.check("台账/", plan="任务分工.xlsx", as_of="2020-12-15")
    report.to_frame().groupby("title").size()  # findings per rule
    xltool.rollup("台账/", plan="任务分工.xlsx").to_frame()

Each result has ``records()`` (a list of plain dicts) and ``to_frame()`` (a pandas DataFrame,
pandas imported only there). Calls keep no state between them and run in one process unless
``jobs`` is given. Arguments take what the command line takes: paths, dates as text or
``datetime.date``; a plan, roster or config as a path or as the object.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .basedate import parse_date_arg
from .config import Config, load_config, load_roster


def _date(value, what: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date_arg(str(value), what)


def _paths(paths) -> list:
    return [paths] if isinstance(paths, (str, Path)) else list(paths)


def _inputs(plan, roster, config, year, issued, as_of, password):
    from .plan import Plan, load_plan

    cfg = config if isinstance(config, Config) else load_config(config)
    if roster is not None and not hasattr(roster, "canonical"):
        roster = load_roster(Path(roster))
    if plan is not None and not isinstance(plan, Plan):
        plan, _ = load_plan(plan, year, issued, as_of, password)
    return plan, roster or cfg.roster, cfg


def read(path, *, year: int | None = None, issued=None, as_of=None, password: str | None = None):
    """Every task table of one file (.xlsx/.xlsm/.xls/.docx): a Ledger."""
    from .reader import read_ledger

    return read_ledger(path, year=year, issued=_date(issued, "发文日期"), as_of=_date(as_of, "基准日期"),
                       password=password, label=str(path))


def check(paths, *, as_of=None, plan=None, roster=None, config=None, year: int | None = None, issued=None,
          password: str | None = None, jobs: int = 1):
    """What ``xltool check`` finds in files and folders: a CheckReport."""
    from .batch import CheckOptions, check_paths

    as_of_d, issued_d = _date(as_of, "基准日期"), _date(issued, "发文日期")
    plan, roster, cfg = _inputs(plan, roster, config, year, issued_d, as_of_d, password)
    opts = CheckOptions(as_of=as_of_d, config=cfg, roster=roster, plan=plan, year=year, issued=issued_d,
                        password=password)
    return check_paths(_paths(paths), opts, jobs=jobs)


def rollup(paths, *, as_of=None, plan=None, roster=None, config=None, year: int | None = None, issued=None,
           password: str | None = None):
    """What ``xltool rollup`` counts and scores per unit: a Rollup."""
    from .unit_figures import rollup as do_rollup

    as_of_d, issued_d = _date(as_of, "基准日期"), _date(issued, "发文日期")
    plan, roster, cfg = _inputs(plan, roster, config, year, issued_d, as_of_d, password)
    return do_rollup(_paths(paths), as_of_d, cfg, roster, plan, year, issued_d, password)
