"""``--previous``: this round's ledgers against each unit's ledger of the previous round."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from rounds import AS_OF, ledger, two_rounds
from typer.testing import CliRunner

from xltool.cli import app

runner = CliRunner()


PREVIOUS_RULES = {"stale-progress", "status-regressed", "done-date-moved", "task-dropped"}


def test_check_finds_what_changed_since_the_previous_round(tmp_path):
    old, new = two_rounds(tmp_path)
    res = runner.invoke(app, ["check", str(new), "--previous", str(old), "--as-of", AS_OF, "--json"])
    doc = json.loads(res.stdout)
    got = {(f["file"].split("/")[-1], x["rule"], x["cell"]) for f in doc["files"] for x in f["findings"]
           if x["rule"] in PREVIOUS_RULES}
    assert got == {("县财政局 11月报送.xlsx", "stale-progress", "H4"),
                   ("县财政局 11月报送.xlsx", "status-regressed", "F5"),
                   ("县财政局 11月报送.xlsx", "done-date-moved", "G8"),
                   ("县财政局 11月报送.xlsx", "task-dropped", None),
                   ("县教育局.xlsx", "stale-progress", "H3")}  # (no 填报单位 line: its rows start at 3)
    messages = {x["rule"]: x["message"] for f in doc["files"] for x in f["findings"] if "财政局" in f["file"]}
    assert "财政局10月.xlsx 第9行" in messages["task-dropped"] and "任务己" in messages["task-dropped"]
    assert "“已完成”，本轮为“推进中”" in messages["status-regressed"]
    assert "2020-05-20 改为 2020-05-25" in messages["done-date-moved"]
    assert "上一轮：2 个台账" in res.stderr
    # without --previous none of them
    plain = json.loads(runner.invoke(app, ["check", str(new), "--as-of", AS_OF, "--json"]).stdout)
    assert not [x for f in plain["files"] for x in f["findings"] if x["rule"] in PREVIOUS_RULES]


def test_check_text_names_the_rules_in_chinese(tmp_path):
    old, new = two_rounds(tmp_path)
    res = runner.invoke(app, ["check", str(new), "--previous", str(old), "--as-of", AS_OF])
    for title in ("进展未更新", "完成状态倒退", "完成日期变动", "任务缺失"):
        assert title in res.stdout


def test_rollup_gives_each_units_change(tmp_path):
    old, new = two_rounds(tmp_path)
    res = runner.invoke(app, ["rollup", str(new), "--previous", str(old), "--as-of", AS_OF, "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    changes = {c["unit"]: c for c in doc["previous"]["changes"]}
    # 县财政局 by hand: now 任务丁 and 任务戊 done, 任务甲 overdue (at 2020-11-20); then (at its
    # 填报日期 2020-10-31) 任务乙 and 任务戊 done, 任务甲 and 任务己 overdue; 任务甲's progress unchanged
    assert changes["县财政局"] == {"unit": "县财政局", "completed": 2, "completed_before": 2, "newly_completed": 0,
                                "overdue": 1, "overdue_before": 2, "overdue_change": -1, "stale": 1}
    assert changes["县教育局"]["overdue"] == 1 and changes["县教育局"]["overdue_change"] == 0
    assert changes["县教育局"]["stale"] == 1  # (the same text, spaces aside)
    assert "2020-10-31" in doc["previous"]["base_dates"]
    text = runner.invoke(app, ["rollup", str(new), "--previous", str(old), "--as-of", AS_OF]).stdout
    assert "与上一轮相比" in text and "-1" in text


def test_summary_has_a_change_sheet_with_the_same_figures(tmp_path):
    old, new = two_rounds(tmp_path)
    out = tmp_path / "汇总.xlsx"
    res = runner.invoke(app, ["rollup", str(new), "--previous", str(old), "--as-of", AS_OF, "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    ws = load_workbook(out)["变化"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}
    for c in doc["previous"]["changes"]:
        assert rows[c["unit"]][:8] == (c["unit"], c["completed"], c["completed_before"], c["newly_completed"],
                                       c["overdue"], c["overdue_before"], c["overdue_change"], c["stale"])


def test_an_output_inside_the_previous_folder_is_refused(tmp_path):
    old, new = two_rounds(tmp_path)
    target = old / "县教育局.xlsx"
    before = target.read_bytes()
    res = runner.invoke(app, ["check", str(new), "--previous", str(old), "--as-of", AS_OF, "-o", str(target),
                              "--force"])
    assert res.exit_code == 2 and target.read_bytes() == before


def test_a_previous_folder_without_ledgers_is_a_message(tmp_path):
    _, new = two_rounds(tmp_path)
    (tmp_path / "空").mkdir()
    res = runner.invoke(app, ["check", str(new), "--previous", str(tmp_path / "空"), "--as-of", AS_OF])
    assert res.exit_code == 2 and "没有可读取的台账" in res.stderr
    res = runner.invoke(app, ["rollup", str(new), "--previous", str(tmp_path / "无此文件夹")])
    assert res.exit_code == 2 and "不存在" in res.stderr


def test_a_unit_with_several_ledgers_is_compared_file_by_file(tmp_path):
    """A unit that sends one ledger per table: each is compared with its namesake, not all
    with the unit's newest."""
    for folder, reported in (("10月", "2020-10-31"), ("11月", "2020-11-20")):
        ledger(tmp_path / folder / "财政局 表一.xlsx", "县财政局", reported,
               [[1, "任务甲", "县政府办", "县财政局", "2020年12月底前", "推进中", None, f"{folder}进展"]])
        ledger(tmp_path / folder / "财政局 表二.xlsx", "县财政局", reported,
               [[1, "任务乙", "县政府办", "县财政局", "2020年12月底前", "推进中", None, f"{folder}进展"]])
    res = runner.invoke(app, ["check", str(tmp_path / "11月"), "--previous", str(tmp_path / "10月"),
                              "--as-of", AS_OF, "--json"])
    rules = [x["rule"] for f in json.loads(res.stdout)["files"] for x in f["findings"]]
    assert "task-dropped" not in rules and "stale-progress" not in rules
    assert rules.count("duplicate-submission") == 2  # (what a unit sending two ledgers always gets)
