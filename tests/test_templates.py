"""Templates, fill and import (issue 5)."""

import datetime as dt
import subprocess

import pytest
from conftest import ROOT, needs_libreoffice, seed, soffice
from docx_builder import docx_from_workbook
from ledgers import make_ledger
from openpyxl import load_workbook
from typer.testing import CliRunner

from xltool.cli import app
from xltool.reader import read_ledger
from xltool.write.template import FIRST_ROW, build_all, date_cell_ref, layout_for, overdue_formulas

runner = CliRunner()
KINDS = ("assessment", "division", "decomposition")


def semantic(path):
    """What a template means: sheets, values, merges, validations, conditional formats,
    print and view settings, widths. Timestamps and other volatile parts are left out."""
    wb = load_workbook(path)
    out = {"sheets": wb.sheetnames}
    for ws in wb.worksheets:
        out[ws.title] = {
            "values": [[c.value for c in row] for row in ws.iter_rows()],
            "merges": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(v.sqref), v.type, v.formula1, v.formula2, v.errorStyle)
                                  for v in ws.data_validations.dataValidation),
            "cf": sorted((str(rng.sqref), tuple(r.formula)) for rng in ws.conditional_formatting for r in rng.rules),
            "freeze": ws.freeze_panes, "print_titles": ws.print_title_rows,
            "orientation": ws.page_setup.orientation, "paper": ws.page_setup.paperSize,
            "fit": (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight),
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "formats": [[(c.number_format, c.border.left.style if c.border.left else None, c.font.b)
                         for c in row] for row in ws.iter_rows(max_row=8)],
        }
    return out


def test_committed_templates_are_what_the_code_builds(tmp_path):
    for p in build_all(tmp_path):
        committed = ROOT / "workbook_templates" / p.name
        assert committed.exists(), f"{committed} missing: run python -m xltool.write.template"
        assert semantic(p) == semantic(committed), f"{p.name} differs: run python -m xltool.write.template"


