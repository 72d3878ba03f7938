"""The Excel add-in: ribbon ↔ VBA ↔ Python wiring, and the entry points against a fake of
exactly the xlwings API they use, compared with the command line on the same files."""

import datetime as dt
import importlib
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, seed
from fake_xlwings import FakeBook, FakeXlwings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

import xltool.excel as excel
from xltool.batch import CheckOptions, check_file
from xltool.cli import app
from xltool.errors import UsageError
from xltool.marks import FILL_RGB, hex_of
from xltool.unit_figures import rollup

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


def test_install_looks_for_every_button_callback():
    from xltool.addin import CALLBACKS

    assert sorted(CALLBACKS) == sorted(vba_subs()[0])


def test_every_runpython_call_imports_and_calls_an_existing_function():
    _, text = vba_subs()
    calls = re.findall(r'RunPython "import ([\w.]+); ([\w.]+)\(\)"', text)
    assert len(calls) == len(vba_subs()[0])
    for module, call in calls:
        mod = importlib.import_module(module)
        assert call.startswith(module + ".")
        func = getattr(mod, call[len(module) + 1:])
        assert callable(func)
    entry = {"validate", "mark_overdue", "fill_merged", "rollup_scores", "circular_draft", "clear_marks"}
    assert {c.rsplit(".", 1)[1] for _, c in calls} == entry


def test_vba_module_is_ascii_crlf_and_names_itself():
    raw = (MACROS / "XltoolRibbon.bas").read_bytes()
    raw.decode("ascii")
    assert raw.startswith(b'Attribute VB_Name = "XltoolRibbon"')
    assert raw.count(b"\n") == raw.count(b"\r\n") > 10  # VBA's import mis-parses LF-only files


def test_every_button_sub_handles_its_errors_in_chinese():
    subs, text = vba_subs()
    bodies = re.findall(r"Public Sub (\w+)\(control As IRibbonControl\)(.*?)End Sub", text, re.S)
    assert {name for name, _ in bodies} == set(subs)
    for name, body in bodies:
        assert "On Error GoTo Oops" in body and "Oops:" in body and "ShowFailure Err.Description" in body, name
        assert "If ActiveWorkbook Is Nothing Then" in body, name
    said = {"".join(chr(int(c, 16)) for c in codes.split()) for codes in re.findall(r'Zh\("([0-9A-F ]+)"\)', text)}
    assert {"请先打开要处理的台账工作簿，再点这个按钮。", "运行出错：", "政务公开台账", "请在命令行运行"} <= said


def test_vba_module_source_parses_with_olevba_tools():
    """oletools' VBA scanner reads our module as VBA: the callbacks, nothing suspicious
    beyond running Python (RunPython is a macro that runs a program, and says so)."""
    from oletools.olevba import VBA_Scanner

    text = (MACROS / "XltoolRibbon.bas").read_text("ascii")
    found = {kw for kind, kw, _ in VBA_Scanner(text).scan(include_decoded_strings=False) if kind == "AutoExec"}
    assert not found  # no Auto_Open / Workbook_Open: nothing runs before a button is pressed


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


def test_built_addin_has_no_template_leftovers_and_says_what_is_missing(tmp_path):
    from xltool.addin import build, problems

    path = build(tmp_path)
    with zipfile.ZipFile(path) as z:
        assert b"myaddin" not in z.read("xl/workbook.xml").lower()
        assert b'name="_xltool.conf"' in z.read("xl/workbook.xml")
    # the module is imported at install time: until then the add-in says what it lacks
    said = "；".join(problems(path))
    assert "XltoolRibbon 不在加载项中" in said and "PROJECT_NAME 不是 xltool" in said and "RibbonMyAddin" in said


def test_addin_conf_is_ours_and_doctor_reads_it(tmp_path, monkeypatch):
    from xltool import addin

    monkeypatch.setenv("USERPROFILE", str(tmp_path / "用户"))
    monkeypatch.setattr(addin.Path, "home", lambda: tmp_path / "用户")
    conf = addin.write_conf()
    assert conf.parent.name == ".xltool" and conf.name == "xltool.conf"
    assert re.fullmatch(r'"INTERPRETER_(WIN|MAC)","[^"]+"\r\n', conf.read_bytes().decode("utf-8"))
    assert not (tmp_path / "用户" / ".xlwings").exists()  # a user's xlwings.conf is never touched
    rows = {item: (found, fine) for item, found, fine in addin.doctor(tmp_path / "dist")}
    assert rows["配置文件"] == (str(conf), True) and rows["加载项使用的 Python"][1]
    assert not rows["加载项文件"][1]
    res = runner.invoke(app, ["addin", "uninstall"])
    assert res.exit_code == 0 and not conf.exists() and "已删除配置文件" in res.stderr


