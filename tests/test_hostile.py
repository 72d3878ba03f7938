"""Hostile and broken inputs: a correct result or one clear Chinese line; never a traceback;
the batch goes on; inputs are never changed; bombs are refused fast and small."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from hostile import SEED, build
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from xltool.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return build(tmp_path_factory.mktemp("hostile"))


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_every_case_gives_its_result_or_reason(corpus):
    import datetime as dt

    from xltool.batch import CheckOptions, check_file

    for path, (kind, words) in corpus:
        res = check_file(str(path), path, CheckOptions(as_of=dt.date(2020, 11, 20)))
        if kind == "error":
            assert res.status == "error", path.name
            assert words in res.error and "\n" not in res.error, (path.name, res.error)
        else:
            assert res.status in ("ok", "findings"), (path.name, res.error)
            assert "内部错误" not in (res.error or "")


def test_odd_values_are_reported_not_lost(corpus):
    import datetime as dt

    from xltool.batch import CheckOptions, check_file

    path = next(p for p, _ in corpus if p.name == "异常值.xlsx")
    res = check_file(str(path), path, CheckOptions(as_of=dt.date(2020, 11, 20)))
    assert [(f.cell, f.rule, f.value) for f in res.findings] == [
        ("C3", "formula-error", "#REF!"), ("E3", "formula-error", "#DIV/0!"),
        ("C6", "missing-field", None)]  # a formula never calculated has no value to read
    # the date spellings (text, serial number, serial as text, a real date) all read as 2020-10-05
    from xltool.reader import read_ledger

    (table,) = read_ledger(path).tables
    assert [t.done_on for t in table.tasks] == [dt.date(2020, 10, 5)] * 4


def test_whole_folder_batch_goes_on_and_inputs_stay_identical(corpus, tmp_path):
    folder = corpus[0][0].parent
    before = digest(folder)
    res = runner.invoke(app, ["check", str(folder), "--as-of", "2020-11-20", "--report", str(tmp_path / "r.xlsx"),
                              "--annotate", str(tmp_path / "ann"), "--format", "csv"])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    lines = res.stdout.splitlines()
    unreadable = [ln for ln in lines if ",无法读取," in ln]
    assert len(unreadable) == sum(1 for _, (k, _w) in corpus if k == "error")
    for cmd in (["inspect"], ["fill", "-o", str(tmp_path / "f.xlsx"), "--force"]):
        for path, _ in corpus:
            r = runner.invoke(app, [cmd[0], str(path)] + cmd[1:])
            assert r.exit_code in (0, 2) and "Traceback" not in r.output, (cmd, path.name, r.output)
            if r.exit_code == 2:
                assert len([ln for ln in r.stderr.splitlines() if ln.strip()]) == 1
    runner.invoke(app, ["rollup", str(folder), "--as-of", "2020-11-20", "-o", str(tmp_path / "s.xlsx")])
    assert digest(folder) == before


def test_password(corpus):
    enc = next(p for p, _ in corpus if p.name == "加密.xlsx")
    res = runner.invoke(app, ["inspect", str(enc), "--password", "秘密123", "--json"])
    assert res.exit_code == 0 and '"tasks"' in res.stdout
    res = runner.invoke(app, ["inspect", str(enc), "--password", "wrong"])
    assert res.exit_code == 2 and "密码不正确" in res.stderr


def test_read_only_input_with_chinese_path(corpus, tmp_path):
    src = next(p for p, _ in corpus if p.name.startswith("带 空格"))
    ro = tmp_path / "只读 目录" / "台账 只读.xlsx"
    ro.parent.mkdir()
    shutil.copy(src, ro)
    os.chmod(ro, 0o444)
    res = runner.invoke(app, ["check", str(ro), "--as-of", "2018-06-01", "--annotate", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "台账 只读.xlsx").exists()
    assert not list((tmp_path / "out").glob(".~xltool-*"))  # no temporary file left behind


@pytest.mark.skipif(sys.platform == "win32", reason="measures the child's peak memory with resource (POSIX)")
@pytest.mark.parametrize("name", ["压缩炸弹.xlsx", "超远单元格.xlsx", "实体膨胀-共享字符串.xlsx", "共享字符串放大.xlsx",
                                  "开放文档.xlsx"])
def test_bombs_are_refused_fast_and_small(corpus, name):
    path = next(p for p, _ in corpus if p.name == name)
    code = ("import resource, subprocess, sys, time; t = time.time(); "
            "r = subprocess.run([sys.executable, '-m', 'xltool', 'check', sys.argv[1]], capture_output=True); "
            "print(r.returncode, time.time() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60)
    rc, wall, rss_kb = out.stdout.split()
    assert int(rc) == 2
    assert float(wall) < 10
    assert int(rss_kb) < 500 * 1024


def test_limits_are_configurable(corpus, tmp_path):
    empty = next(p for p, _ in corpus if p.name == "二十万空行.xlsx")  # 200,000 declared rows, 10 cells
    assert runner.invoke(app, ["check", str(empty), "--max-cells", "1000"]).exit_code in (0, 1)
    from ledgers import make_ledger

    path = make_ledger(tmp_path / "三百行.xlsx", [[i, f"任务{i}", "县政府办", None, "全年", "推进中"]
                                                   for i in range(1, 301)])
    assert runner.invoke(app, ["inspect", str(path), "--json"]).exit_code == 0
    res = runner.invoke(app, ["check", str(path), "--max-cells", "1000"])
    assert res.exit_code == 2 and "上限" in res.stdout


def _fuzz(cases: int, seed: int) -> None:
    import json
    import subprocess

    # in a process of its own: the peak memory of its workers is then theirs alone, not that
    # of every child this test run has had (LibreOffice among them)
    proc = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "fuzz_ledgers.py"), "--cases", str(cases),
                           "--seed", str(seed), "--jobs", "2", "--json"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    res = json.loads(proc.stdout)
    assert res["cases"] == cases
    assert res["internal"] == []  # no crash of ours, no reader that died
    assert res["statuses"]["error"] > 0 and res["statuses"]["ok"] + res["statuses"]["findings"] > 0
    assert res["changed"] == []
    assert res["worker_rss_mb"] < 500
    assert res["wall"] < 0.5 * cases  # (on average: a file that hangs would cost the limit, 60 s)


@pytest.mark.skipif(sys.platform == "win32", reason="measures the workers' peak memory with resource (POSIX)")
def test_mutation_fuzz_fixed_cases():
    _fuzz(300, seed=7)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="measures the workers' peak memory with resource (POSIX)")
def test_mutation_fuzz_at_length():
    _fuzz(5000, seed=11)



@given(col=st.integers(1, 16384), row=st.integers(1, 1_048_576),
       limit=st.sampled_from([10, 233, 234, 1000, 2_000_000, 2_600_000, 50_000_000]),
       spacing=st.sampled_from([" ", "\t", "\n"]))
def test_fast_search_never_misses_a_far_cell(col, row, limit, spacing):
    """The guard only measures a sheet's extent when a fast search finds a reference far
    enough to matter; no cell past the limit may slip by that search."""
    from xltool.grid.guard import _big_ref
    from xltool.model import col_letter

    xml = f'<row{spacing}r="{row}"><c{spacing}r="{col_letter(col - 1)}{row}" t="s"><v>0</v></c></row>'.encode()
    if col * row > limit:
        assert _big_ref(limit).search(xml)


def test_far_column_small_sheet_is_measured_not_refused(tmp_path):
    from hostile import _sheet, minimal_xlsx

    cells = '<c r="A1" t="inlineStr"><is><t>任务</t></is></c><c r="AB1" t="inlineStr"><is><t>x</t></is></c>'
    p = minimal_xlsx(tmp_path / "wide.xlsx", _sheet(f'<row r="1">{cells}</row>', "A1:AB1"))
    res = runner.invoke(app, ["inspect", str(p), "--json"])
    assert res.exit_code == 0, res.stdout
    res = runner.invoke(app, ["check", str(p), "--max-cells", "20"])
    assert res.exit_code == 2 and "上限" in res.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("command", [["check", "-j", "1"], ["check", "-j", "2"], ["rollup"], ["inspect"]])
def test_a_pipe_named_like_a_ledger_is_refused_at_once(tmp_path, command):
    shutil.copyfile(SEED, tmp_path / "good.xlsx")
    shutil.copyfile(SEED, tmp_path / "good2.xlsx")
    os.mkfifo(tmp_path / "x.xlsx")
    target = tmp_path / "x.xlsx" if command == ["inspect"] else tmp_path
    start = time.monotonic()
    res = runner.invoke(app, [command[0], str(target), *command[1:], "--as-of", "2020-12-15"])
    assert time.monotonic() - start < 20 and res.exit_code == 2
    assert "不是普通文件" in res.output


FAR = {  # a far cell, written as a parser accepts it but no writer does
    "single quotes": "<c r='XFD1048576'><v>1</v></c>",
    "spaces around =": '<c r = "XFD1048576"><v>1</v></c>',
    "leading zeros": '<c r="XFD0001048576"><v>1</v></c>',
    "placed by order": "<c/>" * 20_000 + "<c><v>1</v></c></row><row r=\"1000000\"><c><v>1</v></c>",
}


@pytest.mark.parametrize("form", sorted(FAR))
def test_a_far_cell_however_written_is_refused_before_the_reader(tmp_path, form):
    """python-calamine allocates the box up to the furthest cell and aborts the process past
    memory: the guard must see every spelling first (in a process of its own here, so that a
    miss shows as a crash, not as a dead test run)."""
    from hostile import NS, minimal_xlsx

    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData><row r="1">'
             f'<c r="A1" t="inlineStr"><is><t>序号</t></is></c>{FAR[form]}</row></sheetData></worksheet>')
    path = minimal_xlsx(tmp_path / "far.xlsx", sheet)
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "xltool", "inspect", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2 and "区域过大" in res.stderr, (res.returncode, res.stderr[-300:])
    assert time.monotonic() - start < 10


def test_a_far_cell_in_a_sheet_outside_the_usual_folder_is_refused(tmp_path):
    """A reader follows the workbook's relations to wherever a worksheet part lies."""
    import zipfile

    from hostile import NS, minimal_xlsx

    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData><row r="1">'
             f'<c r="A1"><v>1</v></c>{FAR["single quotes"]}</row></sheetData></worksheet>')
    src = minimal_xlsx(tmp_path / "src.xlsx", sheet)
    path = tmp_path / "stray.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info).replace(b"worksheets/sheet1.xml", b"elsewhere/s1.xml")
            zout.writestr(info.filename.replace("worksheets/sheet1.xml", "elsewhere/s1.xml"), data)
    res = subprocess.run([sys.executable, "-m", "xltool", "inspect", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2 and "区域过大" in res.stderr, (res.returncode, res.stderr[-300:])


@pytest.mark.parametrize("builder, words", [("word_grid_bomb", "超过 2000000 个单元格上限"),
                                            ("word_with_comment_and_pi", None)])
def test_word_notices_built_to_hurt_are_refused_or_read(tmp_path, builder, words):
    """A table grid bomb is refused before python-docx lays it out; a comment or processing
    instruction inside a paragraph is read past. Either way one line, in a few seconds."""
    import hostile

    path = getattr(hostile, builder)(tmp_path / "通知.docx")
    start = time.monotonic()
    res = subprocess.run([sys.executable, "-m", "xltool", "import", str(path), "-o", str(tmp_path / "台账.xlsx")],
                         capture_output=True, text=True, timeout=120)
    assert time.monotonic() - start < 10
    assert "Traceback" not in res.stderr
    if words:
        assert res.returncode == 2 and words in res.stderr, res.stderr[-300:]
    else:
        assert res.returncode == 0 and "已导入 1 行任务" in res.stderr, res.stderr[-300:]


@pytest.mark.skipif(sys.platform != "linux", reason="a file name of raw bytes needs a byte-named file system")
def test_a_file_name_that_is_not_utf8_is_shown_with_replacement_and_still_checked(tmp_path):
    """A GBK-named ledger from a Windows share: every output names it with U+FFFD, reads it by
    its real name, and nothing crashes (JSON, CSV, report, annotated copies, roll-up, inspect, fill)."""
    from ledgers import make_ledger

    folder = tmp_path / "台账"
    make_ledger(folder / "县政府办.xlsx", [[1, "任务甲", "县政府办", None, "2020年底前", "推进中"]])
    gbk = os.path.join(os.fsencode(folder), "县财政局".encode("gbk") + b".xlsx")
    make_ledger(tmp_path / "x.xlsx", [[1, "任务乙", "县财政局", None, "2020年6月底前", "推进中"]],
                preamble=["填报单位：县财政局"])
    shutil.copy(tmp_path / "x.xlsx", gbk)
    before = digest(folder)
    args = [str(folder), "--as-of", "2020-11-20"]
    res = runner.invoke(app, ["check", *args, "--json", "-o", str(tmp_path / "结果.xlsx"), "--annotate",
                              str(tmp_path / "标注")])
    assert res.exit_code == 1, res.output
    names = sorted(os.path.basename(f["file"]) for f in json.loads(res.stdout)["files"])
    assert "县政府办.xlsx" in names and any("\ufffd" in n for n in names)
    assert len(list((tmp_path / "标注").iterdir())) == 2 and (tmp_path / "结果.xlsx").exists()
    assert "\ufffd" in runner.invoke(app, ["check", *args, "--format", "csv"]).stdout
    doc = json.loads(runner.invoke(app, ["rollup", *args, "--json", "-o", str(tmp_path / "汇总.xlsx")]).stdout)
    assert {u["unit"] for u in doc["units"]} == {"县政府办", "县财政局"}
    res = runner.invoke(app, ["inspect", os.fsdecode(gbk), "--json"])
    assert res.exit_code == 0 and "\ufffd" in json.loads(res.stdout)["file"]
    assert runner.invoke(app, ["fill", os.fsdecode(gbk), "-o", str(tmp_path / "填充.xlsx")]).exit_code == 0
    assert digest(folder) == before