@pytest.mark.parametrize("kind", KINDS)
def test_template_reads_as_its_own_kind_with_progress_columns(kind):
    led = read_ledger(ROOT / "workbook_templates" / f"{kind}.xlsx")
    (t,) = led.tables
    assert (t.sheet, t.kind, t.header_row, t.tasks) == ("台账", kind, 4, [])
    assert {"status", "done_date", "progress", "evidence"} <= set(t.columns)
    wb = load_workbook(ROOT / "workbook_templates" / f"{kind}.xlsx")
    assert wb.sheetnames == ["填报说明", "台账", "单位名录"]
    ws = wb["台账"]
    lists = {v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"}
    assert '"已完成,推进中,未启动"' in lists and "='单位名录'!$A$2:$A$500" in lists
    assert ws.print_title_rows == "$4:$4" and ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes == "A5"


def test_assessment_self_score_bounded_by_row_points():
    ws = load_workbook(ROOT / "workbook_templates" / "assessment.xlsx")["台账"]
    (dv,) = [v for v in ws.data_validations.dataValidation if v.type == "decimal"]
    lay = layout_for("assessment")
    assert str(dv.sqref).startswith(f"{lay.letter('self_score')}{FIRST_ROW}:")
    assert (dv.formula1, dv.formula2) == ("0", f"${lay.letter('row_points')}{FIRST_ROW}")


def _excel_eval(formula: str, cells: dict) -> bool:
    """Evaluate our conditional-format formula the way Excel would, for the few functions
    it uses (AND, ISNUMBER, comparisons, +): a check of the formula's meaning."""
    import re

    expr = formula
    for ref, v in sorted(cells.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(ref, repr(v))
    inner = re.fullmatch(r"AND\((.*)\)", expr).group(1)
    args, depth, buf = [], 0, ""
    for ch in inner:  # split on top-level commas: AND's arguments
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            args.append(buf)
            buf = ""
        else:
            buf += ch
    args.append(buf)
    py = " and ".join(f"({a})" for a in args)  # AND short-circuits like ISNUMBER guards in Excel
    py = py.replace("ISNUMBER(", "isnum(").replace("<>", "!=")
    py = re.sub(r"(?<![<>!=])=(?!=)", "==", py)
    return bool(eval(py, {"isnum": lambda x: isinstance(x, (int, float))}))  # noqa: S307


@pytest.mark.parametrize("report,status,expect", [
    (44150, "推进中", (True, False)),  # 2020-11-15 > due 2020-10-31: overdue
    (44125, "推进中", (False, True)),  # 2020-10-21: due within 15 days
    (44100, "推进中", (False, False)),  # 2020-09-26: far ahead
    (44150, "已完成", (False, False)),  # done is never coloured
    ("", "推进中", (False, False)),  # no 填报日期 yet: nothing coloured
])
def test_overdue_formula_semantics(report, status, expect):
    lay = layout_for("division")
    overdue, soon = overdue_formulas(lay, 5)
    cells = {date_cell_ref(lay): report, f"${lay.letter('due_date')}5": 44135,  # 2020-10-31
             f"${lay.letter('status')}5": status}
    assert (_excel_eval(overdue, cells), _excel_eval(soon, cells)) == expect


def _row_colours(pdf_png_ppm: bytes) -> set:
    """Distinct RGB colours in a PPM image."""
    parts = pdf_png_ppm.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    data = parts[3]
    return {data[i:i + 3] for i in range(0, min(len(data), w * h * 3), 3)}


@needs_libreoffice
def test_libreoffice_recomputes_overdue_colour_when_report_date_changes(tmp_path):
    res = runner.invoke(app, ["import", str(docx_from_workbook(seed("004"), tmp_path / "n.docx")),
                              "-o", str(tmp_path / "l.xlsx")])
    assert res.exit_code == 0, res.output
    colours = {}
    for label, day in (("late", dt.date(2020, 12, 20)), ("early", dt.date(2020, 6, 1))):
        wb = load_workbook(tmp_path / "l.xlsx")
        wb["台账"][date_cell_ref(layout_for("division")).replace("$", "")] = day
        wb.active = 1
        for name in ("填报说明", "单位名录"):
            wb[name].sheet_state = "hidden"
        p = tmp_path / f"{label}.xlsx"
        wb.save(p)
        subprocess.run([soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(p)],
                       capture_output=True, timeout=180, check=True)
        subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", str(tmp_path / f"{label}.pdf"),
                        str(tmp_path / label)], check=True)
        ppm = next(tmp_path.glob(f"{label}*.ppm")).read_bytes()
        colours[label] = _row_colours(ppm)
    red = bytes.fromhex("FFC7CE")
    assert red in colours["late"] and red not in colours["early"]


