"""``xltool fill``: a copy with merged cells unmerged and every inherited value written out
(for sorting, filtering and pivot tables); ``--remerge`` does the inverse for printing."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..model import Merge, cell_ref
from .atomic import save_workbook
from .cells import put
from .sheetdata import KEEP, Body, Edits, rows_xml
from .workbook import copy_password, merge_all, open_for_copy

FILL_FIELDS = ("seq", "section", "subsection", "level1", "level2", "task", "requirement", "lead", "responsible",
               "deadline", "row_points")
REMERGE_FIELDS = ("lead", "responsible", "deadline")


def _copy_style(src, dst) -> None:
    """The anchor's look on a cell it covered. The cell's style index array is copied whole
    (openpyxl's own way between cells of one workbook): assigning font, fill, border … one by
    one looks each object up in the workbook's style lists, for every cell filled."""
    if src.has_style:
        dst._style = copy(src._style)


@dataclass
class FillActions:
    """What filling a ledger means, as plain data: merged ranges to undo and values to
    write (0-based). Applied by the openpyxl writer here and by the Excel add-in."""

    unmerge: list[tuple[str, Merge]] = field(default_factory=list)
    writes: list[tuple[str, int, int, object]] = field(default_factory=list)
    inherited: int = 0  # the last writes, blanks inherited without a merge (tables pasted from Word)


def fill_actions(ledger) -> FillActions:
    acts = FillActions()
    blanks = []
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
                blanks.append((table.sheet, r, c, text))
    acts.writes += blanks
    acts.inherited = len(blanks)
    return acts


def fill_workbook(source, ledger) -> tuple[int, dict]:
    """Apply ``fill_actions`` to a workbook opened for a copy (workbook.open_for_copy),
    carrying each anchor's format into the cells it covered; returns the number of cells
    written and the rows to splice in when it is saved (sheets kept as XML, the record)."""
    wb, kept = source.wb, source.kept
    acts = fill_actions(ledger)
    unmerged: dict[str, set[str]] = {}
    for sheet, m in acts.unmerge:
        unmerged.setdefault(sheet, set()).add(m.ref)
    for sheet, refs in unmerged.items():  # (all at once: openpyxl's unmerge_cells searches every merge each time)
        if sheet not in kept:
            ws = wb[sheet]
            ws.merged_cells.ranges = {r for r in ws.merged_cells.ranges if r.coord not in refs}
    edits: dict[str, Edits] = {name: Edits() for name in kept}
    writes = {(sheet, r + 1, c + 1): v for sheet, r, c, v in acts.writes}
    for sheet, m in acts.unmerge:
        anchor = (m.r0 + 1, m.c0 + 1)
        for r in range(m.r0 + 1, m.r1 + 2):
            for c in range(m.c0 + 1, m.c1 + 2):
                if (r, c) == anchor:
                    continue
                if sheet in kept:
                    edits[sheet].write(r, c, writes.pop((sheet, r, c), KEEP), style=anchor)
                else:
                    _copy_style(wb[sheet].cell(*anchor), wb[sheet].cell(r, c))
    for (sheet, r, c), value in writes.items():
        if sheet in kept:
            edits[sheet].write(r, c, value)
        else:
            put(wb[sheet], r, c, value)
    bodies = source.bodies(edits, unmerged)
    if acts.writes:
        blanks = [(sheet, cell_ref(r, c), v) for sheet, r, c, v in acts.writes[len(acts.writes) - acts.inherited:]]
        bodies[MERGES_SHEET] = _record(wb, acts.unmerge, blanks)
    return len(acts.writes), bodies


MERGES_SHEET = "xltool合并记录"  # hidden, in a filled copy: what fill did, for --remerge to undo
MERGED, BLANK = "合并", "空白"


def _record(wb, unmerged: list[tuple[str, Merge]], blanks: list[tuple[str, str, object]]) -> Body:
    """The merges fill undid and the blank cells it filled without one, in a hidden sheet
    (its rows, one per merge or cell, written as XML)."""
    if MERGES_SHEET in wb.sheetnames:
        del wb[MERGES_SHEET]
    ws = wb.create_sheet(MERGES_SHEET)
    put(ws, 1, 1, "xltool fill 取消的合并单元格和填入的空白单元格（xltool fill --remerge 据此恢复；请勿修改）")
    ws.sheet_state = "hidden"
    rows = [(MERGED, sheet, m.ref, None) for sheet, m in unmerged] + [(BLANK, s, ref, v) for s, ref, v in blanks]
    return Body(rows_xml((i, None, [(j, v, None) for j, v in enumerate(row, start=1)])
                         for i, row in enumerate(rows, start=2)), replace=False)


def _recorded(wb) -> list[tuple] | None:
    """What a filled copy records (kind, sheet, range, value written), or None for a
    workbook that is no filled copy."""
    if MERGES_SHEET not in wb.sheetnames:
        return None
    ws = wb[MERGES_SHEET]
    return [(str(k), str(s), str(r), v) for k, s, r, v in ws.iter_rows(min_row=2, max_col=4, values_only=True)
            if k and r]


def _restore(wb, recorded: list[tuple]) -> int:
    """Undo fill where the cells still hold what it wrote (a range whose rows were sorted
    or edited meanwhile is left alone): merges back, inherited blanks blank again."""
    from openpyxl.utils.cell import range_boundaries

    merged, refs = 0, {}
    for kind, sheet, ref, written in recorded:
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        c0, r0, c1, r1 = range_boundaries(ref)
        if kind == BLANK:
            if ws.cell(r0, c0).value == written:
                ws.cell(r0, c0).value = None
            continue
        anchor = ws.cell(r0, c0).value
        cells = [ws.cell(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)][1:]
        if any(cell.value not in (None, anchor) for cell in cells):
            continue
        for cell in cells:
            cell.value = None
        refs.setdefault(sheet, []).append(ref)
        merged += 1
    for sheet, sheet_refs in refs.items():
        merge_all(wb[sheet], sheet_refs)
    if MERGES_SHEET in wb.sheetnames:
        del wb[MERGES_SHEET]
    return merged


def remerge_workbook(wb, ledger, filled_copy: bool = False) -> int:
    """A filled copy (``filled_copy``): what fill did, undone from its record. Any other
    workbook: runs of identical values in the unit and deadline columns merged, never
    across a section (for printing)."""
    recorded = _recorded(wb)
    if recorded is not None or filled_copy:
        return _restore(wb, recorded or [])
    merged = 0
    for table in ledger.tables:
        if table.sheet not in wb.sheetnames:
            continue
        ws = wb[table.sheet]
        rows = [t.excel_row for t in table.tasks]
        part = {t.excel_row: (t.section, t.subsection, t.level1) for t in table.tasks}
        new: list[str] = []
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
                       and ws.cell(rows[j + 1], c).value == v and part[rows[j + 1]] == part[rows[i]]
                       and (rows[j + 1], c) not in taken and (rows[i], c) not in taken):
                    j += 1
                if j > i:
                    for r in rows[i + 1: j + 1]:
                        ws.cell(r, c).value = None
                    new.append(f"{get_column_letter(c)}{rows[i]}:{get_column_letter(c)}{rows[j]}")
                    merged += 1
                i = j + 1
        merge_all(ws, new)
    return merged


def fill_file(path: Path, out: Path, remerge: bool = False, password: str | None = None,
              decrypt_copies: bool = False, replace: bool = True) -> tuple[int, str | None, bool]:
    """Write the filled (or re-merged) copy; returns (cells written or runs merged, what the
    copy could not keep, whether it was encrypted with the original's password)."""
    from ..reader import read_ledger
    from .atomic import written_by_us

    ledger = read_ledger(path, password=password, label=str(path))
    source = open_for_copy(str(path), password, keep_rows=not remerge)
    bodies = None
    if remerge:
        n = remerge_workbook(source.wb, ledger, filled_copy=written_by_us(Path(path)) == "填充副本")
    else:
        n, bodies = fill_workbook(source, ledger)
    encrypt = copy_password(source, password, decrypt_copies)
    save_workbook(source.wb, out, mark="填充副本", password=encrypt, replace=replace, bodies=bodies, sst=source.sst)
    return n, source.note, encrypt is not None
