"""Roll-up against figures computed by hand on six ledgers built from seeds 000 and 004."""

import datetime as dt
import json
import subprocess

import pytest
from conftest import needs_libreoffice, soffice
from ledgers import make_ledger
from openpyxl import load_workbook
from typer.testing import CliRunner

from xltool.batch import CheckOptions, check_paths
from xltool.cli import app
from xltool.config import Config
from xltool.errors import UsageError
from xltool.plan import Plan
from xltool.reader import read_ledger
from xltool.unit_figures import rollup
from xltool.units import Roster

runner = CliRunner()
AH = ["内容", "一级指标", "二级指标", "责任部门", "任务分解", "完成状态", "自评分", "考核得分"]
# seed 000 rows: (level-1, level-2, indicator, units)
R = {
    1: ("组织领导（10）", "主要负责人亲自抓", "每年至少听取一次专题汇报，研究部署推进工作", "办公室"),
    2: ("组织领导（10）", "主要负责人亲自抓", "作为“第一新闻发言人”发布新闻、解读政策", "办公室"),
    3: ("组织领导（10）", "分管领导具体抓", "政务公开列入领导工作分工，并在网站政务公开栏目公开", "办公室\n法规科"),
    4: ("组织领导（10）", "工作机构建设", "明确专门的政务公开工作机构", "督查科"),
    5: ("制度建设（25）", "政府信息公开制度", "本行政机关政府信息公开工作制度", "办公室"),
    6: ("制度建设（25）", "政府信息公开制度", "政府信息公开责任追究制度", "督查科"),
    7: ("制度建设（25）", "机关工作制度", "将“五公开”要求落实到公文办理程序", "法规科"),
    8: ("制度建设（25）", "政务舆情制度", "政务舆情监测、收集、会商、研判、报告、回应、处置等工作制度", "督查科"),
    9: ("制度建设（25）", "加快政务公开规范化、制度化建设", "制定政务公开事项目录", "法规科"),
    10: ("加减分项目", "加分项", "政务公开工作获县级以上表彰", "办公室"),
    11: ("加减分项目", "减分项", "政府网站普查被省市扣分的", "办公室"),
}


def arow(i, status=None, own=None, review=None):
    lv1, lv2, task, units = R[i]
    return [lv1, lv2, task, units, "建立台账", status, own, review]


@pytest.fixture(scope="module")
def assessment(tmp_path_factory):
    d = tmp_path_factory.mktemp("assess")
    # the plan: rows 6 and 7 sit on either side of a page break, 制度建设（25）repeated
    plan = make_ledger(d / "plan" / "考核任务分解表.xlsx", [arow(i)[:5] for i in R], header=AH[:5],
                       title="2019年海安市城管局政务公开工作考核任务分解表")
    ledgers = d / "ledgers"
    make_ledger(ledgers / "办公室.xlsx", [arow(1, "已完成", 2.5), arow(2, "推进中"), arow(3, "已完成", 2, 1.5),
                                        arow(5, "未启动"), arow(10, None, 1), arow(11, None, None, 0.5)],
                header=AH, preamble=["填报单位：办公室"])
    make_ledger(ledgers / "法规科.xlsx", [arow(3, "推进中"), arow(7, "已完成"), arow(9, "推进中", 4)],
                header=AH, preamble=["填报单位：法规科"])
    make_ledger(ledgers / "督查科.xlsx", [arow(4, "已完成", None, 2), arow(6, "推进中"),
                                        ["制度建设（25）"] + arow(8, "已完成")[1:]],  # block repeated
                header=AH, preamble=["填报单位：督查科"], merges=["A4:A4"])
    return plan, ledgers


