"""``xltool fill``: a copy with merged cells unmerged and every inherited value written out
(for sorting, filtering and pivot tables); ``--remerge`` does the inverse for printing."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..model import Merge
from .atomic import save_workbook
from .cells import put
from .workbook import copy_password, open_for_copy

FILL_FIELDS = ("seq", "section", "subsection", "level1", "level2", "task", "requirement", "lead", "responsible",
               "deadline", "row_points")
REMERGE_FIELDS = ("lead", "responsible", "deadline")


def _copy_style(src, dst) -> None:
    if src.has_style:
        dst.font, dst.fill, dst.border = copy(src.font), copy(src.fill), copy(src.border)
        dst.alignment, dst.number_format, dst.protection = copy(src.alignment), src.number_format, copy(src.protection)


@dataclass
class FillActions:
    """What filling a ledger means, as plain data: merged ranges to undo and values to
    write (0-based). Applied by the openpyxl writer here and by the Excel add-in."""

    unmerge: list[tuple[str, Merge]] = field(default_factory=list)
    writes: list[tuple[str, int, int, object]] = field(default_factory=list)


def fill_actions(ledger) -> FillActions:
    acts = FillActions()
    grids = {g.name: g for g in ledger.book.sheets}
    for table in ledger.tables:
        grid = grids.get(table.sheet)
        if grid is None or not table.tasks:
            continue
        first = table.data_row - 1
        last = max(t.excel_row for t in table.tasks) - 1
        task_rows = {t.excel_row - 1 for t in table.tasks}
        covered = set()
        for m in grid.merges:
            if m.r1 < first or m.r0 > last or m.r0 == m.r1:
                continue  # outside the table, or a heading row merged across
            acts.unmerge.append((table.sheet, m))
            value = grid.raw(m.r0, m.c0)
            for r in range(m.r0, m.r1 + 1):
                for c in range(m.c0, m.c1 + 1):
                    covered.add((r, c))
                    if (r, c) != (m.r0, m.c0) and r in task_rows and value is not None:
                        acts.writes.append((table.sheet, r, c, value))
        for t in table.tasks:  # blanks inherited without merges (tables pasted from Word)
            r = t.excel_row - 1
            for f in FILL_FIELDS:
                c = table.columns.get(f)
                text = t.texts.get(f)
                if c is None or not text or (r, c) in covered or grid.raw(r, c) is not None:
                    continue
                acts.writes.append((table.sheet, r, c, text))
    return acts


def fill_workbook(wb, ledger) -> int:
    """Apply ``fill_actions`` to an openpyxl workbook, carrying each anchor's format into
    the cells it covered; returns the number of cells written."""
    acts = fill_actions(ledger)
    for sheet, m in acts.unmerge:
        ws = wb[sheet]
        anchor = ws.cell(m.r0 + 1, m.c0 + 1)
        ws.unmerge_cells(start_row=m.r0 + 1, start_column=m.c0 + 1, end_row=m.r1 + 1, end_column=m.c1 + 1)
        for r in range(m.r0 + 1, m.r1 + 2):
            for c in range(m.c0 + 1, m.c1 + 2):
                _copy_style(anchor, ws.cell(r, c))
    for sheet, r, c, value in acts.writes:
        put(wb[sheet], r + 1, c + 1, value)
    return len(acts.writes)


def remerge_workbook(wb, ledger) -> int:
    """Merge runs of identical values in the unit and deadline columns (for printing)."""
    merged = 0
    for table in ledger.tables:
        if table.sheet not in wb.sheetnames:
            continue
        ws = wb[table.sheet]
        rows = [t.excel_row for t in table.tasks]
        for f in REMERGE_FIELDS:
            col = table.columns.get(f)
            if col is None:
                continue
            c = col + 1
            taken = {(r, c) for rng in ws.merged_cells.ranges for r in range(rng.min_row, rng.max_row + 1)
                     if rng.min_col <= c <= rng.max_col}
            i = 0
            while i < len(rows):
                j = i
                v = ws.cell(rows[i], c).value
                while (j + 1 < len(rows) and rows[j + 1] == rows[j] + 1 and v not in (None, "")
                       and ws.cell(rows[j + 1], c).value == v
                       and (rows[j + 1], c) not in taken and (rows[i], c) not in taken):
                    j += 1
                if j > i:
                    for r in rows[i + 1: j + 1]:
                        ws.cell(r, c).value = None
                    ws.merge_cells(f"{get_column_letter(c)}{rows[i]}:{get_column_letter(c)}{rows[j]}")
                    merged += 1
                i = j + 1
    return merged


def fill_file(path: Path, out: Path, remerge: bool = False, password: str | None = None,
              decrypt_copies: bool = False, replace: bool = True) -> tuple[int, str | None, bool]:
    """Write the filled (or re-merged) copy; returns (cells written or runs merged, what the
    copy could not keep, whether it was encrypted with the original's password)."""
    from ..reader import read_ledger

    ledger = read_ledger(path, password=password, label=str(path))
    source = open_for_copy(str(path), password)
    n = remerge_workbook(source.wb, ledger) if remerge else fill_workbook(source.wb, ledger)
    encrypt = copy_password(source, password, decrypt_copies)
    save_workbook(source.wb, out, mark="填充副本", password=encrypt, replace=replace)
    return n, source.note, encrypt is not None
