"""``xltool remind``: a 催办单 per unit (workbook and PDF) and a 催办汇总, from two rounds."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import needs_libreoffice, soffice_convert
from ledgers import make_ledger
from openpyxl import Workbook, load_workbook
from rounds import AS_OF, two_rounds
from typer.testing import CliRunner

from xltool.cli import app

runner = CliRunner()


def remind(*args):
    return runner.invoke(app, ["remind", *map(str, args)])


def sheet_rows(path, first=5):
    return [r for r in load_workbook(path).active.iter_rows(min_row=first, values_only=True) if r[1] is not None]


def test_each_unit_is_reminded_of_its_overdue_due_soon_and_stale_tasks(tmp_path):
    old, new = two_rounds(tmp_path)
    res = remind(new, "--previous", old, "--as-of", AS_OF, "-o", tmp_path / "催办", "--no-pdf", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    got = {u["unit"]: [(i["task"], i["kinds"], i["days"], i["cell"]) for i in u["items"]] for u in doc["units"]}
    # by hand at 2020-11-20: 任务甲 due 09-30 and its progress as in October; 任务辛 due 11-30 (within
    # the 15 due-soon days); 任务庚 due 10-31, its progress the same but for spaces; the rest done,
    # changed or far off
    assert got == {"县财政局": [("任务甲", ["overdue", "stale"], 51, "B4"), ("任务辛", ["due_soon"], 10, "B9")],
                   "县教育局": [("任务庚", ["overdue", "stale"], 20, "B3")]}
    counts = {u["unit"]: (u["overdue"], u["due_soon"], u["stale"]) for u in doc["units"]}
    assert counts == {"县财政局": (1, 1, 1), "县教育局": (1, 0, 1)}
    # the same tasks the roll-up counts
    roll = json.loads(runner.invoke(app, ["rollup", str(new), "--previous", str(old), "--as-of", AS_OF,
                                          "--json"]).stdout)
    assert {u["unit"]: (u["overdue"], u["due_soon"]) for u in roll["units"]} == {k: v[:2] for k, v in counts.items()}
    assert {c["unit"]: c["stale"] for c in roll["previous"]["changes"]} == {k: v[2] for k, v in counts.items()}


def test_the_unit_workbook_says_what_the_ledger_says(tmp_path):
    old, new = two_rounds(tmp_path)
    out = tmp_path / "催办"
    res = remind(new, "--previous", old, "--as-of", AS_OF, "-o", out, "--no-pdf")
    assert res.exit_code == 0, res.output
    ws = load_workbook(out / "催办单_县财政局.xlsx").active
    assert ws.title == "催办清单" and ws["A2"].value == "单位：县财政局"
    assert "逾期未完成 1 项" in ws["A3"].value and "即将到期 1 项" in ws["A3"].value
    rows = sheet_rows(out / "催办单_县财政局.xlsx")
    assert [r[:7] for r in rows] == [
        (1, "逾期未完成（51 天）\n进展未更新", "任务甲", "2020年9月底前", dt.datetime(2020, 9, 30), "推进中", "正在推进"),
        (2, "即将到期（还有 10 天）", "任务辛", "2020年11月30日前", dt.datetime(2020, 11, 30), "推进中", "已起草")]
    assert rows[0][7] == "县财政局 11月报送.xlsx 台账!B4"
    assert ws.print_title_rows == "$1:$4" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToHeight == 1  # (two rows: one page)
    assert not (out / "催办单_县教育局.pdf").exists()  # --no-pdf
    summary = {r[0]: r[1:6] for r in sheet_rows(out / "催办汇总.xlsx", 3)}
    assert summary == {"县财政局": ("已生成催办单", 1, 1, 1, 2), "县教育局": ("已生成催办单", 1, 0, 1, 1)}
    assert "县财政局  2 项" in res.stdout.replace(" " * 18, "  ") or "县财政局" in res.stdout
    assert "合计：2 个单位需催办，共 3 项" in res.stdout


def test_plan_wording_roster_gaps_and_units_with_nothing_to_chase(tmp_path):
    plan = make_ledger(tmp_path / "任务表.xlsx", [
        [1, "全面公开财政预算决算信息并及时更新", "县政府办", "县财政局", "2020年9月底前", None, None, None],
        [2, "完善教育收费公示制度", "县政府办", "县教育局", "2020年12月底前", None, None, None],
        [3, "公开医保基金使用情况", "县政府办", "县医保局", "2020年12月底前", None, None, None]])
    folder = tmp_path / "11月"
    make_ledger(folder / "县财政局.xlsx", [
        [1, "全面公开财政预算决算信息并及时更新。", "县政府办", "县财政局", "2020年9月底前", "推进中", None, "在做"]])
    make_ledger(folder / "县教育局.xlsx", [
        [2, "完善教育收费公示制度", "县政府办", "县教育局", "2020年12月底前", "推进中", None, "在做"]])
    res = remind(folder, "--plan", plan, "--as-of", AS_OF, "-o", tmp_path / "催办", "--no-pdf", "--json")
    doc = json.loads(res.stdout)
    (unit,) = doc["units"]
    assert unit["unit"] == "县财政局"
    assert unit["items"][0]["task"] == "全面公开财政预算决算信息并及时更新"  # the plan's words
    assert unit["items"][0]["ledger_task"] == "全面公开财政预算决算信息并及时更新。"
    assert doc["quiet"] == ["县教育局"] and doc["missing"] == ["县政府办", "县医保局"]  # (the lead unit too)
    assert doc["with_previous"] is False
    summary = {r[0]: r[1] for r in sheet_rows(tmp_path / "催办" / "催办汇总.xlsx", 3)}
    assert summary == {"县财政局": "已生成催办单", "县教育局": "无需催办", "县政府办": "未报送", "县医保局": "未报送"}


def test_nothing_is_written_over_a_file_that_is_not_ours(tmp_path):
    old, new = two_rounds(tmp_path)
    out = tmp_path / "催办"
    out.mkdir()
    theirs = out / "催办单_县财政局.xlsx"
    Workbook().save(theirs)
    before = theirs.read_bytes()
    res = remind(new, "--as-of", AS_OF, "-o", out, "--no-pdf", "--force")
    assert res.exit_code == 2 and "不是 xltool 生成的" in res.stderr
    assert theirs.read_bytes() == before and sorted(p.name for p in out.iterdir()) == [theirs.name]
    theirs.unlink()
    assert remind(new, "--as-of", AS_OF, "-o", out, "--no-pdf").exit_code == 0
    again = remind(new, "--as-of", AS_OF, "-o", out, "--no-pdf")
    assert again.exit_code == 2 and "--force" in again.stderr
    assert remind(new, "--as-of", AS_OF, "-o", out, "--no-pdf", "--force").exit_code == 0
    # and our outputs are no ledgers: checking their folder says so
    checked = runner.invoke(app, ["check", str(out)])
    assert checked.exit_code == 2 and "其中 3 个是 xltool 生成的文件" in checked.stderr


def test_without_libreoffice_the_workbooks_are_written_and_that_is_said(tmp_path, monkeypatch):
    from xltool import libreoffice

    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    _, new = two_rounds(tmp_path)
    res = remind(new, "--as-of", AS_OF, "-o", tmp_path / "催办")
    assert res.exit_code == 0
    assert "未安装 LibreOffice" in res.stderr and "0 份 PDF" in res.stderr
    assert sorted(p.suffix for p in (tmp_path / "催办").iterdir()) == [".xlsx"] * 3


@needs_libreoffice
def test_each_list_prints_on_one_a4_page(tmp_path):
    import pdfplumber

    old, new = two_rounds(tmp_path)
    out = tmp_path / "催办"
    res = remind(new, "--previous", old, "--as-of", AS_OF, "-o", out)
    assert res.exit_code == 0, res.output
    assert "2 份 PDF" in res.stderr
    with pdfplumber.open(out / "催办单_县财政局.pdf") as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert round(page.width) == 842 and round(page.height) == 595  # A4 landscape
        text = page.extract_text()
        for words in ("政务公开任务催办单", "县财政局", "任务甲", "任务辛", "正在推进", "2020-09-30"):
            assert words in text
        assert all(0 <= c["x0"] and c["x1"] <= page.width for c in page.chars)
    summary = load_workbook(out / "催办汇总.xlsx").active
    assert summary["H3"].value == "催办单_县财政局.pdf" and summary["H3"].hyperlink.target == "催办单_县财政局.pdf"


@needs_libreoffice
def test_libreoffice_reads_back_what_openpyxl_reads(tmp_path):
    """The 催办单 and the 催办汇总 as LibreOffice opens and saves them hold the values openpyxl
    reads from our files: every cell, merges and print titles alike."""
    old, new = two_rounds(tmp_path)
    out = tmp_path / "催办"
    assert remind(new, "--previous", old, "--as-of", AS_OF, "-o", out, "--no-pdf").exit_code == 0
    ours = sorted(out.glob("*.xlsx"))
    soffice_convert(ours, "xlsx", tmp_path / "lo")
    for path in ours:
        mine, theirs = load_workbook(path).active, load_workbook(tmp_path / "lo" / path.name).active
        values = {c.coordinate: c.value for row in mine.iter_rows() for c in row if c.value is not None}
        back = {c.coordinate: c.value for row in theirs.iter_rows() for c in row if c.value is not None}
        assert back == values, path.name
        assert sorted(map(str, theirs.merged_cells.ranges)) == sorted(map(str, mine.merged_cells.ranges))
        assert theirs.print_title_rows == mine.print_title_rows


@pytest.mark.parametrize("unit, name", [("县财政局", "催办单_县财政局.xlsx"), ('a/b:c*"', "催办单_a_b_c_.xlsx"),
                                        ("...", "催办单_单位.xlsx")])
def test_file_names_are_safe_on_windows(unit, name):
    from xltool.write.reminder import file_name

    assert file_name(unit) == name


def test_a_messy_folder_gives_the_same_lists(tmp_path):
    """An older version of a unit's ledger in a subfolder and last run's 催办单 inside the
    folder change nothing: the newest ledger counts and our outputs are skipped."""
    old, new = two_rounds(tmp_path)
    first = json.loads(remind(new, "--previous", old, "--as-of", AS_OF, "-o", new / "催办", "--no-pdf",
                              "--json").stdout)
    make_ledger(new / "旧版" / "县财政局（旧）.xlsx", [
        [9, "任务壬", "县政府办", "县财政局", "2020年8月底前", "推进中", None, "未动"]],
        preamble=[["填报单位：县财政局", None, None, None, "填报日期：2020-11-01"]])
    res = remind(new, "--previous", old, "--as-of", AS_OF, "-o", tmp_path / "再次", "--no-pdf", "--json")
    assert res.exit_code == 0, res.output
    again = json.loads(res.stdout)
    assert [u["items"] for u in again["units"]] == [u["items"] for u in first["units"]]


def test_units_whose_file_names_coincide_each_get_their_own_list(tmp_path):
    folder = tmp_path / "11月"
    for unit, name in (("县A/B局", "a.xlsx"), ("县A:B局", "b.xlsx"), ("县a:b局", "c.xlsx")):
        make_ledger(folder / name, [[1, "任务甲", "县政府办", unit, "2020年9月底前", "推进中", None, None]],
                    preamble=[["填报单位：" + unit, None, None, None, "填报日期：2020-11-20"]])
    res = remind(folder, "-o", tmp_path / "催办", "--no-pdf", "--json")
    assert res.exit_code == 0, res.output
    books = sorted(u["workbook"].rsplit("/", 1)[-1] for u in json.loads(res.stdout)["units"])
    assert books == ["催办单_县A_B局.xlsx", "催办单_县A_B局（2）.xlsx", "催办单_县a_b局（3）.xlsx"]
    assert len(list((tmp_path / "催办").glob("催办单_*.xlsx"))) == 3
