"""``xltool fill``: a copy with merged cells unmerged and every inherited value written out
(for sorting, filtering and pivot tables); ``--remerge`` does the inverse for printing."""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl.utils import get_column_letter

from .annotate import _from_grids, _open
from .atomic import save_workbook

FILL_FIELDS = ("seq", "section", "subsection", "level1", "level2", "task", "requirement", "lead", "responsible",
               "deadline", "row_points")
REMERGE_FIELDS = ("lead", "responsible", "deadline")


def _copy_style(src, dst) -> None:
    if src.has_style:
        dst.font, dst.fill, dst.border = copy(src.font), copy(src.fill), copy(src.border)
        dst.alignment, dst.number_format, dst.protection = copy(src.alignment), src.number_format, copy(src.protection)


def _data_rows(table) -> tuple[int, int]:
    last = max((t.excel_row for t in table.tasks), default=table.data_row - 1)
    return table.data_row, last


def fill_workbook(wb, ledger) -> int:
    """Unmerge the merges inside task tables and write inherited values; returns cells written."""
    written = 0
    for table in ledger.tables:
        if table.sheet not in wb.sheetnames:
            continue
        ws = wb[table.sheet]
        first, last = _data_rows(table)
        task_rows = {t.excel_row for t in table.tasks}
        for rng in list(ws.merged_cells.ranges):
            if rng.max_row < first or rng.min_row > last or rng.min_row == rng.max_row:
                continue  # outside the table, or a heading row merged across
            anchor = ws.cell(rng.min_row, rng.min_col)
            value = anchor.value
            ws.unmerge_cells(str(rng))
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    cell = ws.cell(r, c)
                    if (r, c) != (rng.min_row, rng.min_col) and r in task_rows:
                        cell.value = value
                        written += 1
                    _copy_style(anchor, cell)
        # blanks inherited without merges (tables pasted from Word)
        for t in table.tasks:
            for f in FILL_FIELDS:
                col = table.columns.get(f)
                text = t.texts.get(f)
                if col is None or not text:
                    continue
                cell = ws.cell(t.excel_row, col + 1)
                if cell.value in (None, ""):
                    cell.value = text
                    written += 1
    return written


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


def fill_file(path: Path, out: Path, remerge: bool = False, password: str | None = None) -> tuple[int, str | None]:
    """Write the filled (or re-merged) copy; returns (cells written or runs merged, note)."""
    from ..reader import read_ledger

    ledger = read_ledger(path, password=password, label=str(path))
    wb = _open(str(path), password)
    note = None
    if wb is None:
        wb = _from_grids(str(path), password)
        note = "原文件无法按原格式打开（.xls 或非标准 .xlsx），另存为 .xlsx，只保留了数值和合并单元格"
    n = remerge_workbook(wb, ledger) if remerge else fill_workbook(wb, ledger)
    save_workbook(wb, out)
    return n, note