class _FakeCom:
    """The VBA editor's objects as install uses them, recording what was done."""

    def __init__(self, trusted=True):
        self.trusted, self.imported, self.removed, self.lines = trusted, [], [], [
            "Attribute VB_Name = \"xlwings\"", 'Public Const PROJECT_NAME As String = "myaddin"']
        self.saved = False

    @property
    def VBProject(self):  # noqa: N802
        if not self.trusted:
            raise RuntimeError("Programmatic access to Visual Basic Project is not trusted")
        return self

    @property
    def VBComponents(self):  # noqa: N802
        return self

    def Import(self, path):  # noqa: N802
        self.imported.append(path)

    def Item(self, name):  # noqa: N802
        return self if name == "xlwings" else name

    def Remove(self, item):  # noqa: N802
        self.removed.append(item)

    @property
    def CodeModule(self):  # noqa: N802
        return self

    @property
    def CountOfLines(self):  # noqa: N802
        return len(self.lines)

    def Lines(self, i, n):  # noqa: N802
        return self.lines[i - 1]

    def ReplaceLine(self, i, text):  # noqa: N802
        self.lines[i - 1] = text


@pytest.mark.parametrize("trusted", [True, False])
def test_install_imports_by_absolute_path_and_never_claims_a_module_it_lacks(tmp_path, monkeypatch, trusted):
    import types

    from xltool import addin

    template = addin.xlwings_template()  # (from the real xlwings, before the fake stands in)
    com = _FakeCom(trusted)
    book = types.SimpleNamespace(api=com, save=lambda: setattr(com, "saved", True), close=lambda: None)
    app_ = types.SimpleNamespace(books=types.SimpleNamespace(open=lambda p: book), quit=lambda: None)
    fake_xw = types.SimpleNamespace(App=lambda **k: app_)
    monkeypatch.setitem(sys.modules, "xlwings", fake_xw)
    monkeypatch.setattr(addin.sys, "platform", "win32")
    monkeypatch.setattr(addin, "excel_available", lambda: (True, ""))
    monkeypatch.setattr(addin, "xlwings_template", lambda: template)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as e:
        addin.install(Path("dist"))
    if not trusted:
        assert addin.TRUST in str(e.value) and com.imported == []
        return
    assert com.imported == [str(tmp_path / "dist" / "XltoolRibbon.bas")]  # absolute, not Excel's folder
    assert com.lines[1] == 'Public Const PROJECT_NAME As String = "xltool"' and com.removed == ["RibbonMyAddin"]
    # the fake cannot write a VBA project: the saved file lacks the module, and install says so
    assert com.saved and "加载项没有装好" in str(e.value) and "XltoolRibbon 不在加载项中" in str(e.value)


def test_addin_install_without_excel_says_what_is_needed(tmp_path):
    import sys

    if sys.platform in ("win32", "darwin"):
        pytest.skip("a machine that may have Excel")
    res = runner.invoke(app, ["addin", "install", "-o", str(tmp_path)])
    assert res.exit_code == 2 and "Excel" in res.stderr and "Windows" in res.stderr


@pytest.fixture
def book(monkeypatch):
    def load(path=None, saved=True):
        b = FakeBook(path, saved=saved)
        FakeBook._caller = b
        monkeypatch.setattr(excel, "_xw", lambda: FakeXlwings)
        return b

    return load


def _finding_keys(fs):
    return [(f.sheet, f.cell, f.rule, f.severity, f.message, f.value, f.suggestion) for f in fs]


def _ours(note: str) -> str:
    return "\n".join(ln[len(excel.NOTE_MARK):] for ln in note.split("\n") if ln.startswith(excel.NOTE_MARK))


