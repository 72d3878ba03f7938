"""The Excel add-in: ribbon ↔ VBA ↔ Python wiring, and the entry points against a fake of
exactly the xlwings API they use, compared with the command line on the same files."""

import datetime as dt
import importlib
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from conftest import ROOT, seed
from fake_xlwings import FakeBook, FakeXlwings
from openpyxl import load_workbook
from typer.testing import CliRunner

import xltool.excel as excel
from xltool.check import CheckOptions, check_file
from xltool.cli import app
from xltool.rollup import rollup

MACROS = ROOT / "macros"
NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
LEDGER = ROOT / "examples" / "ledgers" / "县政府办.xlsx"  # has 填报日期 2020-12-15
AS_OF = dt.date(2020, 12, 15)
runner = CliRunner()


def ribbon():
    return ET.parse(MACROS / "customUI14.xml").getroot()


def vba_subs():
    text = (MACROS / "XltoolRibbon.bas").read_text(encoding="ascii")
    return dict(re.findall(r"Public Sub (\w+)\(([^)]*)\)", text)), text


def test_ribbon_xml_is_well_formed_customui14_with_unique_ids():
    root = ribbon()
    assert root.tag == f"{NS}customUI"
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and len(ids) >= 8
    tab = next(root.iter(f"{NS}tab"))
    assert tab.get("label") == "政务公开台账"
    for b in root.iter(f"{NS}button"):
        assert b.get("label") and b.get("imageMso") and b.get("screentip") and b.get("supertip")


def test_every_ribbon_action_names_a_sub_with_the_callback_signature():
    subs, _ = vba_subs()
    actions = [b.get("onAction") for b in ribbon().iter(f"{NS}button")]
    assert actions and set(actions) == set(subs)
    for a in actions:
        assert re.fullmatch(r"control As IRibbonControl", subs[a].strip()), a


def test_every_runpython_call_imports_and_calls_an_existing_function():
    _, text = vba_subs()
    calls = re.findall(r'RunPython "import ([\w.]+); ([\w.]+)\(\)"', text)
    assert len(calls) == len(vba_subs()[0])
    for module, call in calls:
        mod = importlib.import_module(module)
        assert call.startswith(module + ".")
        func = getattr(mod, call[len(module) + 1:])
        assert callable(func)
    entry = {"validate", "mark_overdue", "fill_merged", "rollup_scores", "clear_marks"}
    assert {c.rsplit(".", 1)[1] for _, c in calls} == entry


def test_vba_module_is_ascii_and_names_itself():
    raw = (MACROS / "XltoolRibbon.bas").read_bytes()
    raw.decode("ascii")
    assert raw.startswith(b'Attribute VB_Name = "XltoolRibbon"')


