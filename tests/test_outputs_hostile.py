"""Hostile inputs, the output side: no unit's text becomes a formula in a workbook we write,
a reader's panic costs one file, a merge cannot hide a table, crafted sheet names, control
characters and terminal escapes are harmless, and outputs are written as a colleague on a
shared drive expects. Every input is generated here."""

import json
import os
import re
import stat
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import soffice
from docx_builder import docx_from_workbook
from ledgers import make_ledger
from openpyxl import Workbook
from typer.testing import CliRunner

from xltool import cli
from xltool.cli import app

runner = CliRunner()
PAYLOADS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://example.invalid","点我")', "+1+1", "-1+1", "@SUM(1,1)",
            "\t=1+1", "\r=1+1", "=1+1"]
H = ["序号", "工作任务", "责任单位", "时限要求", "完成状态", "进展情况"]


def ledger_with(path: Path, texts: list[str]) -> Path:
    """A ledger whose task, unit and progress cells carry ``texts``; task 1 merged over two
    rows, every task overdue on 2020-12-15."""
    rows = []
    for i, t in enumerate(texts, start=1):
        rows.append([i, t + "任务", "县政府办", "2020年10月底前", "推进中", t])
    rows.append([None, None, "县政府办", "2020年10月底前", "推进中", None])
    make_ledger(path, rows, header=H, preamble=["填报单位：县政府办"], merges=[f"B4:B{3 + len(rows)}"])
    from openpyxl import load_workbook

    wb = load_workbook(path)  # typed as text by the clerk (in Excel: a leading '): text cells, not formulas
    for row in wb.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"
    wb.save(path)
    assert formulas(path) == 0
    return path