@pytest.mark.parametrize("path", [LEDGER, ROOT / "examples" / "ledgers" / "县财政局.xlsx", seed("001")])
def test_validate_marks_exactly_what_an_annotated_copy_marks(book, path, tmp_path):
    b = book(path)
    before = b.state()
    got = excel.validate()  # through Book.caller(), as RunPython calls it
    res = runner.invoke(app, ["check", str(path), "--json", "--annotate", str(tmp_path)])
    want = json.loads(res.stdout)["files"][0]["findings"]
    assert [f.to_json() for f in got.findings] == want and want
    annotated = load_workbook(tmp_path / path.name)
    for ws in annotated.worksheets:
        if ws.title == "检查结果":
            continue
        sheet = b.sheets[ws.title]
        fills = {(c.row, c.column): c.fill.fgColor.rgb[-6:] for row in ws.iter_rows() for c in row
                 if c.fill.fill_type == "solid" and (c.row, c.column) not in before[ws.title]["colors"]}
        assert {k: hex_of(v) for k, v in sheet.colors.items() if k not in before[ws.title]["colors"]} == fills
        notes = {(c.row, c.column): c.comment.text for row in ws.iter_rows() for c in row if c.comment}
        ours = {k: _ours(v) for k, v in sheet.notes.items() if _ours(v)}
        # the first NOTE_LIMIT noted cells, in row order; the list sheet has every finding
        assert ours == {k: notes[k] for k in sorted(notes)[:excel.NOTE_LIMIT]}
        if len(notes) > excel.NOTE_LIMIT:
            assert f"只给前 {excel.NOTE_LIMIT} 个单元格加了批注" in b.app.alerts[0][0]
    rows = b.sheets[excel.RESULT_SHEET].used_range.value
    assert rows[0][:4] == ["工作表", "单元格", "级别", "规则"] and len(rows) == len(want) + 1
    assert [r[1] for r in rows[1:]] == [f["cell"] for f in want]  # links show the cell
    assert len(b.app.alerts) == 1 and "检查完成" in b.app.alerts[0][0] and "基准日期" in b.app.alerts[0][0]


def test_validate_twice_does_not_stack_and_clear_restores_everything(book):
    b = book(LEDGER)
    sheet = b.sheets["台账"]
    sheet.colors[(5, 5)] = (1, 2, 3)  # the user's own colours, one where we mark a cell
    sheet.colors[(9, 4)] = (255, 242, 204)  # (its text "255,242,204" would come back as a number)
    sheet.notes[(5, 2)] = "用户自己的批注"
    sheet.notes[(9, 4)] = "用户批注，在有问题的单元格上"
    before = b.state()
    excel.validate(b)
    first = b.state()
    excel.validate(b)
    assert b.state() == first  # the second run replaced, not stacked, its marks
    assert "用户批注，在有问题的单元格上" in sheet.notes[(9, 4)]
    excel.clear_marks(b)
    assert b.state() == before


def test_user_sheets_named_like_ours_are_read_and_kept(book, tmp_path):
    path = tmp_path / "台账.xlsx"
    from openpyxl import load_workbook as lw

    wb = lw(LEDGER)
    wb.create_sheet("检查结果").append(["我自己的检查记录"])
    ws = wb.create_sheet("汇总")
    for row in wb["台账"].iter_rows(values_only=True):
        ws.append(row)
    wb.save(path)
    b = book(path)
    before = b.state()
    got = excel.validate(b)
    assert {f.sheet for f in got.findings} == {"台账", "汇总"}  # the user's 汇总 is a ledger sheet like any
    assert b.state()["检查结果"] == before["检查结果"]
    excel.rollup_scores(b)
    excel.clear_marks(b)
    assert b.state() == before


def test_a_sheet_named_like_our_record_is_not_taken_for_it(book, tmp_path):
    path = tmp_path / "台账.xlsx"
    wb = load_workbook(LEDGER)
    wb.create_sheet(excel.RECORD_SHEET).append(["用户的表", "2020"])
    wb.save(path)
    b = book(path)
    before = b.state()
    excel.validate(b)
    assert b.state()[excel.RECORD_SHEET] == before[excel.RECORD_SHEET]
    excel.clear_marks(b)
    assert b.state() == before


def test_mark_overdue_tints_the_rows_check_calls_overdue(book):
    b = book(LEDGER)
    overdue = excel.mark_overdue(b)
    want = [f for f in check_file(str(LEDGER), LEDGER, CheckOptions(as_of=AS_OF)).findings if f.rule == "overdue"]
    assert [(f.sheet, f.cell) for f in overdue] == [(f.sheet, f.cell) for f in want] and want
    sheet = b.sheets["台账"]
    for f in want:
        row, col = sheet.range(f.cell).row, sheet.range(f.cell).column
        assert sheet.colors[(row, col)] == FILL_RGB["error"]
        assert all(sheet.colors[(row, c)] == FILL_RGB["overdue"] for c in range(1, 9) if c != col)
    excel.mark_overdue(b)  # twice: its notes do not double
    assert all(sheet.notes[k].count(excel.NOTE_MARK) == 1 for k in sheet.notes)


