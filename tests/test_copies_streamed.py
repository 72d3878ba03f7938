"""Copies whose rows pass through as XML (write/sheetdata.py): the annotated and filled
copies must be what openpyxl's own round trip gives, cell by cell, and keep what openpyxl
would lose (shared strings, rich text)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile

import pytest
from conftest import CORPUS, needs_libreoffice, seed, soffice
from ledgers import make_ledger, with_shared_strings
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from xltool.batch import CheckOptions, check_file
from xltool.reader import read_ledger
from xltool.write import sheetdata, workbook
from xltool.write.annotate import annotate_file
from xltool.write.fill import fill_file

AS_OF = dt.date(2020, 11, 20)


def styled_ledger(path):
    """A ledger with the things a copy must keep: fonts, fills, borders, number formats,
    widths, a comment, a link, a merged unit column, rows and cells absent from the XML."""
    make_ledger(path, [
        [1, "任务甲", "县政府办", "县财政局", "2020年9月底前", "推进中"],
        [2, "任务乙", None, "县财政局", None, "基本完成"],
        [3, "任务丙", "县政府办", None, "持续推进", "推进中", dt.date(2020, 3, 1), "正常"],
        [4, "=任务丁", "县政府办", "县财政局", "2020年6月底前", "已完成", dt.date(2020, 6, 1), "按期完成"],
    ], merges=["C3:C4", "E5:E6"], extra_sheets={"说明": [["这是一张附表"], [1, 2.5, True]]})
    from openpyxl.comments import Comment
    from openpyxl.worksheet.hyperlink import Hyperlink

    wb = load_workbook(path)
    ws = wb["台账"]
    ws["B3"].font = Font(bold=True, color="FF0000")
    ws["H5"].fill = PatternFill("solid", fgColor="00FF00")
    ws["G5"].number_format = "yyyy\"年\"m\"月\"d\"日\""
    ws["C3"].border = Border(left=Side(style="thin"), bottom=Side(style="medium"))
    ws["C3"].alignment = Alignment(wrap_text=True, vertical="center")
    ws["E3"].comment = Comment("原有批注", "科员")
    ws["I6"] = "佐证"
    ws["I6"].hyperlink = Hyperlink(ref="I6", location="'说明'!A1")
    ws.column_dimensions["B"].width = 40
    ws.row_dimensions[4].height = 30
    ws.cell(9, 3, "表外")  # a row after the table, the row between absent
    wb.save(path)
    return path


def look(cell) -> tuple:
    f, b, a = cell.font, cell.border, cell.alignment
    value = cell.value
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()  # (a t="d" cell kept as XML reads as a date; openpyxl rewrites it as a number)
    return (value, f.b, f.color.rgb if f.color else None, cell.fill.fill_type, cell.fill.fgColor.rgb,
            b.left.style, b.bottom.style, a.wrap_text, a.vertical, cell.number_format,
            cell.comment.text if cell.comment else None,
            (cell.hyperlink.location, cell.hyperlink.target) if cell.hyperlink else None)


def everything(path) -> dict:
    """A workbook as data: sheets, states, cells with their look, merges, sizes."""
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {c.coordinate: look(c) for row in ws.iter_rows() for c in row
                 if c.value is not None or c.has_style or c.comment or c.hyperlink}
        out[ws.title] = (ws.sheet_state, cells, sorted(str(r) for r in ws.merged_cells.ranges),
                         {k: d.width for k, d in ws.column_dimensions.items() if d.width},
                         {k: d.height for k, d in ws.row_dimensions.items() if d.height},
                         ws.freeze_panes, ws.auto_filter.ref, ws.print_title_rows)
    return out


def both_ways(monkeypatch, make):
    """``make(out)`` with rows kept as XML, and again with openpyxl loading every row."""
    kept = make("kept.xlsx")
    with monkeypatch.context() as m:
        m.setattr(workbook, "strip", lambda xml: None)
        loaded = make("loaded.xlsx")
    return kept, loaded


def inputs(tmp_path):
    styled = styled_ledger(tmp_path / "styled.xlsx")
    shared = with_shared_strings(shutil.copy(styled, tmp_path / "shared.xlsx"), rich="B4")
    return {"styled": styled, "shared": shared, **{f"seed{n}": seed(n) for n in ("000", "001", "002", "003", "004")}}


@pytest.mark.parametrize("name", ["styled", "shared", "seed000", "seed001", "seed002", "seed003", "seed004"])
def test_annotated_copy_is_the_same_with_rows_kept_as_xml(tmp_path, monkeypatch, name):
    src = inputs(tmp_path)[name]
    result = check_file(str(src), src, CheckOptions(as_of=AS_OF))

    def make(file):
        annotate_file(result, tmp_path / file)
        return tmp_path / file

    kept, loaded = both_ways(monkeypatch, make)
    a, b = everything(kept), everything(loaded)
    assert a == b
    if not name.startswith("seed"):  # (the seeds are plans, with no progress to find fault with)
        marked = [ref for ref, v in a["台账"][1].items() if v[4] and v[4].endswith(("FFC7CE", "FCE4D6"))]
        assert len(marked) >= 5  # (the comparison is of marked copies, not of two untouched ones)


@pytest.mark.parametrize("name", ["styled", "shared", "seed000", "seed001", "seed002", "seed003", "seed004"])
def test_filled_copy_is_the_same_with_rows_kept_as_xml(tmp_path, monkeypatch, name):
    src = inputs(tmp_path)[name]

    def make(file):
        fill_file(src, tmp_path / file)
        return tmp_path / file

    kept, loaded = both_ways(monkeypatch, make)
    assert everything(kept) == everything(loaded)
    docs = [[t.to_json() for table in read_ledger(p).tables for t in table.tasks] for p in (src, kept)]
    assert docs[0] == docs[1]


CORPUS_BOOKS = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm")) if CORPUS.exists() else []


@pytest.mark.parametrize("path", CORPUS_BOOKS, ids=lambda p: p.name)
def test_copies_of_other_projects_files_are_the_same_with_rows_kept_as_xml(tmp_path, monkeypatch, path):
    result = check_file(str(path), path, CheckOptions(as_of=AS_OF))
    if result.error:
        pytest.skip(f"not readable: {result.error}")

    def annotated(file):
        annotate_file(result, tmp_path / file)
        return tmp_path / file

    def filled(file):
        fill_file(path, tmp_path / ("f" + file))
        return tmp_path / ("f" + file)

    for make in (annotated, filled):
        kept, loaded = both_ways(monkeypatch, make)
        assert everything(kept) == everything(loaded)


def test_kept_rows_keep_shared_strings_and_rich_text(tmp_path):
    src = with_shared_strings(styled_ledger(tmp_path / "l.xlsx"), rich="B4")
    sst = zipfile.ZipFile(src).read("xl/sharedStrings.xml")
    assert b"<rPr><b/></rPr>" in sst
    result = check_file(str(src), src, CheckOptions(as_of=AS_OF))
    annotate_file(result, tmp_path / "a.xlsx")
    fill_file(src, tmp_path / "f.xlsx")
    for out in (tmp_path / "a.xlsx", tmp_path / "f.xlsx"):
        with zipfile.ZipFile(out) as z:
            assert z.read("xl/sharedStrings.xml") == sst  # the original part, rich runs and all
        rich = load_workbook(out, rich_text=True)["台账"]["B4"].value
        assert type(rich[0]).__name__ == "TextBlock" and rich[0].font.b and len(rich) == 2
        assert str(rich) == "任务乙"
        assert load_workbook(out)["台账"]["B6"].value == "=任务丁"  # text that looks like a formula stays text
    assert load_workbook(tmp_path / "f.xlsx")["台账"]["C4"].value == "县政府办"


def rows_of(xml: bytes) -> dict:
    """{row: {ref: (style, value xml)}} of some <row> elements."""
    out = {}
    for r, body in re.findall(rb'<row r="(\d+)"[^>]*?(?:/>|>(.*?)</row>)', xml, re.S):
        cells = {}
        for ref, attrs, inner in re.findall(rb'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', body, re.S):
            s = re.search(rb's="(\d+)"', attrs)
            cells[ref.decode()] = (int(s.group(1)) if s else 0, inner.decode())
        out[int(r)] = cells
    return out


def test_patch_rows_puts_cells_and_rows_in_their_places():
    rows = (b'<row r="2" spans="1:4"><c r="B2" s="3" t="s"><v>7</v></c><c r="D2"><v>1</v></c></row>'
            b'<row r="4" spans="1:1"/>'
            b'<row r="5"><c r="A5" s="2"/><extLst><ext uri="x"/></extLst></row>')
    edits = sheetdata.Edits()
    edits.restyle(2, 1, 9)  # before the first cell
    edits.restyle(2, 3, lambda s: s + 100)  # between two cells: it had no style (0)
    edits.restyle(2, 4, lambda s: s + 100)
    edits.write(2, 2, "a<b & c\x01", style=None)  # the value goes, the style stays
    edits.restyle(1, 1, 5)  # a row before the first
    edits.write(3, 2, dt.date(2020, 6, 30), style=(2, 2))  # a row between, styled as B2
    edits.restyle(4, 2, 6)  # a self-closing row
    edits.write(5, 3, True, style=(5, 1))
    edits.write(7, 1, 2.5)  # a row after the last
    out = b"".join(bytes(p) for p in sheetdata.patch_rows(rows, edits))
    got = rows_of(out)
    assert list(got) == [1, 2, 3, 4, 5, 7]
    assert got[1] == {"A1": (5, "")}
    assert list(got[2]) == ["A2", "B2", "C2", "D2"]
    assert got[2]["A2"] == (9, "") and got[2]["C2"] == (100, "") and got[2]["D2"] == (100, "<v>1</v>")
    assert got[2]["B2"] == (3, '<is><t xml:space="preserve">a&lt;b &amp; c</t></is>')
    assert got[3] == {"B3": (3, "<v>44012.0</v>")}  # (2020-06-30 as Excel counts days)
    assert got[4] == {"B4": (6, "")}
    assert got[5] == {"A5": (2, ""), "C5": (2, "<v>1</v>")}
    assert b"spans" not in out and b'<extLst><ext uri="x"/></extLst></row>' in out
    assert b'<c r="C5" s="2" t="b">' in out


def test_a_sheet_not_in_the_usual_form_is_loaded_by_openpyxl():
    usual = b'<worksheet><dimension ref="A1:B2"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    stripped, kept = sheetdata.strip(usual)
    assert stripped == b'<worksheet><dimension ref="A1:B2"/><sheetData/></worksheet>'
    assert kept.rows == b'<row r="1"><c r="A1"><v>1</v></c></row>' and kept.dimension == b'<dimension ref="A1:B2"/>'
    assert sheetdata.strip(usual.replace(b'<c r="A1">', b"<c>")) is None  # a cell placed by position
    assert sheetdata.strip(usual.replace(b'<row r="1">', b"<row>")) is None
    prefixed = usual.replace(b"<sheetData>", b"<x:sheetData>").replace(b"</sheetData>", b"</x:sheetData>")
    assert sheetdata.strip(prefixed) is None


LO_BOOLEANS = {"=TRUE()": True, "=FALSE()": False}  # (how LibreOffice saves a boolean cell)


@needs_libreoffice
def test_libreoffice_reads_the_streamed_copies(tmp_path):
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    src = with_shared_strings(styled_ledger(tmp_path / "l.xlsx"), rich="B4")
    result = check_file(str(src), src, CheckOptions(as_of=AS_OF))
    annotate_file(result, tmp_path / "a.xlsx")
    fill_file(src, tmp_path / "f.xlsx")
    for name in ("a", "f"):
        folder = tmp_path / f"lo_{name}"
        subprocess.run([soffice(), "--headless", "--convert-to", "xlsx", "--outdir", str(folder),
                        str(tmp_path / f"{name}.xlsx")], check=True, capture_output=True, timeout=120,
                       env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
        ours, theirs = load_workbook(tmp_path / f"{name}.xlsx"), load_workbook(folder / f"{name}.xlsx")
        assert ours.sheetnames == theirs.sheetnames
        for ws in ours.worksheets:
            mine = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")}
            read = {c.coordinate: LO_BOOLEANS.get(c.value, c.value) if isinstance(c.value, str) else c.value
                    for row in theirs[ws.title].iter_rows() for c in row if c.value not in (None, "")}
            assert read == mine, ws.title
        marked = theirs["台账"]["E3"]
        if name == "a":
            assert marked.fill.fgColor.rgb.endswith("FFC7CE") and "逾期" in marked.comment.text
            assert "原有批注" in marked.comment.text
