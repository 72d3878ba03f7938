"""Build small ledgers with openpyxl for tests: one quirk each."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HEADER = ["序号", "工作任务", "牵头单位", "责任单位", "时限要求", "完成状态", "完成日期", "进展情况", "佐证材料"]


def make_ledger(path: Path, rows: list[list], header=HEADER, title="2020年政务公开重点工作任务分工",
                preamble=(), merges=(), sheet="台账", extra_sheets=None) -> Path:
    """rows are the body; ``merges`` are Excel ranges like "C3:C5". Title in row 1, header in
    row 2 + len(preamble), body after it."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    r = 1
    if title:
        ws.cell(r, 1, title)
        r += 1
    for line in preamble:
        for c, v in enumerate(line if isinstance(line, (list, tuple)) else [line], start=1):
            ws.cell(r, c, v)
        r += 1
    for c, h in enumerate(header, start=1):
        ws.cell(r, c, h)
    for row in rows:
        r += 1
        for c, v in enumerate(row, start=1):
            if v is not None and v != "":
                ws.cell(r, c, v)
    for m in merges:
        ws.merge_cells(m)
    for name, data in (extra_sheets or {}).items():
        s = wb.create_sheet(name)
        for row in data:
            s.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
