"""Opening a checked workbook for writing a copy of it (annotated copies, filled copies)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook, load_workbook

from ..model import parse_range
from .cells import put

REBUILT_NOTE = "原文件无法按原格式打开（.xls 或非标准 .xlsx），副本另存为 .xlsx，只保留了数值和合并单元格"


def _load(path: str, password: str | None):
    """(openpyxl workbook of an .xlsx/.xlsm, or None where openpyxl cannot read it; whether
    the file is encrypted). An encrypted file is decrypted in memory."""
    from ..grid import _decrypt
    from ..grid.guard import OLE_MAGIC

    with open(path, "rb") as fh:
        data = fh.read()
    encrypted = False
    if data.startswith(OLE_MAGIC):
        dec = _decrypt(path, Path(path), password)
        if dec is None or not dec.getvalue().startswith(b"PK"):
            return None, dec is not None  # a real .xls
        data, encrypted = dec.getvalue(), True
    try:
        data, merges = _merges_out(data)
        # bytes, not the path: openpyxl judges a file by its extension
        wb = load_workbook(io.BytesIO(data), keep_vba=path.lower().endswith(".xlsm"))
    except Exception:  # packages calamine reads but openpyxl rejects (odd part names, t="d" cells)
        return None, encrypted
    for title, refs in merges.items():
        if title in wb.sheetnames:
            merge_all(wb[title], refs)
    return wb, encrypted


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d{1,7}:[A-Za-z]{1,3}\d{1,7})"[^>]*/>')
_HUGE = 100_000  # cells: openpyxl makes an object for every cell a merge covers


def merge_all(ws, refs: list[str]) -> None:
    """Merge many ranges of a sheet at once: openpyxl's merge_cells checks each new range
    against every merge already there (quadratic in merges) and restyles its edge cells."""
    from openpyxl.worksheet.merge import MergedCellRange

    ws.merged_cells.ranges = set(ws.merged_cells.ranges) | {MergedCellRange(ws, ref) for ref in refs}


def _merges_out(data: bytes) -> tuple[bytes, dict[str, list[str]]]:
    """The package without its sheets' merges, and the merges by sheet name, to be put back
    once openpyxl has loaded it: openpyxl binds each merge as it loads by restyling its cells,
    and merge_all puts them back at once. Merges of more than
    _HUGE cells are left out for good (the check reports them as bad-merge and reads the
    sheet as unmerged; openpyxl would build an object for every covered cell)."""
    from ..grid.guard import sheet_parts

    def huge(m) -> bool:
        r0, c0, r1, c1 = parse_range(m.group(1).decode())
        return (r1 - r0 + 1) * (c1 - c0 + 1) > _HUGE

    merges: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        changed = {}
        sheet_of = None
        for info in zin.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            xml = zin.read(info)
            if b"<mergeCell" not in xml and b":mergeCell" not in xml:
                continue
            if sheet_of is None:
                sheet_of = sheet_parts(zin, {i.filename.lower(): i for i in zin.infolist()}, "")
            title = sheet_of.get(name.lower())
            if title is None:  # (a part the workbook does not name: leave it to openpyxl)
                continue
            merges[title] = [m.group(1).decode() for m in _MERGE_REF.finditer(xml) if not huge(m)]
            changed[name] = _MERGE_REF.sub(b"", xml)
        if not changed:
            return data, {}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, changed.get(info.filename) or zin.read(info))
    return out.getvalue(), merges


def _from_grids(path: str, password: str | None) -> Workbook:
    """A workbook rebuilt from the values and merges calamine reads (formats are lost)."""
    from ..grid import read_book

    wb = Workbook()
    wb.remove(wb.active)
    for g in read_book(path, password=password).sheets:
        ws = wb.create_sheet(g.name[:31])
        for r, row in enumerate(g.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v not in (None, ""):
                    put(ws, r, c, v)
        for m in g.merges:
            ws.merge_cells(start_row=m.r0 + 1, start_column=m.c0 + 1, end_row=m.r1 + 1, end_column=m.c1 + 1)
        if g.hidden:
            ws.sheet_state = "hidden"
    return wb


class CopySource(NamedTuple):
    """A workbook opened to write a copy of it."""

    wb: Workbook
    note: str | None  # what the copy cannot keep (a rebuilt .xls loses its formatting)
    encrypted: bool  # the original has an open password


def open_for_copy(path: str, password: str | None = None) -> CopySource:
    """openpyxl's own reading where it can, else a rebuild from values and merges with a
    note saying what was lost."""
    wb, encrypted = _load(path, password)
    if wb is not None:
        return CopySource(wb, None, encrypted)
    return CopySource(_from_grids(path, password), REBUILT_NOTE, encrypted)


def copy_password(source: CopySource, password: str | None, decrypt_copies: bool) -> str | None:
    """The password a copy is saved with: the original's, unless the user asked for plain copies."""
    return password if source.encrypted and not decrypt_copies else None