@pytest.mark.parametrize("name", ["001", "004", "000"])
def test_fill_merged_matches_the_fill_command_and_backs_up(book, tmp_path, name):
    src = tmp_path / f"{name}.xlsx"
    shutil.copyfile(seed(name), src)
    b = book(src)
    excel.fill_merged(b)
    out = tmp_path / "filled.xlsx"
    assert runner.invoke(app, ["fill", str(seed(name)), "-o", str(out)]).exit_code == 0
    ws = load_workbook(out).worksheets[0]
    sheet = b.sheets[ws.title]
    want = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert {k: v for k, v in sheet.cells.items()} == {k: float(v) if isinstance(v, int) else v for k, v in want.items()}
    assert sorted(sheet.merges) == sorted((r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges)
    (backup,) = [p for p in tmp_path.iterdir() if "填充前备份" in p.name]
    assert load_workbook(backup).worksheets[0].merged_cells.ranges  # the merges as they were
    assert "已备份" in b.app.alerts[-1][0] and "撤销" in b.app.alerts[-1][0]


def test_fill_merged_on_a_never_saved_book_asks_first(book):
    b = book(seed("004"))
    b.path = None  # as a new workbook: nowhere to back up to
    b.app.answer = "cancel"
    before = b.state()
    assert excel.fill_merged(b) is None
    assert b.state() == before and "已取消" in b.app.alerts[-1][0]


def test_rollup_scores_matches_the_rollup_command(book):
    path = seed("004")
    b = book(path)
    res = excel.rollup_scores(b)
    want = rollup([path])
    rows = b.sheets[excel.SUMMARY_SHEET].used_range.value
    assert [r[1] for r in rows[1:]] == [u.unit for u in want.units] == [u.unit for u in res.units]
    assert [r[2] for r in rows[1:]] == [u.tasks for u in want.units]
    assert [r[6] for r in rows[1:]] == [u.overdue for u in want.units]
    excel.rollup_scores(b)  # again: one summary sheet, not two
    assert sum(1 for s in b.sheets if s.name.startswith(excel.SUMMARY_SHEET)) == 1


def test_a_protected_sheet_is_said_and_the_book_left_as_it_was(book):
    b = book(LEDGER)
    before = b.state()
    b.sheets["台账"].protected = True
    assert excel.validate(b) is None
    assert b.state() == before
    assert "工作表受保护" in b.app.alerts[-1][0] and "检查台账" in b.app.alerts[-1][0]


@pytest.mark.parametrize("name", ["001", "002", "003", "004", "000"])
def test_unsaved_edits_are_read_from_excel_not_from_the_file(book, tmp_path, name):
    b = book(seed(name))
    sheet = b.sheets[0]
    from xltool.grid import read_book

    (file_grid,) = [g for g in read_book(seed(name)).sheets if g.name == sheet.name]
    # the merges asked of Excel are the file's merges (but for merges of empty cells inside
    # a longer run of empty cells, which hold nothing to inherit)
    asked = set(excel.sheet_grid(sheet, None).merges)
    missed = set(file_grid.merges) - asked
    assert asked <= set(file_grid.merges)
    assert all(file_grid.raw(m.r0, m.c0) is None and file_grid.raw(m.r0 - 1, m.c0) is None for m in missed)
    edited = (5, 2)
    sheet.cells[edited] = "县财政局局"  # typed after saving: the file no longer matches the screen
    got = excel.validate(b)
    excel.clear_marks(b)
    b.save_state(tmp_path / "saved.xlsx")  # what the user would have saved
    want = check_file("x", tmp_path / "saved.xlsx", CheckOptions())
    assert _finding_keys(got.findings) == _finding_keys(want.findings)


def test_settings_are_restored_after_a_button(book):
    b = book(LEDGER)
    excel.validate(b)
    assert b.app._screen_updating is True and b.app._calculation == "automatic"
    b.sheets["台账"].protected = True
    excel.validate(b)
    assert b.app._screen_updating is True and b.app._calculation == "automatic"


ACTIONS = {"检查": excel.validate, "标记": excel.mark_overdue, "汇总": excel.rollup_scores, "清除": excel.clear_marks}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(presses=st.lists(st.sampled_from(sorted(ACTIONS)), min_size=1, max_size=6),
       painted=st.sets(st.tuples(st.integers(3, 18), st.integers(1, 8)), max_size=6))
def test_any_sequence_of_presses_then_clear_leaves_the_book_as_it_was(book, presses, painted):
    b = book(LEDGER)
    sheet = b.sheets["台账"]
    for i, rc in enumerate(sorted(painted)):  # the user's own fills and notes, some on marked cells
        sheet.colors[rc] = (i, 100, 200)
        if i % 2:
            sheet.notes[rc] = f"用户批注{i}"
    before = b.state()
    for p in presses:
        ACTIONS[p](b)
    excel.clear_marks(b)
    assert b.state() == before


def test_calls_to_excel_on_a_3000_row_ledger(book, tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    from generate import ledger

    path = tmp_path / "big.xlsx"
    ledger(path, 3000, seed=7)
    wb = load_workbook(path)
    wb["台账"]["F2"] = "填报日期：2020年11月20日"
    wb.save(path)
    counts = {}
    for name, press in (("检查台账", excel.validate), ("标记逾期", excel.mark_overdue), ("清除标记", excel.clear_marks)):
        b = book(path)
        if name == "清除标记":
            excel.validate(b)
        b.app.calls = 0
        press(b)
        counts[name] = b.app.calls
        assert len(b.app.alerts) == 1 + (name == "清除标记") and "”未完成：" not in b.app.alerts[-1][0]
    print("xlwings calls, 3,000-row ledger:", counts)
    assert counts["检查台账"] <= 200 and counts["标记逾期"] <= 200 and counts["清除标记"] <= 200


def test_every_call_the_fake_allows_exists_in_the_real_xlwings():
    """The fake cannot offer what xlwings lacks: each public name of a fake class is a
    property or method of the xlwings class it stands for (the installed, declared version)."""
    import inspect

    import fake_xlwings as fake
    import xlwings

    pairs = [(fake.FakeBook, xlwings.Book), (fake.FakeSheet, xlwings.Sheet), (fake.FakeRange, xlwings.Range),
             (fake.FakeApp, xlwings.App), (fake.FakeNote, xlwings.main.Note), (fake.FakeSheets, xlwings.main.Sheets)]
    helpers = {"tick", "set", "state", "save_state", "cells", "merges", "colors", "notes", "protected", "answer",
               "calls", "alerts", "path", "sheet", "areas", "book"}
    for ours, real in pairs:
        for name, _ in inspect.getmembers(ours):
            if name.startswith("_") or name in helpers:
                continue
            assert hasattr(real, name), f"{real.__name__}.{name}"


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]


def test_circular_draft_is_the_rollup_commands_notice_beside_the_workbook(book, tmp_path):
    from docx import Document

    path = tmp_path / "县政府办.xlsx"
    shutil.copyfile(LEDGER, path)
    b = book(path)
    before = b.state()
    target = excel.circular_draft(b)
    assert target == tmp_path / "县政府办_通报草稿.docx"
    assert b.state() == before  # (nothing written into the workbook)
    assert "通报草稿已保存" in b.app.alerts[-1][0] and "2020-12-15" in b.app.alerts[-1][0]
    cli = tmp_path / "cli.docx"
    assert runner.invoke(app, ["rollup", str(path), "--notice", str(cli)]).exit_code == 0
    assert _texts(Document(target)) == _texts(Document(cli))
    assert excel.circular_draft(b) == target  # ours: replaced
    Document().save(target)  # a document of the user's with that name: kept, the draft goes beside it
    own = target.read_bytes()
    second = excel.circular_draft(b)
    assert second != target and second.name.startswith("县政府办_通报草稿（") and target.read_bytes() == own


def test_circular_draft_of_a_workbook_never_saved_is_refused_in_chinese(book, tmp_path):
    b = book(LEDGER)
    b.path = None
    assert excel.circular_draft(b) is None
    assert "尚未保存" in b.app.alerts[-1][0] and "通报草稿" in b.app.alerts[-1][0]


def test_circular_draft_names_the_issuer_of_the_workbooks_config_sheet(book, tmp_path):
    from docx import Document
    from ledgers import make_ledger

    path = make_ledger(tmp_path / "台账.xlsx", [[1, "任务甲", "县政府办", "县财政局", "2020年9月底前", "推进中", None, "在做"]],
                       extra_sheets={"配置": [["键", "值"], ["circular.issuer", "县政务公开办"]]})
    target = excel.circular_draft(book(path))
    assert "县政务公开办" in [p.text for p in Document(target).paragraphs]