D = ["序号", "具体要求", "责任单位", "时限要求", "完成状态", "完成日期"]
P = [
    [1, "对照法律法规规章，全面梳理本机关依法行使的行政权力和依法承担的公共服务职责，更新完善权责清单并按要求公开。",
     "县政府办、县司法局", "2020年底前"],
    [2, "各行政机关依法公开工作职能、机构设置、办公地址、办公时间、联系方式、负责人姓名等信息。", "县政府办", "2020年10月底前"],
    [3, "深入贯彻落实《重大行政决策程序暂行条例》，抓紧构建和完善重大行政决策预公开机制。", "县政府办", "持续推进"],
    [4, "坚持做好疫情防控常态化下疫情信息发布工作，依法做到及时、准确、公开、透明。", "县卫健委", "2020年9月底前"],
    [5, "妥善办理涉及公共卫生事件的政府信息公开申请。", "县卫健委", "2020年11月底前"],
    [6, "系统梳理本级政府及部门制发的规范性文件，集中统一对外公开现行有效规范性文件。", "县司法局", "2020年10月底前"],
]
AS_OF = dt.date(2020, 11, 20)


@pytest.fixture(scope="module")
def division(tmp_path_factory):
    d = tmp_path_factory.mktemp("div")
    plan = make_ledger(d / "plan.xlsx", P, header=D[:4], title="2020年政务公开重点工作任务分工")
    led = d / "ledgers"
    t = "2020年政务公开重点工作任务分工落实台账"
    make_ledger(led / "县政府办.xlsx", [P[0] + ["推进中"], P[1] + ["已完成", dt.date(2020, 10, 20)],
                                     P[2] + ["推进中"]], header=D, title=t, preamble=["填报单位：县政府办"])
    make_ledger(led / "县卫健委.xlsx", [P[3] + ["已完成", dt.date(2020, 10, 8)], P[4] + ["推进中"]],
                header=D, title=t, preamble=["填报单位：县卫健委"])
    make_ledger(led / "县司法局.xlsx", [P[0] + ["已完成", dt.date(2020, 11, 1)], P[5] + ["未启动"]],
                header=D, title=t, preamble=["填报单位：县司法局"])
    return plan, led


def by_unit(result):
    return {u.unit: u.to_json() for u in result.units}


def test_assessment_scores_by_hand(assessment):
    plan, ledgers = assessment
    res = rollup([ledgers], AS_OF, plan=Plan.from_ledger(read_ledger(plan)))
    u = by_unit(res)
    # plan split: 组织领导 10 over 4 rows = 2.5 a row; 制度建设 25 over 5 rows (both blocks) = 5 a row
    # 办公室: 2.5 (自评) + 0.5×2.5 (推进中) + 1.5 (考核得分 wins over 自评 2) + 0 (未启动) + 1 (加分) − 0.5 (减分)
    assert (u["办公室"]["score"], u["办公室"]["max_score"]) == (5.75, 12.5)
    # 法规科: 0.5×2.5 (shared row 3, own status) + 5 (已完成) + 4 (自评)
    assert (u["法规科"]["score"], u["法规科"]["max_score"]) == (10.25, 12.5)
    # 督查科: 2 (考核得分) + 0.5×5 + 5 (已完成, in the repeated 制度建设 block)
    assert (u["督查科"]["score"], u["督查科"]["max_score"]) == (9.5, 12.5)
    assert [x.unit for x in res.units] == ["法规科", "督查科", "办公室"]
    assert {k: (v["tasks"], v["completed"], v["in_progress"], v["not_started"]) for k, v in u.items()} == {
        "办公室": (4, 2, 1, 1), "法规科": (3, 1, 2, 0), "督查科": (3, 2, 1, 0)}
    assert res.missing == []  # the plan is the roster: every unit of it sent a ledger


