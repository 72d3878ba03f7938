"""Word notices for tests: the seed tables as .docx with real vertical and horizontal merges,
built with python-docx from the seed workbooks (title and date paragraphs above the table)."""

from __future__ import annotations

from pathlib import Path

import docx

from xltool.grid import read_book
from xltool.table import find_layouts
from xltool.textnorm import cell_text


def docx_from_workbook(src: Path, out: Path, repeat_header_at: int | None = None, printed: bool = False) -> Path:
    """One Word table per workbook table; the rows above the header become paragraphs.
    ``repeat_header_at`` inserts a copy of the header row before that body row (a header
    repeated after a page break, as PDF-to-Word conversions leave them); choose a row no
    vertical merge crosses, as a page break would. ``printed``: A4 landscape with the
    header rows repeated on every page, as offices print a notice's table."""
    grid = read_book(src).sheets[0]
    lay = find_layouts(grid)[0]
    d = docx.Document()
    if printed:
        _a4_landscape(d)
    for r in range(lay.header_start):
        text = " ".join(cell_text(v) for v in grid.rows[r] if cell_text(v))
        if text:
            d.add_paragraph(text)
    rows = list(range(lay.header_start, grid.height))
    while rows and not any(cell_text(v) for v in grid.rows[rows[-1]]):
        rows.pop()
    extra = 1 if repeat_header_at is not None else 0
    ncol = grid.width
    table = d.add_table(rows=len(rows) + extra, cols=ncol)
    table.style = "Table Grid"
    out_row = {}  # grid row -> docx row
    i = 0
    for r in rows:
        if repeat_header_at is not None and r == lay.data_start + repeat_header_at:
            _header_copy(table, i, grid, lay.header_start)
            i += 1
        out_row[r] = i
        for c in range(ncol):
            if grid.anchor(r, c) == (r, c):
                _put_lines(table.cell(i, c), cell_text(grid.raw(r, c)))
        i += 1
    if printed:
        for r in range(lay.header_start, lay.data_start):
            _repeat_on_every_page(table.rows[out_row[r]])
    for m in grid.merges:
        if m.r0 in out_row and m.r1 in out_row and (m.r1 > m.r0 or m.c1 > m.c0):
            # merge() joins the texts of the cells; only the anchor has one
            table.cell(out_row[m.r0], m.c0).merge(table.cell(out_row[m.r1], m.c1))
    out.parent.mkdir(parents=True, exist_ok=True)
    d.save(out)
    return out


def _a4_landscape(d) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = Mm(20)


def _repeat_on_every_page(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)  # noqa: SLF001


def _header_copy(table, i: int, grid, header: int) -> None:
    """Row i of the Word table becomes a copy of the grid's header row (with its merges)."""
    for c in range(grid.width):
        v = grid.value(header, c)
        if grid.anchor(header, c) == (header, c) and v:
            table.cell(i, c).text = cell_text(v)
    for m in grid.merges:
        if m.r0 == m.r1 == header:
            table.cell(i, m.c0).merge(table.cell(i, m.c1))


def _put_lines(cell, text: str) -> None:
    """A multi-line text as several paragraphs in one cell, as Word keeps it."""
    if text:
        lines = text.split("\n")
        cell.text = lines[0]
        for ln in lines[1:]:
            cell.add_paragraph(ln)
