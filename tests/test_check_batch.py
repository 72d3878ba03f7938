import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import seed
from ledgers import make_ledger
from openpyxl import load_workbook
from typer.testing import CliRunner

from xltool.batch import CheckOptions, check_paths
from xltool.cli import app

AS_OF = dt.date(2020, 11, 20)  # the base date of the library-level checks here (the CLI ones pass 2020-11-20)

runner = CliRunner()


def digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    for i in range(197):
        sub = root / f"区{i % 4}"
        rows = [[1, "任务甲", "县政府办", "县财政局", "2020年9月底前", "已完成" if i % 2 else "推进中",
                 "2020-09-01" if i % 2 else None, None, "材料" if i % 2 else None],
                [2, "任务乙", "县政府办", "县财政局", "持续推进", "推进中"]]
        make_ledger(sub / f"台账 {i:03d}.xlsx", rows)
    (root / "坏文件1.xlsx").write_bytes(b"this is not a workbook")
    (root / "区0" / "坏文件2.xlsx").write_bytes(seed("001").read_bytes()[:3000])
    (root / "区1" / "坏文件3.xls").write_bytes(b"")
    (root / "区1" / "~$台账 001.xlsx").write_bytes(b"lock")
    return root


def test_batch_of_200_with_3_broken_files(batch, tmp_path):
    before = digest(batch)
    res = runner.invoke(app, ["check", str(batch), "--as-of", "2020-11-20", "--json", "--jobs", "2",
                              "--report", str(tmp_path / "r.xlsx"), "--annotate", str(tmp_path / "ann")])
    assert res.exit_code == 2  # unreadable inputs
    doc = json.loads(res.stdout)
    assert doc["summary"] == {"files": 200, "errors": 99, "warnings": 0, "infos": 0, "unreadable": 3, "skipped": 0}
    bad = sorted(f["file"].rsplit("/", 1)[-1] for f in doc["files"] if f["status"] == "error")
    assert bad == ["坏文件1.xlsx", "坏文件2.xlsx", "坏文件3.xls"]
    assert all(f["error"] for f in doc["files"] if f["status"] == "error")
    assert digest(batch) == before  # every input byte-identical
    assert len(list((tmp_path / "ann").rglob("*.xlsx"))) == 197


def test_parallel_equals_serial_and_json_equals_library(batch):
    opts = CheckOptions(as_of=AS_OF)
    serial = check_paths([batch], opts, jobs=1).to_json()
    parallel = check_paths([batch], opts, jobs=2).to_json()
    assert serial == parallel
    res = runner.invoke(app, ["check", str(batch), "--as-of", "2020-11-20", "--json", "-j", "1"])
    assert json.loads(res.stdout) == json.loads(json.dumps(serial, ensure_ascii=False))


@pytest.mark.parametrize("n", [1, 3, 17, 100, 197, 484, 500, 1001])
@pytest.mark.parametrize("jobs", [2, 3, 8])
def test_work_is_cut_into_tasks_that_cover_every_file_once(n, jobs):
    from xltool.batch import _chunks

    chunks = _chunks(n, jobs)
    assert [i for c in chunks for i in c] == list(range(n))
    sizes = [len(c) for c in chunks]
    assert all(1 <= s <= 32 for s in sizes) and sizes == sorted(sizes, reverse=True)
    assert sizes[-min(n, jobs):] == [1] * min(n, jobs)  # the last files go one by one


def test_a_batch_leaves_no_worker_behind(batch):
    # the command ends right after its output (os._exit): a worker still waiting for its
    # pool's goodbye then would wait for ever, and hold the process at exit
    import multiprocessing

    check_paths([batch], CheckOptions(as_of=AS_OF), jobs=2)
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the workers inherit the patch through fork")
def test_a_worker_that_dies_costs_one_file_not_the_batch(tmp_path, monkeypatch):
    from xltool import batch as check

    for i in range(12):
        make_ledger(tmp_path / f"台账 {i:02d}.xlsx", [[1, "任务甲", "县政府办", None, "持续推进", "推进中"]])
    real = check.check_ledger

    def dies_on_07(ledger, opts, path=None):
        if path and path.endswith("07.xlsx"):
            import os

            os._exit(3)  # as when a reader aborts the process
        return real(ledger, opts, path=path)

    monkeypatch.setattr(check, "check_ledger", dies_on_07)
    report = check_paths([tmp_path], CheckOptions(as_of=AS_OF), jobs=2)
    status = {r.file.rsplit("/", 1)[-1]: (r.status, r.error) for r in report.files}
    assert len(status) == 12
    assert status.pop("台账 07.xlsx") == ("error", "读取此文件时进程异常退出（文件可能已损坏）")
    assert set(status.values()) == {("ok", None)}


def test_files_checked_together_equal_files_checked_one_by_one(batch):
    from xltool import batch as check

    items = check.discover([batch])
    opts = CheckOptions(as_of=AS_OF)
    together = [r.to_json() for r in check.check_files(items, opts)]
    assert together == [check.check_file(label, path, opts).to_json() for label, path in items]
    assert sum(r["status"] == "error" for r in together) == 3


