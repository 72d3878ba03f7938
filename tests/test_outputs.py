"""The findings workbook and annotated copies: content, links, nothing lost, LibreOffice opens them."""

import datetime as dt
import subprocess

from conftest import needs_libreoffice, soffice
from ledgers import make_ledger
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill

from xltool.batch import CheckOptions, check_paths
from xltool.write.annotate import annotate_file
from xltool.write.report import write_report

AS_OF = dt.date(2020, 11, 20)


def ledger(tmp_path):
    p = make_ledger(tmp_path / "in" / "县财政局 台账.xlsx", [
        [1, "任务甲", "县政府办", "县财政局", "2020年9月底前", "推进中"],
        [2, "任务乙", None, "县财政局", None, "基本完成"],
        [3, "任务丙", "县政府办", None, "持续推进", "推进中", None, "正常"],
    ], merges=["C3:C4"], extra_sheets={"说明": [["这是一张附表"], [1, 2, 3]]})
    wb = load_workbook(p)
    ws = wb["台账"]
    ws["B5"].font = Font(bold=True, color="FF0000")
    ws["H5"].fill = PatternFill("solid", fgColor="00FF00")
    ws["H5"].number_format = "@"
    ws.column_dimensions["B"].width = 40
    wb.save(p)
    return p


def run(p, tmp_path):
    rep = check_paths([p], CheckOptions(as_of=AS_OF), jobs=1)
    return rep, rep.files[0]


def test_report_sheets_and_links(tmp_path):
    p = ledger(tmp_path)
    rep, res = run(p, tmp_path)
    out = tmp_path / "out" / "findings.xlsx"
    write_report(rep, out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "问题清单"]
    s = wb["汇总"]
    assert [c.value for c in s[3]][:7] == [str(p), "有问题", 3, 3, 0, 0, 1]
    f = wb["问题清单"]
    assert f.freeze_panes == "A2" and f.auto_filter.ref.startswith("A1:I")
    rows = [[c.value for c in r] for r in f.iter_rows(min_row=2)]
    # people read the rules' Chinese titles; the code column says which rule for scripts
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [("台账", "E3", "逾期未完成", "XL202"),
                                                        ("台账", "E4", "必填项为空", "XL002"),
                                                        ("台账", "F4", "完成状态不规范", "XL301")]
    link = f["C2"].hyperlink
    assert link.target == "../in/县财政局 台账.xlsx" and link.location == "'台账'!E3"


def test_annotated_copy_keeps_everything_and_marks_cells(tmp_path):
    p = ledger(tmp_path)
    _, res = run(p, tmp_path)
    out = tmp_path / "ann.xlsx"
    before = p.read_bytes()
    annotate_file(res, out)
    assert p.read_bytes() == before
    a, b = load_workbook(p), load_workbook(out)
    assert b.sheetnames == a.sheetnames + ["检查结果"]
    for name in a.sheetnames:
        wa, wb_ = a[name], b[name]
        assert [[c.value for c in r] for r in wa.iter_rows()] == [[c.value for c in r] for r in wb_.iter_rows()]
        assert {str(r) for r in wa.merged_cells.ranges} == {str(r) for r in wb_.merged_cells.ranges}
    wa, wb_ = a["台账"], b["台账"]
    assert wb_["B5"].font.b and wb_["B5"].font.color.rgb == wa["B5"].font.color.rgb
    assert wb_["H5"].fill.fgColor.rgb == "0000FF00" and wb_["H5"].number_format == "@"
    assert wb_.column_dimensions["B"].width == 40
    assert wb_["E3"].fill.fgColor.rgb.endswith("FFC7CE") and "逾期" in wb_["E3"].comment.text
    assert wb_["F4"].comment is not None and "基本完成" in wb_["F4"].comment.text
    assert wb_["A3"].fill.fgColor.rgb.endswith("FCE4D6")  # the overdue row is tinted
    res_sheet = b["检查结果"]
    assert res_sheet["B4"].hyperlink.location == "'台账'!E3"


@needs_libreoffice
def test_libreoffice_opens_report_and_annotated_copy(tmp_path):
    p = ledger(tmp_path)
    rep, res = run(p, tmp_path)
    write_report(rep, tmp_path / "findings.xlsx")
    annotate_file(res, tmp_path / "annotated.xlsx")
    proc = subprocess.run([soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                           str(tmp_path / "findings.xlsx"), str(tmp_path / "annotated.xlsx")],
                          capture_output=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    for name in ("findings.pdf", "annotated.pdf"):
        pdf = tmp_path / "pdf" / name
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