def formulas(path: Path) -> int:
    """How many cell formulas a package holds (every sheet)."""
    with zipfile.ZipFile(path) as z:
        return sum(len(re.findall(rb"<(?:\w+:)?f[ >/]", z.read(n))) for n in z.namelist()
                   if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def outputs(tmp: Path, texts: list[str], name: str) -> dict[str, Path]:
    """Every workbook xltool writes, from a ledger (and a notice, a roster) carrying ``texts``."""
    folder = tmp / name
    led = ledger_with(folder / "in" / f"{texts[0][:4]}台账.xlsx", texts)
    out = folder / "out"
    out.mkdir()
    runner.invoke(app, ["check", str(led.parent), "--as-of", "2020-12-15", "--report", str(out / "r.xlsx"),
                        "--annotate", str(out / "ann")])
    runner.invoke(app, ["rollup", str(led.parent), "--as-of", "2020-12-15", "-o", str(out / "s.xlsx")])
    runner.invoke(app, ["fill", str(led), "-o", str(out / "f.xlsx")])
    notice = docx_from_workbook(led, folder / "notice.docx")
    runner.invoke(app, ["import", str(notice), "-o", str(out / "i.xlsx")])
    roster = Workbook()
    roster.active.title = "单位名录"
    roster.active.append(["单位名称"])
    for t in texts:
        roster.active.append([t + "局"])
    roster.save(folder / "roster.xlsx")
    runner.invoke(app, ["template", "new", "division", "-o", str(out / "t.xlsx"), "--roster", str(folder / "roster.xlsx")])
    found = {p.relative_to(out).as_posix(): p for p in out.rglob("*.xlsx")}
    assert set(found) == {"r.xlsx", "s.xlsx", "f.xlsx", "i.xlsx", "t.xlsx", f"ann/{led.name}"}, found
    return found


def test_no_text_of_a_ledger_becomes_a_formula(tmp_path):
    benign = outputs(tmp_path, ["甲"] * len(PAYLOADS), "benign")
    hostile = outputs(tmp_path, PAYLOADS, "hostile")
    for name in benign:
        here = name if name in hostile else next(n for n in hostile if n.startswith("ann/"))
        assert formulas(hostile[here]) == formulas(benign[name]), name  # ours only, none from the payloads
    from openpyxl import load_workbook

    kept = [c for row in load_workbook(hostile["s.xlsx"])["逾期清单"].iter_rows() for c in row
            if c.value == "=cmd|' /C calc'!A0任务"]
    assert kept and all(c.data_type == "s" for c in kept)  # kept, as text


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")
def test_annotated_copy_of_an_xls_keeps_text_as_text(tmp_path):
    import subprocess

    led = ledger_with(tmp_path / "in" / "台账.xlsx", PAYLOADS)
    subprocess.run([soffice(), "--headless", "--convert-to", "xls", "--outdir", str(tmp_path / "xls"), str(led)],
                   capture_output=True, timeout=180, check=True)
    xls = tmp_path / "xls" / "台账.xls"
    res = runner.invoke(app, ["check", str(xls), "--as-of", "2020-12-15", "--annotate", str(tmp_path / "ann")])
    assert "未保留原格式" in res.stderr
    assert formulas(tmp_path / "ann" / "台账.xlsx") == 0


def rewrite(path: Path, part: str, change) -> Path:
    """Rewrite one part of a package (for what no writer library produces)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, change(data) if info.filename == part else data)
    return path


def good_folder(tmp: Path, n: int = 3) -> Path:
    folder = tmp / "folder"
    for i in range(n):
        ledger_with(folder / f"单位{i}.xlsx", ["甲"])
    return folder


def panicking_ledger(path: Path) -> Path:
    """A date-formatted cell holding -inf: python-calamine panics converting it."""
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(H)
    ws.append([1, "任务", "县政府办", "2020年10月底前", "推进中", dt.datetime(2020, 1, 1)])
    wb.save(path)
    return rewrite(path, "xl/worksheets/sheet1.xml", lambda x: re.sub(rb"<v>43831(\.0)?</v>", b"<v>-inf</v>", x))


def test_a_reader_panic_costs_one_file_only(tmp_path):
    folder = good_folder(tmp_path)
    panicking_ledger(folder / "坏文件.xlsx")
    for jobs in ("1", "2"):
        res = runner.invoke(app, ["check", str(folder), "--as-of", "2020-12-15", "--json", "-j", jobs])
        doc = json.loads(res.stdout)
        assert res.exit_code == 2 and doc["summary"]["files"] == 4 and doc["summary"]["unreadable"] == 1
        (bad,) = [f for f in doc["files"] if f["status"] == "error"]
        assert bad["file"].endswith("坏文件.xlsx") and "读取" in bad["error"]
    res = runner.invoke(app, ["rollup", str(folder), "--as-of", "2020-12-15", "--json"])
    assert res.exit_code == 2 and len(json.loads(res.stdout)["unreadable"]) == 1
    for args in (["inspect", str(folder / "坏文件.xlsx")], ["fill", str(folder / "坏文件.xlsx"), "-o",
                                                           str(tmp_path / "x.xlsx")]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "坏文件.xlsx" in res.stderr and "Traceback" not in res.output
        assert res.exception is None or isinstance(res.exception, SystemExit)  # (typer ends with SystemExit)


def test_a_merge_over_the_whole_sheet_hides_nothing(tmp_path):
    path = ledger_with(tmp_path / "台账.xlsx", ["甲", "乙"])

    def merge_all(xml: bytes) -> bytes:
        xml = re.sub(rb"<mergeCells.*?</mergeCells>", b"", xml, flags=re.S)
        return xml.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                                             b"</mergeCells>")

    rewrite(path, "xl/worksheets/sheet1.xml", merge_all)
    res = runner.invoke(app, ["check", str(path), "--as-of", "2020-12-15", "--json"])
    findings = json.loads(res.stdout)["files"][0]["findings"]
    assert [(f["rule"], f["cell"]) for f in findings if f["rule"] == "bad-merge"] == [("bad-merge", "A1")]
    assert sum(f["rule"] == "overdue" for f in findings) == 3  # the rows are read, not hidden
    res = runner.invoke(app, ["check", str(path), "--as-of", "2020-12-15", "--annotate", str(tmp_path / "ann")])
    assert res.exit_code == 1


def test_two_sheets_of_one_name_are_both_read(tmp_path):
    wb = Workbook()
    for i, title in enumerate(("台账", "副本")):
        ws = wb.active if i == 0 else wb.create_sheet(title)
        ws.title = title
        ws.append(H)
        ws.append([1, f"任务{i}", "县政府办", "2020年10月底前", "推进中"])
    path = tmp_path / "两个台账.xlsx"
    wb.save(path)
    rewrite(path, "xl/workbook.xml", lambda x: x.replace('name="副本"'.encode(), 'name="台账"'.encode()))
    res = runner.invoke(app, ["inspect", str(path), "--json"])
    tables = json.loads(res.stdout)["tables"]
    assert [(t["sheet"], t["tasks"][0]["task"]) for t in tables] == [("台账（第1个工作表）", "任务0"),
                                                                      ("台账（第2个工作表）", "任务1")]


def test_control_characters_and_escapes_are_harmless(tmp_path):
    # as OOXML writes characters XML cannot hold (_xHHHH_); the reader gives them back raw
    nasty = ["_x001B_]0;pwned_x0007_标题", "_x001B_[2J清屏", "含_x0000_空字符", "非字符_xFFFE_", "控制_x000B_字符"]
    led = ledger_with(tmp_path / "in" / "台账.xlsx", ["甲", "乙", "丙", "丁", "戊"])
    from openpyxl import load_workbook

    wb = load_workbook(led)
    for i, t in enumerate(nasty):
        wb.active.cell(4 + i, 6).value = t
    wb.save(led)
    from xltool.grid import read_book

    assert "\x1b]0;pwned\x07标题" in [v for row in read_book(led).sheets[0].rows for v in row]
    res = runner.invoke(app, ["inspect", str(led)])
    assert "\x1b" not in res.stdout and "\x07" not in res.stdout
    res = runner.invoke(app, ["check", str(led.parent), "--as-of", "2020-12-15", "--report", str(tmp_path / "r.xlsx"),
                              "--annotate", str(tmp_path / "ann")])
    assert res.exit_code == 1 and "\x1b" not in res.stdout
    assert (tmp_path / "r.xlsx").exists() and (tmp_path / "ann" / "台账.xlsx").exists()


def test_outputs_follow_the_umask_leave_no_temp_files_and_never_race(tmp_path):
    from xltool.errors import UsageError
    from xltool.write.atomic import save_workbook

    led = ledger_with(tmp_path / "in" / "台账.xlsx", ["甲"])
    stale = tmp_path / ".~xltool-99999999-abcd.xlsx"  # a write killed long ago (no such process)
    stale.write_bytes(b"half")
    old = os.umask(0o022)
    try:
        res = runner.invoke(app, ["check", str(led), "--as-of", "2020-12-15", "--report", str(tmp_path / "r.xlsx")])
    finally:
        os.umask(old)
    assert res.exit_code == 1
    assert stat.S_IMODE((tmp_path / "r.xlsx").stat().st_mode) == 0o644
    assert not stale.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".~xltool-")]
    (tmp_path / "taken.xlsx").write_bytes(b"written by someone else meanwhile")
    with pytest.raises(UsageError, match="已存在"):
        save_workbook(Workbook(), tmp_path / "taken.xlsx", replace=False)
    assert (tmp_path / "taken.xlsx").read_bytes() == b"written by someone else meanwhile"


def test_an_unexpected_error_is_one_chinese_line_a_log_and_exit_3(monkeypatch, capsys):
    def boom(*a, **k):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr("xltool.rules.run_rules", boom)
    monkeypatch.setattr("xltool.batch.check_ledger", boom)
    monkeypatch.setattr(cli, "print_check_text", boom)
    code = cli.run(["check", str(Path(__file__).parent / "fixtures" / "seeds"), "-j", "1", "--as-of", "2020-12-15"])
    said = capsys.readouterr().err
    assert code == 3 and "内部错误" in said and "Traceback" not in said
    log = Path(re.search(r"已写入 (\S+\.log)", said).group(1))
    assert "RuntimeError: a bug of ours" in log.read_text("utf-8")
    log.unlink()


def test_dates_out_of_range_are_refused(tmp_path):
    led = ledger_with(tmp_path / "台账.xlsx", ["甲"])
    for args in (["rollup", str(led), "--as-of", "9999-12-31"], ["check", str(led), "--as-of", "0001-01-01"]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and "年份超出" in res.stderr


def _cli(*args):
    from typer.testing import CliRunner

    from xltool.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("command", ["check-report", "rollup", "fill", "template"])
def test_an_output_under_a_file_is_one_chinese_line(tmp_path, command):
    from ledgers import make_ledger

    led = make_ledger(tmp_path / "县政府办.xlsx", [[1, "任务甲", "县政府办", None, "2020年底前", "推进中"]])
    out = str(led) + "/结果.xlsx"  # a path below a regular file
    args = {"check-report": ["check", str(led), "-o", out], "rollup": ["rollup", str(led), "-o", out],
            "fill": ["fill", str(led), "-o", out], "template": ["template", "new", "分工", "-o", out]}[command]
    res = _cli(*args)
    assert res.exit_code == 2, res.output
    assert f"无法写出 {out}：路径中有一段是文件而不是文件夹" in res.stderr


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB file system (tmpfs), where it can be mounted (root on Linux)."""
    import subprocess

    mnt = tmp_path / "小盘"
    mnt.mkdir()
    if sys.platform != "linux" or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                                                 capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mnt
    got = subprocess.run(["umount", str(mnt)], capture_output=True, text=True)
    assert got.returncode == 0, f"a file on the small disk is still open: {got.stderr}"


def test_a_full_disk_is_one_line_and_the_old_file_stays(full_disk):
    from ledgers import make_ledger

    ledgers = full_disk.parent / "台账"
    make_ledger(ledgers / "县政府办.xlsx", [[1, "任务甲", "县政府办", None, "2020年6月底前", "推进中"]])
    old = full_disk / "汇总.xlsx"
    old.write_bytes(b"an old summary the user keeps")
    fd = os.open(full_disk / "填满.bin", os.O_WRONLY | os.O_CREAT)  # the disk filled by something else
    try:
        while os.write(fd, b"x" * 1024):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    res = _cli("check", str(ledgers), "--as-of", "2020-11-20", "-o", str(full_disk / "结果.xlsx"))
    assert res.exit_code == 2 and "磁盘空间不足" in res.stderr, res.output
    assert sorted(p.name for p in full_disk.iterdir()) == ["填满.bin", "汇总.xlsx"]  # no partial file left behind
    assert old.read_bytes() == b"an old summary the user keeps"