def test_exit_codes(tmp_path):
    clean = make_ledger(tmp_path / "ok.xlsx", [[1, "甲", "县政府办", None, "持续推进", "推进中"]])
    late = make_ledger(tmp_path / "late.xlsx", [[1, "甲", "县政府办", None, "2020年9月底前", "推进中"]])
    assert runner.invoke(app, ["check", str(clean), "--as-of", "2020-11-20"]).exit_code == 0
    assert runner.invoke(app, ["check", str(late), "--as-of", "2020-11-20"]).exit_code == 1
    assert runner.invoke(app, ["check", str(late), "--as-of", "2020-09-20"]).exit_code == 0
    assert runner.invoke(app, ["check", str(tmp_path / "none.xlsx")]).exit_code == 2
    assert runner.invoke(app, ["check", str(late), "--as-of", "not-a-date"]).exit_code == 2


def test_the_command_process_ends_with_its_output_whole(batch, tmp_path):
    """The real ``xltool`` process (which ends without interpreter teardown): its exit code,
    its JSON document (tens of KB through a pipe) and its report file all come out whole."""
    opts = CheckOptions(as_of=AS_OF)
    expected = json.loads(json.dumps(check_paths([batch], opts, jobs=1).to_json(), ensure_ascii=False))
    report = tmp_path / "报告.xlsx"
    res = subprocess.run([sys.executable, "-m", "xltool", "check", str(batch), "--as-of", "2020-11-20", "--json",
                          "--report", str(report)], capture_output=True, timeout=120)
    assert res.returncode == 2  # unreadable inputs
    assert len(res.stdout) > 40_000 and json.loads(res.stdout) == expected
    assert "检查中" not in res.stderr.decode("utf-8")  # progress bars are for a terminal, not a pipe or a log
    assert load_workbook(report)["问题清单"].max_row == 1 + expected["summary"]["errors"] + 3
    bad = subprocess.run([sys.executable, "-m", "xltool", "check", str(batch), "--no-such-option"],
                         capture_output=True, timeout=60)
    assert bad.returncode == 2 and b"--no-such-option" in bad.stderr


def test_a_check_in_process_leaves_the_callers_collector_as_it_was(batch):
    # the command pauses the cycle collector while a batch's results arrive and, in its own
    # process only, sets them aside for good (gc.freeze); a caller of the app keeps its own
    import gc

    before = (gc.isenabled(), gc.get_freeze_count())
    res = runner.invoke(app, ["check", str(batch), "--as-of", "2020-11-20", "--json", "-j", "2"])
    assert res.exit_code == 2 and json.loads(res.stdout)["summary"]["files"] == 200
    assert (gc.isenabled(), gc.get_freeze_count()) == before


