"""File → tables of normalized tasks: the library call behind ``xltool inspect``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import docmeta
from .grid import DEFAULT_LIMITS, Limits, read_book
from .model import Book, Grid, Records, Table, col_letter
from .table import find_layouts
from .tasks import build_tasks


@dataclass
class Ledger(Records):
    """Everything read from one file."""

    path: str
    book: Book
    tables: list[Table] = field(default_factory=list)
    unit: str | None = None  # the 填报单位 the file names, if any
    report_date: dt.date | None = None  # the 填报日期 the file names, if any

    def records(self) -> list[dict]:
        """One row per task: the file, sheet and table it stands in, then every field."""
        return [{"file": self.path, "sheet": t.sheet, "kind": t.kind, "year": t.year, "unit": self.unit,
                 "report_date": self.report_date, **k.record()} for t in self.tables for k in t.tasks]

    def to_json(self) -> dict:
        return {"file": self.path, "format": self.book.format, "notes": self.book.notes,
                "unit": self.unit, "tables": [t.to_json() for t in self.tables]}


def tables_of_grid(grid: Grid, year: int | None = None, issued: dt.date | None = None,
                   default_year: int | None = None, context: list[str] | None = None,
                   default_from: str = "基准日期") -> list[Table]:
    """All task tables of one grid. ``year``/``issued`` override what the sheet says;
    ``default_year`` (the year of ``default_from``) is used when neither the override nor
    the sheet names a year, with a note on the table."""
    out = []
    layouts = find_layouts(grid)
    for i, lay in enumerate(layouts):
        top = layouts[i - 1].data_end if i else 0
        above = grid.texts(top, lay.header_start)
        lines = [" ".join(t for t in row if t) for row in above]
        lines = [ln for ln in lines if ln.strip()]
        below = [" ".join(t for t in row if t) for row in grid.texts(lay.data_end)]
        extra = context or []
        named = docmeta.plan_year(lines + extra)
        t_year, source = (year, "--year") if year else (named, "标题或通知")
        t_issued = issued or docmeta.issue_date(lines + extra + below)
        if t_year is None and t_issued is not None:
            t_year, source = t_issued.year, "发文日期"
        if t_year is None and default_year is not None:
            t_year, source = default_year, default_from
        source = source if t_year else None
        title = next((ln.strip() for ln in reversed(lines) if not docmeta._UNIT_LABEL.match(ln.strip())
                      and len(ln.strip()) <= 80), None)
        table = Table(
            sheet=grid.name, kind=lay.kind, header_row=lay.header_start + 1, data_row=lay.data_start + 1,
            columns=lay.columns, headers=lay.headers, title=title, year=t_year, issued=t_issued,
            unit=docmeta.reporting_unit(above), hidden=grid.hidden,
            report_date=docmeta.reporting_date(grid.rows[top:lay.header_start]),
        )
        table.year_source = source
        table.unmapped = {col_letter(c): t for c, t in sorted(lay.unmapped.items())}
        if source == default_from:
            table.notes.append(f"标题和通知中没有计划年度，按{default_from}的年份 {t_year} 年计算“年底前”“6月底前”等时限"
                               f"（如不对，请用 --year 指定）")
        table.tasks = build_tasks(grid, lay, t_year, t_issued)
        out.append(table)
    return out


def read_ledger(path, year: int | None = None, issued: dt.date | None = None,
                as_of: dt.date | None = None, password: str | None = None,
                limits: Limits = DEFAULT_LIMITS, label: str | None = None, skip_ours: bool = False,
                fenced: bool = True) -> Ledger:
    """Read a workbook and every task table in it. Raises UnreadableFile (OurOutput for
    a workbook xltool wrote, with ``skip_ours``). ``fenced``: the file is read in a child
    process (grid.read_book)."""
    book = read_book(path, password=password, limits=limits, label=label, skip_ours=skip_ours, fenced=fenced)
    return ledger_from_book(book, year=year, issued=issued, as_of=as_of)


def ledger_from_book(book: Book, year: int | None = None, issued: dt.date | None = None,
                     as_of: dt.date | None = None) -> Ledger:
    """The task tables of grids already read (from a file, a Word notice or live Excel).

    A table whose text names no plan year takes the year of the base date: ``as_of``, else
    the ledger's own 填报日期 (so that last year's ledger checked in January keeps its year),
    else today's."""
    ledger = Ledger(path=book.path, book=book)

    def build(default_year: int | None, default_from: str) -> list[Table]:
        return [t for grid in book.sheets
                for t in tables_of_grid(grid, year, issued, default_year, book.context, default_from)]

    ledger.tables = build(as_of.year if as_of else None, "基准日期")
    ledger.unit = next((t.unit for t in ledger.tables if t.unit), None)
    ledger.report_date = next((t.report_date for t in ledger.tables if t.report_date), None)
    if as_of is None and any(t.year is None for t in ledger.tables):
        ledger.tables = build((ledger.report_date or dt.date.today()).year,
                              "填报日期" if ledger.report_date else "今天")
    return ledger