@needs_libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_templates_print_to_pdf(tmp_path, kind):
    src = ROOT / "workbook_templates" / f"{kind}.xlsx"
    proc = subprocess.run([soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                          capture_output=True, timeout=180)
    assert proc.returncode == 0
    text = subprocess.run(["pdftotext", str(tmp_path / f"{kind}.pdf"), "-"], capture_output=True).stdout.decode()
    assert "填报说明" in text and "落实台账" in text and "完成状态" in text


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_import_of_word_notice_equals_inspect_of_workbook(tmp_path, name):
    notice = docx_from_workbook(seed(name), tmp_path / f"{name}.docx", repeat_header_at=8 if name == "004" else None)
    out = tmp_path / f"{name}.xlsx"
    res = runner.invoke(app, ["import", str(notice), "-o", str(out)])
    assert res.exit_code == 0, res.output

    def tasks(p):
        return [{k: v for k, v in t.to_json().items() if k != "excel_row"}
                for table in read_ledger(p).tables for t in table.tasks]

    want = tasks(seed(name))
    assert tasks(notice) == want  # the Word table itself reads the same
    assert tasks(out) == want  # and so does the ledger made from it
    led = read_ledger(out)
    assert led.tables[0].kind == read_ledger(seed(name)).tables[0].kind
    src = read_ledger(seed(name)).tables[0]
    assert (led.tables[0].year, led.tables[0].issued) == (src.year, src.issued)


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_fill_and_remerge_keep_inspect(tmp_path, name):
    filled, remerged = tmp_path / "f.xlsx", tmp_path / "r.xlsx"
    assert runner.invoke(app, ["fill", str(seed(name)), "-o", str(filled)]).exit_code == 0
    assert runner.invoke(app, ["fill", str(filled), "-o", str(remerged), "--remerge"]).exit_code == 0

    def doc(p):
        return [t.to_json() for table in read_ledger(p).tables for t in table.tasks]

    assert doc(filled) == doc(seed(name)) == doc(remerged)
    ws = load_workbook(filled)["任务分解表" if name != "002" else "任务分工"]
    first = read_ledger(seed(name)).tables[0].data_row
    assert not [r for r in ws.merged_cells.ranges if r.min_row >= first and r.max_row > r.min_row]

    def merges(p):
        return {(w.title, str(r)) for w in load_workbook(p).worksheets for r in w.merged_cells.ranges}

    # --remerge gives back exactly the merges fill undid (remembered in the filled copy)
    assert merges(remerged) == merges(seed(name))
    assert load_workbook(remerged).sheetnames == load_workbook(seed(name)).sheetnames


def test_remerge_of_a_ledger_never_merges_across_sections(tmp_path):
    rows = [["一、公开", None, None, None], [1, "任务甲", "县政府办", "2020年底前"], [2, "任务乙", "县政府办", "2020年底前"],
            ["二、解读", None, None, None], [3, "任务丙", "县政府办", "2020年底前"]]
    p = make_ledger(tmp_path / "l.xlsx", rows, header=["序号", "工作任务", "责任单位", "时限要求"])
    out = tmp_path / "r.xlsx"
    assert runner.invoke(app, ["fill", str(p), "-o", str(out), "--remerge"]).exit_code == 0
    assert {str(r) for r in load_workbook(out).active.merged_cells.ranges} == {"C4:C5", "D4:D5"}


def test_fill_writes_into_every_merged_cell_and_keeps_formats(tmp_path):
    out = tmp_path / "f.xlsx"
    runner.invoke(app, ["fill", str(seed("001")), "-o", str(out)])
    a, b = load_workbook(seed("001")).active, load_workbook(out).active
    assert a["C6"].value is None and b["C6"].value == "市编办" == b["C5"].value
    assert b["C6"].border.left.style == a["C5"].border.left.style and b["C6"].alignment.wrap_text


def test_template_new_with_roster(tmp_path):
    roster = tmp_path / "r.toml"
    roster.write_text('units = ["县政府办", "县财政局"]\n[aliases]\n"政府办" = "县政府办"\n', encoding="utf-8")
    out = tmp_path / "n.xlsx"
    res = runner.invoke(app, ["template", "new", "decomposition", "-o", str(out), "--roster", str(roster)])
    assert res.exit_code == 0, res.output
    ws = load_workbook(out)["单位名录"]
    assert [[c.value for c in r] for r in ws.iter_rows()] == [["单位名称", "别名", "所属分组"],
                                                             ["县政府办", "政府办", None], ["县财政局", None, None]]
    assert runner.invoke(app, ["template", "new", "decomposition", "-o", str(out)]).exit_code == 2  # exists


def test_import_refuses_strict_and_what_is_no_notice(tmp_path):
    from conftest import CORPUS

    strict = CORPUS / "docx2python" / "strict.docx"
    if strict.exists():
        res = runner.invoke(app, ["import", str(strict), "-o", str(tmp_path / "s.xlsx")])
        assert res.exit_code == 2 and "Strict" in res.stderr
    text = tmp_path / "通知.docx"
    text.write_text("关于印发任务分工的通知", encoding="utf-8")
    res = runner.invoke(app, ["import", str(text), "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "通知.docx" in res.stderr and "文本" in res.stderr


@pytest.mark.parametrize("word, kind", [("分工", "division"), ("考核", "assessment"), ("分解", "decomposition"),
                                        ("重点工作任务分工", "division"), ("任务分解表", "decomposition"),
                                        ("assessment", "assessment")])
def test_template_kinds_in_chinese(tmp_path, word, kind):
    from typer.testing import CliRunner

    from xltool.cli import app
    from xltool.reader import read_ledger

    out = tmp_path / "新台账.xlsx"
    res = CliRunner().invoke(app, ["template", "new", word, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert [t.kind for t in read_ledger(out).tables] == [kind]


def test_an_unknown_template_kind_lists_the_chinese_ones(tmp_path):
    from typer.testing import CliRunner

    from xltool.cli import app

    res = CliRunner().invoke(app, ["template", "new", "表格", "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "考核（考核任务分解表" in res.stderr and "分工" in res.stderr
