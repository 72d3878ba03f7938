"""Which cell of a ledger gets which fill and which note, for a set of findings.

One decision for every place that marks a workbook: annotated copies (write/annotate.py,
through openpyxl) and the Excel add-in (excel.py, through xlwings). A finding's cell is
marked at the top-left cell of the merge it lies in (Excel shows a merged cell's fill and
note there only); a cell with several findings takes the worst severity's colour and one
note listing them all; an overdue row is tinted across the table's columns where no finding
marks a cell.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import NamedTuple

from .model import SEVERITY_CN, Finding, Merge, parse_cell, worst_severity

# The colours of marks, as RGB: the writers take them from here
FILL_RGB = {
    "error": (255, 199, 206),  # red
    "warning": (255, 235, 156),  # amber
    "info": (221, 235, 247),  # blue
    "overdue": (252, 228, 214),  # the tint of an overdue row
}


def hex_of(rgb: tuple[int, int, int]) -> str:
    """(255, 199, 206) → "FFC7CE"."""
    return "".join(f"{v:02X}" for v in rgb)


class CellMark(NamedTuple):
    """One cell to mark (1-based row and column, as Excel counts)."""

    sheet: str
    row: int
    col: int
    fill: str  # a key of FILL_RGB
    note: str | None = None


class Anchors:
    """The top-left cell of the merge a cell lies in, from merge ranges kept as ranges (a
    merge over a whole sheet is one entry per column, not a cell per cell)."""

    def __init__(self, merges: dict[str, Iterable[Merge]]):
        by_col: dict[tuple[str, int], list[Merge]] = {}
        for sheet, ms in merges.items():
            for m in ms:
                for c in range(m.c0, m.c1 + 1):
                    by_col.setdefault((sheet, c), []).append(m)
        self._cols: dict[tuple[str, int], tuple[list[int], list[Merge]]] = {}
        for key, ms in by_col.items():
            ms.sort(key=lambda m: m.r0)
            self._cols[key] = ([m.r0 for m in ms], ms)  # (starts apart: bisect runs without a key function)

    def anchor(self, sheet: str, row: int, col: int) -> tuple[int, int]:
        """(row, col), 1-based, of the merge's top-left cell, or the cell itself."""
        spans = self._cols.get((sheet, col - 1))
        if spans:
            i = bisect.bisect_right(spans[0], row - 1) - 1
            if i >= 0:  # (merges do not overlap: the nearest start above is the only candidate)
                m = spans[1][i]
                if m.r0 <= row - 1 <= m.r1:
                    return m.r0 + 1, m.c0 + 1
        return row, col


def note_text(findings: list[Finding]) -> str:
    """The note of a marked cell: one line per finding, with the suggestion if any."""
    return "\n".join(f"【{SEVERITY_CN[f.severity]}·{f.title}】{f.message}"
                     + (f"（建议：{f.suggestion}）" if f.suggestion else "") for f in findings)


def plan_marks(findings: Iterable[Finding], anchors: Anchors,
               row_spans: dict[str, tuple[int, int]] | None = None) -> list[CellMark]:
    """The marks for some findings: their cells (at merge anchors) with fill and note, then
    the tint of every overdue row across ``row_spans[sheet]`` (1-based first and last
    column) where no finding marks a cell. In sheet, row, column order."""
    by_cell: dict[tuple[str, int, int], list[Finding]] = {}
    overdue_rows: set[tuple[str, int]] = set()
    for f in findings:
        if f.sheet and f.cell:
            r, c = parse_cell(f.cell)
            r, c = anchors.anchor(f.sheet, r + 1, c + 1)
            by_cell.setdefault((f.sheet, r, c), []).append(f)
        if f.rule == "overdue" and f.sheet and f.excel_row:
            overdue_rows.add((f.sheet, f.excel_row))
    marks = {key: CellMark(key[0], key[1], key[2], worst_severity(fs), note_text(fs)) for key, fs in by_cell.items()}
    for sheet, row in overdue_rows:
        lo, hi = (row_spans or {}).get(sheet, (1, 0))
        for col in range(lo, hi + 1):
            key = (sheet, *anchors.anchor(sheet, row, col))
            if key not in marks and key[1] == row:  # (a merge from a row above keeps its look)
                marks[key] = CellMark(sheet, row, key[2], "overdue")
    return [marks[k] for k in sorted(marks)]  # (keys are (sheet, row, column))