def test_division_figures_by_hand(division):
    plan, ledgers = division
    roster = Roster.from_names(["县政府办", "县卫健委", "县司法局", "县财政局"])
    res = rollup([ledgers], AS_OF, roster=roster, plan=Plan.from_ledger(read_ledger(plan)))
    u = by_unit(res)
    pick = ("tasks", "completed", "in_progress", "not_started", "overdue", "due_soon", "completed_late",
            "completion_rate", "on_time_rate", "score", "max_score")
    assert {k: tuple(v[p] for p in pick) for k, v in u.items()} == {
        # credits: 推进中 0.5 + done on time 1 + ongoing 推进中 0.5 (the table has neither evidence nor
        # progress column, so nothing tells against it): 100 × 2/3
        "县政府办": (3, 1, 2, 0, 0, 0, 0, 0.3333, 1.0, 66.67, 100.0),
        # task 4 done 10-08 after 09-30: late credit 0.5; task 5 推进中, due 11-30: 0.5 → 100 × 1/2
        "县卫健委": (2, 1, 1, 0, 0, 1, 1, 0.5, 0.0, 50.0, 100.0),
        # the shared task 1 done here: 1; task 6 (10-31) overdue: 0 → 100 × 1/2
        "县司法局": (2, 1, 0, 1, 1, 0, 0, 0.5, 1.0, 50.0, 100.0),
    }
    assert res.missing == ["县财政局"]
    assert [x.unit for x in res.units] == ["县政府办", "县卫健委", "县司法局"]


def test_rollup_and_check_agree_on_overdue(division, assessment):
    for _, ledgers in (division, assessment):
        res = rollup([ledgers], AS_OF)
        rep = check_paths([ledgers], CheckOptions(as_of=AS_OF), jobs=1)
        by_check = {f.file: sum(x.rule == "overdue" for x in f.findings) for f in rep.files}
        assert {f["file"]: f["overdue"] for f in res.files} == by_check
        assert sum(u.overdue for u in res.units) == sum(by_check.values())


def test_single_whole_table_file_counts_every_unit_named(division):
    plan, _ = division
    res = rollup([plan], AS_OF)
    u = by_unit(res)
    assert {k: v["tasks"] for k, v in u.items()} == {"县政府办": 3, "县司法局": 2, "县卫健委": 2}
    assert u["县司法局"]["overdue"] == 1 and u["县卫健委"]["overdue"] == 1  # no status: 10-31 and 09-30 passed


def test_groups_expand_through_the_roster(tmp_path):
    p = make_ledger(tmp_path / "t.xlsx", [[1, "任务", "各乡镇人民政府", "全年", "推进中"]],
                    header=["序号", "具体要求", "责任单位", "时限要求", "完成状态"])
    roster = Roster.from_toml('units = ["甲镇", "乙镇"]\n[groups]\n"各乡镇人民政府" = ["甲镇", "乙镇"]\n')
    res = rollup([p], AS_OF, roster=roster)
    assert sorted(u.unit for u in res.units) == ["乙镇", "甲镇"]


def test_scoring_weights_from_config(division):
    _, ledgers = division
    cfg = Config().merged({"scoring": {"status_factor": {"in_progress": 0.25}, "late_credit": 1.0}}, "test")
    u = by_unit(rollup([ledgers], AS_OF, config=cfg))
    # 县政府办 0.25 + 1 + 0.25; 县卫健委: the late task now earns 1, the other 0.25
    assert u["县政府办"]["score"] == 50.0 and u["县卫健委"]["score"] == 62.5 and u["县司法局"]["score"] == 50.0
    bad = Config().merged({"scoring": {"completion_weight": 1.0}}, "test")
    with pytest.raises(UsageError, match="completion_weight"):
        rollup([ledgers], AS_OF, config=bad)


@needs_libreoffice
def test_cli_summary_workbook_with_chart_and_links(division, tmp_path):
    plan, ledgers = division
    out = tmp_path / "summary.xlsx"
    res = runner.invoke(app, ["rollup", str(ledgers), "--plan", str(plan), "--as-of", "2020-11-20", "-o", str(out),
                              "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [u["unit"] for u in doc["units"]] == ["县政府办", "县卫健委", "县司法局"] and doc["missing"] == []
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["排名", "逾期清单"] and len(wb["排名"]._charts) == 1
    link = wb["逾期清单"]["C2"].hyperlink
    assert link.location == "'台账'!D5" and link.target.endswith("县司法局.xlsx")
    proc = subprocess.run([soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                          capture_output=True, timeout=180)
    assert proc.returncode == 0 and (tmp_path / "summary.pdf").stat().st_size > 2000