def test_the_installed_command_is_the_module_entry_point():
    import tomllib
    from pathlib import Path

    scripts = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    module, func = scripts["xltool"].split(":")
    # (in a process of its own: the entry module turns the collector off for start-up, main back on)
    code = (f"import gc, importlib; m = importlib.import_module({module!r}); import xltool.cli as c; "
            f"print(getattr(m, {func!r}) is c.main, gc.isenabled())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "False"], out.stderr


def test_csv_neutralises_formulas(tmp_path):
    p = make_ledger(tmp_path / "f.xlsx", [[1, "甲", "=HYPERLINK(\"http://x\")", None, "全年", "+完成"]])
    res = runner.invoke(app, ["check", str(p), "--as-of", "2020-11-20", "--format", "csv"])
    lines = res.stdout.splitlines()
    # for Excel and WPS: a byte-order mark, Chinese headers, severities and rule titles
    assert lines[0].startswith("\ufeff文件,工作表,单元格") and ",错误," in res.stdout and "逾期未完成" not in lines[0]
    assert not any(cell.startswith(("=", "+", "-", "@")) for ln in lines[1:] for cell in ln.split(","))
    assert "'+完成" in res.stdout
    plain = runner.invoke(app, ["check", str(p), "--as-of", "2020-11-20", "--format", "csv", "--csv-plain"]).stdout
    assert plain.startswith("file,sheet,cell,excel_row,rule,code,severity") and ",error," in plain
    res = runner.invoke(app, ["check", str(p), "--json", "--format", "csv"])
    assert res.exit_code == 2 and "不能同时使用" in res.stderr


@pytest.mark.parametrize("command", [["rules"], ["deadline", "2020年底前"], ["inspect", "{p}"],
                                     ["rollup", "{p}", "--as-of", "2020-11-20"]])
def test_every_command_with_csv_writes_csv(tmp_path, command):
    import csv
    import io

    p = make_ledger(tmp_path / "f.xlsx", [[1, "甲", "县政府办", None, "全年", "推进中"]])
    res = runner.invoke(app, [c.format(p=p) for c in command] + ["--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(res.stdout[1:])))
    assert len(rows) >= 2 and len({len(r) for r in rows}) == 1  # a table, not text


def test_existing_output_needs_force_and_inputs_are_never_outputs(tmp_path):
    p = make_ledger(tmp_path / "a.xlsx", [[1, "甲", "县政府办", None, "全年", "推进中"]])
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"keep")
    res = runner.invoke(app, ["check", str(p), "--report", str(out)])
    assert res.exit_code == 2 and "--force" in res.stderr and out.read_bytes() == b"keep"
    res = runner.invoke(app, ["check", str(p), "--report", str(p), "--force"])
    assert res.exit_code == 2 and "输入" in res.stderr
    # --force replaces only what xltool wrote: "keep" is somebody's file
    res = runner.invoke(app, ["check", str(p), "--report", str(out), "--force", "--as-of", "2020-01-01"])
    assert res.exit_code == 2 and "不会覆盖" in res.stderr and out.read_bytes() == b"keep"
    out.unlink()
    assert runner.invoke(app, ["check", str(p), "--report", str(out), "--as-of", "2020-01-01"]).exit_code == 0
    assert runner.invoke(app, ["check", str(p), "--report", str(out), "--force", "--as-of", "2020-01-01"]).exit_code == 0


def test_seed_tables_findings(tmp_path):
    """On the official tables every finding is one a careful reader agrees with."""
    def rules_of(name, as_of):
        (r,) = check_paths([seed(name)], CheckOptions(as_of=as_of), jobs=1).files
        return [(f.excel_row, f.rule, f.value) for f in r.findings if f.rule != "overdue"], \
            sum(f.rule == "overdue" for f in r.findings)

    early = dt.date(2018, 6, 1)
    assert rules_of("000", early) == ([], 0)
    assert rules_of("003", early) == ([], 0)
    f001, late001 = rules_of("001", early)
    assert f001 == [(8, "unknown-unit", "食品药品监管局局"), (31, "duplicate-seq", "14")]
    assert late001 == 0 and rules_of("001", dt.date(2021, 1, 1))[1] == 34
    f002, _ = rules_of("002", dt.date(2019, 7, 10))
    assert sorted({r for r, rule, _ in f002 if rule == "missing-field"}) == [7, 8, 9, 10, 11, 14, 15, 16, 56, 57]
    assert sorted(v for _, rule, v in f002 if rule == "unknown-unit") == sorted(
        ["市直相关部门", "市自然资源和规划局", "市退役军人局", "市市场监督管理局", "市市场监督管理局局"])
    f004, _ = rules_of("004", dt.date(2020, 10, 1))
    assert [(r, rule, v) for r, rule, v in f004 if rule != "due-soon"] == [(11, "unknown-unit", "县开发区管委会")]


def test_lock_files_and_copies_in_other_folders(tmp_path):
    a = make_ledger(tmp_path / "x" / "同名.xlsx", [[1, "甲", "县政府办", None, "全年", "推进中"]])
    shutil.copy(a, tmp_path / "同名.xlsx")
    (tmp_path / "~$同名.xlsx").write_bytes(b"lock")
    res = runner.invoke(app, ["check", str(tmp_path), "--as-of", "2020-01-01", "--annotate", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.xlsx")) == [
        "x/同名.xlsx", "同名.xlsx"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_files_own_config_governs_the_batch_wide_unit_check(tmp_path, jobs):
    """A name seen once in the batch, near a common one, is reported by the batch-wide pass
    unless the file's own 配置 sheet disables unknown-unit; -j does not change the verdict."""
    rows = [[i, f"任务{i}", "县政府办公室", None, "全年", "推进中"] for i in range(1, 4)]
    make_ledger(tmp_path / "a.xlsx", rows)
    make_ledger(tmp_path / "b.xlsx", rows)
    make_ledger(tmp_path / "c.xlsx", [[1, "任务", "县政府办工室", None, "全年", "推进中"]])
    make_ledger(tmp_path / "d.xlsx", [[1, "任务", "县政府办公事", None, "全年", "推进中"]],
                extra_sheets={"配置": [["键", "值"], ["rules.disable", "unknown-unit"]]})
    res = runner.invoke(app, ["check", str(tmp_path), "--as-of", "2020-11-20", "--json", "-j", jobs])
    doc = json.loads(res.stdout)
    units = {Path(f["file"]).name: [x["value"] for x in f["findings"] if x["rule"] == "unknown-unit"]
             for f in doc["files"]}
    assert units == {"a.xlsx": [], "b.xlsx": [], "c.xlsx": ["县政府办工室"], "d.xlsx": []}


def test_progress_shows_on_a_terminal(batch, tmp_path):
    """On a terminal (a pseudo-terminal here) the phases show: checking, then writing the report."""
    import pty

    report = tmp_path / "报告.xlsx"
    out = bytearray()

    def read(fd):
        data = os.read(fd, 65536)
        out.extend(data)
        return data

    status = pty.spawn([sys.executable, "-m", "xltool", "check", str(batch), "--as-of", "2020-11-20",
                        "--report", str(report)], read)
    text = out.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 2
    assert "检查中 [" in text and f"写出 {report}" in text and "检查结果已写入" in text
