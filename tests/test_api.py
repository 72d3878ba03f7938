"""The Python API an analyst uses in a notebook: the same answers as the command line."""

import datetime as dt
import json

import pytest
from conftest import ROOT
from typer.testing import CliRunner

import xltool
from xltool.cli import app

EX = ROOT / "examples"
runner = CliRunner()


def test_read_gives_every_field_of_every_task():
    ledger = xltool.read(EX / "ledgers" / "县政府办.xlsx")
    rows = ledger.records()
    assert len(rows) == 14 and {r["file"] for r in rows} == {str(EX / "ledgers" / "县政府办.xlsx")}
    done = next(r for r in rows if r["seq"] == "26")
    assert (done["status"], done["done_date"], done["evidence"], done["progress"]) == (
        "已完成", dt.date(2020, 11, 20), "专题截图.pdf", "专题已上线")
    assert done["unit"] == "县政府办" and done["report_date"] == dt.date(2020, 12, 15)
    frame = ledger.to_frame()
    assert len(frame) == 14 and {"progress", "evidence", "self_score", "deadline_kind", "due"} <= set(frame.columns)


def test_check_equals_the_command():
    args = dict(plan=EX / "plan_2020.xlsx", as_of="2020年12月15日")
    report = xltool.check(EX / "ledgers", **args)
    cli = json.loads(runner.invoke(app, ["check", str(EX / "ledgers"), "--plan", str(EX / "plan_2020.xlsx"),
                                         "--as-of", "2020-12-15", "--json"]).stdout)
    assert report.to_json() == cli
    frame = report.to_frame()
    assert len(frame) == sum(len(f["findings"]) for f in cli["files"])
    assert frame.groupby("title").size().to_dict()["逾期未完成"] == 4


def test_rollup_equals_the_command_and_ranks():
    res = xltool.rollup([EX / "ledgers"], plan=EX / "plan_2020.xlsx", as_of=dt.date(2020, 12, 15))
    cli = json.loads(runner.invoke(app, ["rollup", str(EX / "ledgers"), "--plan", str(EX / "plan_2020.xlsx"),
                                         "--as-of", "2020-12-15", "--json"]).stdout)
    assert [u["unit"] for u in res.records()] == [u["unit"] for u in cli["units"]]
    frame = res.to_frame()
    assert list(frame["rank"]) == list(range(1, len(cli["units"]) + 1))
    assert frame.set_index("unit").loc["县卫健委", "score"] == 16.67


def test_bad_arguments_say_so_in_chinese():
    from xltool.errors import UsageError

    with pytest.raises(UsageError, match="歧义"):
        xltool.check(EX / "ledgers", as_of="03/04/2021")
    with pytest.raises(UsageError, match="是任务表"):
        xltool.rollup(EX / "ledgers", roster=EX / "plan_2020.xlsx")


def test_the_command_does_not_import_pandas():
    import subprocess
    import sys

    code = "import sys, xltool.cli; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
