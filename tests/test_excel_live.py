"""The add-in's entry points against a real spreadsheet application: LibreOffice Calc
driven through UNO (tests/uno_xlwings.py), on real ledgers. What they did is read back from
what Calc saves: values, fills, notes, merges and the findings sheet."""

import json
import shutil

import pytest
from conftest import ROOT, seed, soffice
from openpyxl import load_workbook
from typer.testing import CliRunner

import xltool.excel as excel
from xltool.cli import app
from xltool.marks import FILL_RGB, hex_of

try:
    import uno_xlwings
except ImportError:  # no python3-uno
    uno_xlwings = None

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(soffice() is None or uno_xlwings is None, reason="LibreOffice with UNO not installed")]
LEDGER = ROOT / "examples" / "ledgers" / "县政府办.xlsx"
runner = CliRunner()


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    o = uno_xlwings.Office(soffice(), tmp_path_factory.mktemp("profile"))
    yield o
    o.close()


@pytest.fixture
def opened(office, tmp_path):
    books = []

    def open_copy(path):
        copy = tmp_path / path.name
        shutil.copyfile(path, copy)
        b = office.open(copy)
        books.append(b)
        return b

    yield open_copy
    for b in books:
        b.close()


def anchor(merges: list[str], cell: str) -> str:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

    col, row = coordinate_from_string(cell)
    ci = column_index_from_string(col)
    for m in merges:
        c0, r0, c1, r1 = range_boundaries(m)
        if r0 <= row <= r1 and c0 <= ci <= c1:
            return m.split(":")[0]
    return cell


def snapshot(book, path):
    """Everything a user sees, as Calc saves it: values, merges, fills, notes, per sheet."""
    book.save_as(path)
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            "values": {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None},
            "merges": sorted(str(r) for r in ws.merged_cells.ranges),
            "fills": {c.coordinate: c.fill.fgColor.rgb for row in ws.iter_rows() for c in row
                      if c.fill.fill_type == "solid"},
            "notes": {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment},
            "hidden": ws.sheet_state != "visible",
        }
    return out


@pytest.mark.parametrize("path", [LEDGER, seed("001")])
def test_validate_then_clear_in_calc(opened, tmp_path, path):
    book = opened(path)
    before = snapshot(book, tmp_path / "before.xlsx")
    got = excel.validate(book)
    assert got is not None, book.app.alerts
    want = json.loads(runner.invoke(app, ["check", str(path), "--json"]).stdout)["files"][0]["findings"]
    assert [f.to_json() for f in got.findings] == want and want
    after = snapshot(book, tmp_path / "after.xlsx")
    sheet = next(s for s in before if s in after and want[0]["sheet"] == s)
    for f in want:
        if f["rule"] == "overdue":  # marked at the top-left cell of the merge it lies in
            assert after[sheet]["fills"][anchor(before[sheet]["merges"], f["cell"])].endswith(
                hex_of(FILL_RGB["error"]))
    ours = [c for c, t in after[sheet]["notes"].items() if excel.NOTE_MARK in t]
    assert 0 < len(ours) <= excel.NOTE_LIMIT
    result = after[excel.RESULT_SHEET]["values"]
    assert result["A1"] == "工作表" and sum(1 for k in result if k.startswith("A")) == len(want) + 1
    assert after[excel.RECORD_SHEET]["hidden"]
    assert excel.clear_marks(book) > 0
    assert snapshot(book, tmp_path / "cleared.xlsx") == before


def test_mark_overdue_twice_then_clear_in_calc(opened, tmp_path):
    book = opened(LEDGER)
    before = snapshot(book, tmp_path / "before.xlsx")
    overdue = excel.mark_overdue(book)
    excel.mark_overdue(book)
    after = snapshot(book, tmp_path / "after.xlsx")
    row = int(overdue[0].cell[1:])
    tint = hex_of(FILL_RGB["overdue"])
    assert [k for k, v in after["台账"]["fills"].items() if v.endswith(tint) and k[1:] == str(row)]
    assert all(t.count(excel.NOTE_MARK) == 1 for t in after["台账"]["notes"].values())
    excel.clear_marks(book)
    assert snapshot(book, tmp_path / "cleared.xlsx") == before


def test_fill_merged_in_calc_matches_the_fill_command_and_backs_up(opened, tmp_path):
    book = opened(seed("004"))
    excel.fill_merged(book)
    assert "已备份" in book.app.alerts[-1][0]
    backups = [p for p in tmp_path.iterdir() if "填充前备份" in p.name]
    assert len(backups) == 1 and load_workbook(backups[0]).worksheets[0].merged_cells.ranges
    filled = snapshot(book, tmp_path / "filled_in_calc.xlsx")
    out = tmp_path / "filled.xlsx"
    assert runner.invoke(app, ["fill", str(seed("004")), "-o", str(out)]).exit_code == 0
    ws = load_workbook(out).worksheets[0]
    want = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    got = filled[ws.title]["values"]
    assert {k: str(v) for k, v in got.items()} == {k: str(v) for k, v in want.items()}
    assert filled[ws.title]["merges"] == sorted(str(r) for r in ws.merged_cells.ranges)


def test_rollup_scores_in_calc(opened, tmp_path):
    book = opened(seed("004"))
    res = excel.rollup_scores(book)
    after = snapshot(book, tmp_path / "after.xlsx")
    values = after[excel.SUMMARY_SHEET]["values"]
    assert [values[f"B{i}"] for i in range(2, len(res.units) + 2)] == [u.unit for u in res.units]
    excel.clear_marks(book)
    assert excel.SUMMARY_SHEET not in snapshot(book, tmp_path / "cleared.xlsx")


def test_circular_draft_in_calc(opened, tmp_path):
    from docx import Document

    book = opened(LEDGER)
    target = excel.circular_draft(book)
    assert target is not None and target.parent == tmp_path and target.name == "县政府办_通报草稿.docx"
    cli = tmp_path / "cli.docx"
    assert runner.invoke(app, ["rollup", str(tmp_path / LEDGER.name), "--notice", str(cli)]).exit_code == 0
    rows = [[c.text for c in r.cells] for r in Document(target).tables[0].rows]
    assert rows == [[c.text for c in r.cells] for r in Document(cli).tables[0].rows] and rows[1][1] == "县政府办"