def test_addin_build_puts_our_ribbon_into_the_xlwings_template(tmp_path):
    res = runner.invoke(app, ["addin", "build", "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(tmp_path / "xltool.xlam") as z:
        names = set(z.namelist())
        assert "customUI/customUI14.xml" in names and "customUI/customUI.xml" not in names
        assert "xl/vbaProject.bin" in names  # xlwings' VBA with RunPython
        assert z.read("customUI/customUI14.xml") == (MACROS / "customUI14.xml").read_bytes()
        rels = z.read("_rels/.rels").decode()
        assert rels.count("ui/extensibility") == 1 and 'Target="customUI/customUI14.xml"' in rels
    assert (tmp_path / "XltoolRibbon.bas").exists()


def test_addin_install_without_excel_says_what_is_needed(tmp_path):
    import sys

    if sys.platform in ("win32", "darwin"):
        pytest.skip("a machine that may have Excel")
    res = runner.invoke(app, ["addin", "install", "-o", str(tmp_path)])
    assert res.exit_code == 2 and "Excel" in res.stderr and "Windows" in res.stderr


@pytest.fixture
def book(monkeypatch):
    def load(path):
        b = FakeBook(path)
        FakeBook._caller = b
        monkeypatch.setattr(excel, "_xw", lambda: FakeXlwings)
        return b

    return load


def _finding_keys(fs):
    return [(f.sheet, f.cell, f.rule, f.severity, f.message, f.value, f.suggestion) for f in fs]


@pytest.mark.parametrize("path", [LEDGER, ROOT / "examples" / "ledgers" / "县财政局.xlsx"])
def test_validate_gives_the_findings_of_check_and_marks_them(book, path):
    b = book(path)
    got = excel.validate()  # through Book.caller(), as RunPython calls it
    want = check_file(str(path), path, CheckOptions(as_of=AS_OF))
    assert _finding_keys(got.findings) == _finding_keys(want.findings) and want.findings
    sheet = b.sheets["台账"]
    for f in want.findings:
        r, c = sheet.range(f.cell).row, sheet.range(f.cell).column
        assert sheet.colors[(r, c)] == excel.SEVERITY_RGB[min((x.severity for x in want.findings if x.cell == f.cell),
                                                             key=["error", "warning", "info"].index)]
        assert f.message in sheet.notes[(r, c)]
    result = b.sheets[excel.RESULT_SHEET].range("A1").value
    assert result is not None
    rows = [[sheet_cell for sheet_cell in row] for row in b.sheets[excel.RESULT_SHEET].used_range.value]
    assert rows[0][:4] == ["工作表", "单元格", "级别", "规则"] and len(rows) == len(want.findings) + 1
    assert len(b.app.alerts) == 1 and "检查完成" in b.app.alerts[0][0]


def test_validate_twice_does_not_stack_and_clear_restores(book):
    b = book(LEDGER)
    sheet = b.sheets["台账"]
    sheet.colors[(5, 5)] = (1, 2, 3)  # a colour of the user's own
    sheet.notes[(5, 2)] = "用户自己的批注"
    before_colors, before_notes = dict(sheet.colors), dict(sheet.notes)
    excel.validate(b)
    first = dict(sheet.notes)
    excel.validate(b)
    assert sheet.notes == first  # the second run replaced, not stacked, its notes
    excel.clear_marks(b)
    assert sheet.colors == before_colors and sheet.notes == before_notes
    assert [s.name for s in b.sheets] == ["台账"]


def test_mark_overdue_tints_the_rows_check_calls_overdue(book):
    b = book(LEDGER)
    overdue = excel.mark_overdue(b)
    want = [f for f in check_file(str(LEDGER), LEDGER, CheckOptions(as_of=AS_OF)).findings if f.rule == "overdue"]
    assert [(f.sheet, f.cell) for f in overdue] == [(f.sheet, f.cell) for f in want] and want
    sheet = b.sheets["台账"]
    for f in want:
        row = sheet.range(f.cell).row
        assert all(sheet.colors[(row, c)] == excel.OVERDUE_ROW_RGB for c in range(1, 9))


@pytest.mark.parametrize("name", ["001", "004", "000"])
def test_fill_merged_matches_the_fill_command(book, tmp_path, name):
    b = book(seed(name))
    excel.fill_merged(b)
    out = tmp_path / "filled.xlsx"
    assert runner.invoke(app, ["fill", str(seed(name)), "-o", str(out)]).exit_code == 0
    ws = load_workbook(out).worksheets[0]
    sheet = b.sheets[ws.title]
    want = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert sheet.cells == want
    assert sorted(sheet.merges) == sorted((r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges)


def test_rollup_scores_matches_the_rollup_command(book):
    path = seed("004")
    b = book(path)
    res = excel.rollup_scores(b)
    want = rollup([path], dt.date.today())
    rows = b.sheets[excel.SUMMARY_SHEET].used_range.value
    assert [r[1] for r in rows[1:]] == [u.unit for u in want.units] == [u.unit for u in res.units]
    assert [r[2] for r in rows[1:]] == [u.tasks for u in want.units]
    assert [r[6] for r in rows[1:]] == [u.overdue for u in want.units]
