"""Every rule fires on a case built for it and is silent on a clean ledger."""

import datetime as dt
from pathlib import Path

import pytest
from ledgers import make_ledger

from xltool.batch import CheckOptions, check_paths
from xltool.config import Config
from xltool.rules import DOC_SECTIONS, RULES, all_rules, parse_doc
from xltool.units import Roster

AS_OF = dt.date(2020, 11, 20)
H = ["序号", "工作任务", "牵头单位", "责任单位", "时限要求", "完成状态", "完成日期", "进展情况", "佐证材料"]
CLEAN = [
    [1, "任务甲", "县政府办", "县财政局", "2020年底前", "推进中", None, "按计划推进", None],
    [2, "任务乙", "县政府办", "县财政局", "2020年10月底前", "已完成", "2020-10-20", "已完成", "通知.pdf"],
    [3, "任务丙", "县财政局", "县政府办", "持续推进", "推进中", None, None, None],
    [4, "任务丁", "县财政局", None, "全年", "未启动", None, None, None],
]


def findings(path, **kw):
    opts = CheckOptions(as_of=kw.pop("as_of", AS_OF), **kw)
    (res,) = check_paths([path], opts, jobs=1).files
    assert res.status != "error", res.error
    return res.findings


def pairs(fs):
    return sorted((f.excel_row, f.rule) for f in fs)


def test_clean_ledger_is_silent(tmp_path):
    assert findings(make_ledger(tmp_path / "clean.xlsx", CLEAN)) == []


CASES = [
    # (rule, body row that breaks it, kwargs)
    ("missing-field", [5, None, "县政府办", None, "全年", "推进中"], {}),
    ("missing-field", [5, "任务", None, None, "全年", "推进中"], {}),
    ("missing-field", [5, "任务", "县政府办", None, None, "推进中"], {}),
    ("bad-deadline", [5, "任务", "县政府办", None, "尽快完成", "推进中"], {}),
    ("bad-status", [5, "任务", "县政府办", None, "全年", "基本完成"], {}),
    ("done-no-date", [5, "任务", "县政府办", None, "全年", "已完成", None, None, "材料"], {}),
    ("done-no-evidence", [5, "任务", "县政府办", None, "全年", "已完成", "2020-11-01"], {}),
    ("overdue", [5, "任务", "县政府办", None, "2020年9月底前", "推进中"], {}),
    ("due-soon", [5, "任务", "县政府办", None, "2020年11月底前", "推进中"], {}),
    ("completed-late", [5, "任务", "县政府办", None, "2020年9月底前", "已完成", "2020-10-08", None, "材料"], {}),
    ("date-in-future", [5, "任务", "县政府办", None, "全年", "已完成", "2020-12-01", None, "材料"], {}),
    ("duplicate-seq", [2, "任务戊", "县政府办", None, "全年", "推进中"], {}),
    ("unknown-unit", [5, "任务", "县政府办", "县财政厅", "全年", "推进中"],
     {"roster": Roster.from_names(["县政府办", "县财政局"])}),
]


