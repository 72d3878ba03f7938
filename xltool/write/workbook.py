"""Opening a checked workbook for writing a copy of it (annotated copies, filled copies)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook, load_workbook

from ..model import Merge, parse_range
from .cells import put
from .sheetdata import Body, Edits, Kept, patch_rows, strip

REBUILT_NOTE = "原文件无法按原格式打开（.xls 或非标准 .xlsx），副本另存为 .xlsx，只保留了数值和合并单元格"


def _load(path: str, password: str | None, keep_rows: bool = False):
    """(openpyxl workbook of an .xlsx/.xlsm, or None where openpyxl cannot read it; whether
    the file is encrypted; the Prepared package). An encrypted file is decrypted in memory."""
    from ..grid import _decrypt
    from ..grid.guard import OLE_MAGIC

    with open(path, "rb") as fh:
        data = fh.read()
    encrypted = False
    if data.startswith(OLE_MAGIC):
        dec = _decrypt(path, Path(path), password)
        if dec is None or not dec.getvalue().startswith(b"PK"):
            return None, dec is not None, None  # a real .xls
        data, encrypted = dec.getvalue(), True
    try:
        prepared = _prepare(data, keep_rows)
        # bytes, not the path: openpyxl judges a file by its extension
        wb = load_workbook(io.BytesIO(prepared.data), keep_vba=path.lower().endswith(".xlsm"))
    except Exception:  # packages calamine reads but openpyxl rejects (odd part names, t="d" cells)
        return None, encrypted, None
    for title, refs in prepared.merges.items():
        if title in wb.sheetnames:
            merge_all(wb[title], refs)
    return wb, encrypted, prepared


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d{1,7}:[A-Za-z]{1,3}\d{1,7})"[^>]*/>')
_HUGE = 100_000  # cells: openpyxl makes an object for every cell a merge covers


def merge_all(ws, refs: list[str]) -> None:
    """Merge many ranges of a sheet at once: openpyxl's merge_cells checks each new range
    against every merge already there (quadratic in merges) and restyles its edge cells."""
    from openpyxl.worksheet.merge import MergedCellRange

    ws.merged_cells.ranges = set(ws.merged_cells.ranges) | {MergedCellRange(ws, ref) for ref in refs}


class Prepared(NamedTuple):
    """A package made ready for openpyxl, and what was taken out of it to be put back."""

    data: bytes
    merges: dict[str, list[str]]  # by sheet name: merges to put back once openpyxl loaded it
    kept: dict[str, Kept]  # by sheet name: rows that pass through the copy as XML
    sst: bytes | None  # the shared strings part the kept rows refer to


_SST_TARGET = re.compile(rb'<Relationship\b[^>]*?/sharedStrings"[^>]*?Target="([^"]+)"|'
                         rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?/sharedStrings"')


def _shared_strings(zin: zipfile.ZipFile) -> bytes | None:
    try:
        rels = zin.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    m = _SST_TARGET.search(rels)
    if m is None:
        return None
    target = (m.group(1) or m.group(2)).decode("utf-8", "replace").lstrip("/")
    try:
        return zin.read(target if target.startswith("xl/") else "xl/" + target)
    except KeyError:
        return None


def _prepare(data: bytes, keep_rows: bool) -> Prepared:
    """The package without its sheets' merges (and, with ``keep_rows``, without the rows of
    sheets in the usual form), and what was taken out. openpyxl binds each merge as it loads
    by restyling its cells, and merge_all puts them back at once. Merges of more than _HUGE
    cells are left out for good (the check reports them as bad-merge and reads the sheet as
    unmerged; openpyxl would build an object for every covered cell)."""
    from ..grid.guard import sheet_parts

    def huge(m) -> bool:
        r0, c0, r1, c1 = parse_range(m.group(1).decode())
        return (r1 - r0 + 1) * (c1 - c0 + 1) > _HUGE

    merges: dict[str, list[str]] = {}
    kept: dict[str, Kept] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        changed = {}
        sheet_of = sheet_parts(zin, {i.filename.lower(): i for i in zin.infolist()}, "")
        for info in zin.infolist():
            name = info.filename
            title = sheet_of.get(name.lower())
            if title is None:  # (a part the workbook does not name: leave it to openpyxl)
                continue
            xml = zin.read(info)
            refs = []
            if b"<mergeCell" in xml or b":mergeCell" in xml:
                refs = [m.group(1).decode() for m in _MERGE_REF.finditer(xml) if not huge(m)]
                xml = changed[name] = _MERGE_REF.sub(b"", xml)
            stripped = strip(xml) if keep_rows else None
            if stripped is not None:
                changed[name], kept[title] = stripped
                kept[title].merges = refs
            elif refs:
                merges[title] = refs
        if not changed:
            return Prepared(data, {}, {}, None)
        sst = _shared_strings(zin) if kept else None
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info in zin.infolist():
                zout.writestr(info, changed.get(info.filename) or zin.read(info))
    return Prepared(out.getvalue(), merges, kept, sst)


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
    kept: dict[str, Kept] = {}  # sheets whose rows openpyxl did not load (see sheetdata)
    sst: bytes | None = None

    def merges(self, title: str) -> list[Merge]:
        """The merged ranges of a sheet (0-based), kept as XML or loaded by openpyxl."""
        if title in self.kept:
            return [Merge(*parse_range(ref)) for ref in self.kept[title].merges]
        return [Merge(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
                for r in self.wb[title].merged_cells.ranges]

    def bodies(self, edits: dict[str, Edits], unmerged: dict[str, set[str]] | None = None) -> dict[str, Body]:
        """The kept rows of every sheet still in the workbook, with ``edits`` applied and
        without the merges ``unmerged`` names."""
        gone = unmerged or {}
        return {title: Body(patch_rows(k.rows, edits.get(title, Edits())), True, k.dimension, k.namespaces,
                            merges=[ref for ref in k.merges if ref not in gone.get(title, ())])
                for title, k in self.kept.items() if title in self.wb.sheetnames}


def open_for_copy(path: str, password: str | None = None, keep_rows: bool = False) -> CopySource:
    """openpyxl's own reading where it can, else a rebuild from values and merges with a
    note saying what was lost. With ``keep_rows`` the rows of sheets in the usual form are
    not loaded: the copy is then saved with ``bodies`` spliced in (sheetdata.splice)."""
    wb, encrypted, prepared = _load(path, password, keep_rows)
    if wb is not None:
        return CopySource(wb, None, encrypted, prepared.kept, prepared.sst)
    return CopySource(_from_grids(path, password), REBUILT_NOTE, encrypted)


def copy_password(source: CopySource, password: str | None, decrypt_copies: bool) -> str | None:
    """The password a copy is saved with: the original's, unless the user asked for plain copies."""
    return password if source.encrypted and not decrypt_copies else None