@pytest.mark.parametrize("rule,row,kw", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_on_its_case_only(tmp_path, rule, row, kw):
    p = make_ledger(tmp_path / "case.xlsx", CLEAN + [row])
    got = pairs(findings(p, **kw))
    assert got == [(7, rule)]  # title row 1, header row 2, clean rows 3-6, the case in row 7


def test_unknown_unit_suggestion_and_cell(tmp_path):
    p = make_ledger(tmp_path / "u.xlsx", CLEAN + [[5, "任务", "县政府办", "县财政厅", "全年", "推进中"]])
    (f,) = findings(p, roster=Roster.from_names(["县政府办", "县财政局"]))
    assert (f.cell, f.value, f.suggestion, f.severity, f.code) == ("D7", "县财政厅", "县财政局", "warning", "XL101")


def test_unknown_unit_without_roster_doubled_suffix_and_near_duplicates(tmp_path):
    rows = [[i, f"任务{i}", "县政府办公室", "县经济开发区管委会", "全年", "推进中"] for i in range(1, 4)]
    rows += [[4, "任务4", "县政府办公室", "县开发区管委会", "全年", "推进中"],
             [5, "任务5", "县财政局局", None, "全年", "推进中"]]
    fs = findings(make_ledger(tmp_path / "n.xlsx", rows))
    assert [(f.cell, f.rule, f.value, f.suggestion) for f in fs] == [
        ("D6", "unknown-unit", "县开发区管委会", "县经济开发区管委会"),
        ("C7", "unknown-unit", "县财政局局", "县财政局"),
    ]


def test_roster_from_template_sheet(tmp_path):
    p = make_ledger(tmp_path / "t.xlsx", CLEAN + [[5, "任务", "县政府办", "县财政厅", "全年", "推进中"]],
                    extra_sheets={"单位名录": [["单位名称", "别名"], ["县政府办", ""], ["县财政局", "财政局"]]})
    assert pairs(findings(p)) == [(7, "unknown-unit")]


def test_score_rules_on_assessment_table(tmp_path):
    header = ["内容", "一级指标", "二级指标", "分值", "责任部门", "任务分解", "完成状态", "自评分"]
    rows = [
        ["组织领导（10）", "领导", "听取汇报", 4, "办公室", "做好准备", "推进中", 3],
        [None, None, "发布新闻", 6, "办公室", "做好准备", "推进中", 7],  # over the row's 6 points
        ["制度建设（80）", "制度", "公开制度", 80, "办公室", "制定", "推进中", -1],  # negative
    ]
    p = make_ledger(tmp_path / "a.xlsx", rows, header=header, merges=["A3:A4", "B3:B4"])
    assert pairs(findings(p)) == [(2, "points-total"), (4, "score-out-of-range"), (5, "score-out-of-range")]


def test_points_total_counts_repeated_block_once(seed_path):
    assert [f for f in findings(seed_path("000")) if f.rule == "points-total"] == []


def test_header_missing(tmp_path):
    p = make_ledger(tmp_path / "h.xlsx", [["甲", "2020年底前"]], header=["工作任务", "完成时间"])
    fs = findings(p)
    assert [(f.rule, f.sheet, f.cell) for f in fs] == [("header-missing", "台账", "A2")]
    assert "单位列" in fs[0].message


def test_plan_rules(tmp_path):
    plan = make_ledger(tmp_path / "plan.xlsx", [r[:5] for r in CLEAN])
    ledger = make_ledger(tmp_path / "ledger.xlsx", [
        CLEAN[0],
        [2, "任务乙", "县政府办", "县教育局", "2020年10月底前", "已完成", "2020-10-20", None, "x"],  # units changed
        [9, "计划外的任务", "县政府办", None, "全年", "推进中"],
        [19, "任务丙", "县财政局", "县政府办", "持续推进", "推进中"],  # 序号 typed 19 for task 3
    ])
    from xltool.plan import Plan
    from xltool.reader import read_ledger

    p = Plan.from_ledger(read_ledger(plan))
    fs = findings(ledger, plan=p)
    assert pairs(fs) == [(4, "plan-changed"), (4, "unknown-unit"), (5, "not-in-plan"), (6, "seq-changed")]
    moved = next(f for f in fs if f.rule == "seq-changed")
    assert (moved.cell, moved.value, moved.suggestion) == ("A6", "19", "3") and "任务表第5行" in moved.message
    changed = next(f for f in fs if f.rule == "plan-changed")
    assert "县教育局" in changed.message and "县财政局" in changed.message


def test_config_disables_and_reweights(tmp_path):
    p = make_ledger(tmp_path / "c.xlsx", CLEAN + [[5, "任务", "县政府办", None, "2020年9月底前", "推进中"]])
    cfg = Config().merged({"rules": {"severity": {"overdue": "warning"}}}, "test")
    (f,) = findings(p, config=cfg)
    assert (f.rule, f.severity) == ("overdue", "warning")
    cfg = Config().merged({"rules": {"disable": ["overdue"]}}, "test")
    assert findings(p, config=cfg) == []


def test_config_sheet_in_workbook(tmp_path):
    p = make_ledger(tmp_path / "s.xlsx", CLEAN + [[5, "任务", "县政府办", None, "2020年12月3日", "进行中"]],
                    extra_sheets={"配置": [["键", "值"], ["check.due_soon_days", "30"],
                                          ["status.in_progress", "进行中"]]})
    # 推进中 is no longer accepted, and 12-03 is within 30 days
    assert pairs(findings(p)) == [(3, "bad-status"), (5, "bad-status"), (7, "due-soon")]


def test_every_rule_has_name_code_doc_and_a_case():
    names = {r.name for r in all_rules()}
    assert len({r.code for r in all_rules()}) == len(names)
    assert all(tuple(r.sections) == DOC_SECTIONS and r.title for r in RULES.values())
    # a rule is exercised by a case here, or by a test module that names it (this test names none)
    tests = "\n".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py"))
    assert names - {c[0] for c in CASES} - {n for n in names if f'"{n}"' in tests} == set()


def test_a_rule_doc_off_the_template_is_refused():
    good = "逾期未完成\n" + "\n".join(f"{s}：说明" for s in DOC_SECTIONS)
    assert parse_doc("x", good)[0] == "逾期未完成"
    for bad in ("逾期未完成：一段话", good.replace("为什么：说明\n", ""), good.replace("配置项", "配置"),
                good.replace("检查内容：说明", "检查内容：")):
        with pytest.raises(TypeError):
            parse_doc("x", bad)


def test_rules_command_explains_one_rule_by_name_code_or_title():
    from typer.testing import CliRunner

    from xltool.cli import app

    runner = CliRunner()
    for key in ("overdue", "XL202", "逾期未完成"):
        res = runner.invoke(app, ["rules", key])
        assert res.exit_code == 0
        shown = [ln.split("：", 1)[0].strip() for ln in res.stdout.splitlines()[1:]]
        assert shown == list(DOC_SECTIONS)
        assert "逾期未完成" in res.stdout.splitlines()[0]
    res = runner.invoke(app, ["rules", "逾期"])
    assert res.exit_code == 2 and "没有名为“逾期”的规则" in res.stderr
