"""A coordinator's folder as offices keep it: last month's versions in 旧版/, a blank template
sent back, a file that cannot be opened, our own reports and copies written next to the
ledgers. The figures of the roll-up are computed by hand below and must not move."""

import datetime as dt
import io
import json
import shutil

import msoffcrypto
import pytest
from ledgers import make_ledger
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import load_workbook
from typer.testing import CliRunner

from xltool.basedate import parse_date_arg
from xltool.batch import CheckOptions, check_paths
from xltool.cli import app
from xltool.errors import UsageError
from xltool.plan import Plan
from xltool.reader import read_ledger
from xltool.unit_figures import rollup

runner = CliRunner()
H = ["序号", "具体要求", "责任单位", "时限要求", "完成状态", "完成日期", "佐证材料"]
P = [
    [1, "更新完善权责清单并按要求公开。", "县政府办、县司法局", "2020年底前"],
    [2, "公开工作职能、机构设置、办公地址等信息。", "县政府办", "2020年10月底前"],
    [3, "构建和完善重大行政决策预公开机制。", "县政府办", "持续推进"],
    [4, "做好疫情防控常态化下疫情信息发布工作。", "县卫健委", "2020年9月底前"],
    [5, "妥善办理涉及公共卫生事件的政府信息公开申请。", "县卫健委", "持续推进"],
    [6, "集中统一对外公开现行有效规范性文件。", "县司法局", "2020年10月底前"],
    [7, "推进开发区政务服务信息公开。", "县经济开发区管委会", "2020年底前"],
    [8, "公开开发区招商引资政策。", "县开发区管委会", "2020年底前"],  # the plan's own typo
    [9, "公开开发区建设项目信息。", "县经济开发区管委会", "持续推进"],
    [10, "公开财政预决算。", "县财政局", "2020年底前"],
    [11, "公开市场主体登记信息。", "县商务局", "持续推进"],
]
TITLE = "2020年政务公开重点工作任务分工落实台账"
AS_OF = dt.date(2020, 11, 20)


def unit_ledger(path, unit, rows, reported="2020年11月20日"):
    pre = [["填报单位：" + unit, None, None, None, "填报日期：" + reported if reported else None]]
    return make_ledger(path, rows, header=H, title=TITLE, preamble=pre)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """(plan, the clean folder) — the clean folder already has a blank and a broken file."""
    d = tmp_path_factory.mktemp("office")
    plan = make_ledger(d / "plan.xlsx", P, header=H[:4], title="2020年政务公开重点工作任务分工")
    led = d / "ledgers"
    unit_ledger(led / "县政府办.xlsx", "县政府办", [P[0] + ["推进中"], P[1] + ["已完成", dt.date(2020, 10, 20), "截图.pdf"],
                                                 P[2] + ["推进中", None, "会议纪要.pdf"]])
    unit_ledger(led / "县卫健委.xlsx", "县卫健委", [P[3] + ["已完成", dt.date(2020, 10, 8), "发布记录.docx"],
                                                 P[4] + ["推进中"]])
    unit_ledger(led / "县司法局.xlsx", "县司法局", [P[0] + ["已完成", dt.date(2020, 11, 1), "清单.xlsx"],
                                                 P[5] + ["未启动"]])
    unit_ledger(led / "开发区.xlsx", "县经济开发区管委会", [])  # a blank template sent back
    (led / "县财政局.xlsx").write_bytes(b"PK\x03\x04 broken in the mail")
    return plan, led


# By hand, at each ledger's 填报日期 2020-11-20 (credits: done on time 1, done late 0.5, overdue 0,
# not yet due 推进中 0.5, ongoing 推进中 0.5 with evidence and 0 without):
#   县政府办  0.5 (task 1) + 1 (task 2) + 0.5 (task 3, ongoing, 会议纪要) = 2 / 3
#   县司法局  1 (task 1, done 11-01) + 0 (task 6 due 10-31, 未启动: overdue) = 1 / 2
#   县卫健委  0.5 (task 4 done 10-08, due 09-30) + 0 (task 5 ongoing, no evidence) = 0.5 / 2
EXPECTED = {"县政府办": (3, 1, 2, 0, 0, 66.67), "县司法局": (2, 1, 0, 1, 1, 50.0), "县卫健委": (2, 1, 1, 0, 0, 25.0)}


def figures(doc):
    return {u["unit"]: (u["tasks"], u["completed"], u["in_progress"], u["not_started"], u["overdue"], u["score"])
            for u in doc["units"]}


def rollup_json(*args):
    res = runner.invoke(app, ["rollup", *map(str, args), "--json"])
    assert res.exit_code in (0, 2), res.output
    return json.loads(res.stdout), res


def test_clean_folder_figures_and_who_reported(office):
    plan, led = office
    doc, res = rollup_json(led, "--plan", plan)  # no --as-of: every ledger's own 填报日期
    assert figures(doc) == EXPECTED
    assert [u["unit"] for u in doc["units"]] == ["县政府办", "县司法局", "县卫健委"]
    assert doc["reported"] == ["县卫健委", "县司法局", "县政府办"]
    assert doc["missing"] == ["县商务局"]  # not the plan's typo 县开发区管委会, nor the blank or broken ones
    assert doc["plan_typos"] == {"县开发区管委会": "县经济开发区管委会"}
    assert [(u["unit"], u["file"].endswith("县财政局.xlsx")) for u in doc["unreadable"]] == [("县财政局", True)]
    assert [e["unit"] for e in doc["empty"]] == ["县经济开发区管委会"]
    assert doc["as_of_source"] == "per-ledger" and {f["as_of"] for f in doc["files"]} == {"2020-11-20"}
    assert {f["as_of_source"] for f in doc["files"]} == {"ledger"}
    assert res.exit_code == 2  # a file could not be read


def test_a_messy_folder_gives_the_same_figures(office, tmp_path):
    plan, clean = office
    led = shutil.copytree(clean, tmp_path / "ledgers")
    # last month's version of one unit, in a subfolder
    unit_ledger(led / "旧版" / "县司法局.xlsx", "县司法局", [P[0] + ["推进中"], P[5] + ["推进中"]], "2020年10月15日")
    # everything xltool writes, written into the ledger folder, twice over
    for _ in range(2):
        r = runner.invoke(app, ["check", str(led), "--plan", str(plan), "--report", str(led / "检查结果.xlsx"),
                                "--annotate", str(led / "标注"), "--force"])
        assert r.exit_code in (1, 2), r.output
        r = runner.invoke(app, ["rollup", str(led), "--plan", str(plan), "-o", str(led / "汇总.xlsx"), "--force"])
        assert r.exit_code == 2, r.output
        r = runner.invoke(app, ["fill", str(led / "县政府办.xlsx"), "-o", str(led / "县政府办_填充.xlsx"), "--force"])
        assert r.exit_code == 0, r.output
    doc, _ = rollup_json(led, "--plan", plan)
    assert figures(doc) == EXPECTED and doc["missing"] == ["县商务局"]
    assert [(a["unit"], a["file"].endswith("旧版/县司法局.xlsx"), a["kept"].endswith("ledgers/县司法局.xlsx"))
            for a in doc["set_aside"]] == [("县司法局", True, True)]
    # report, summary, filled copy and the five annotated copies (旧版 and the blank one too)
    assert len(doc["skipped"]) == 8
    assert all("xltool 生成的" in s["reason"] for s in doc["skipped"])

    res = runner.invoke(app, ["check", str(led), "--plan", str(plan), "--json"])
    check = json.loads(res.stdout)
    assert check["summary"]["files"] == 6 and check["summary"]["skipped"] == 8
    dup = {f["file"].split("ledgers/")[1]: [x["message"] for x in f["findings"] if x["rule"] == "duplicate-submission"]
           for f in check["files"]}
    assert "汇总采用本文件" in dup["县司法局.xlsx"][0] and "本文件不计入" in dup["旧版/县司法局.xlsx"][0]
    assert sum(len(v) for v in dup.values()) == 2
    text = runner.invoke(app, ["rollup", str(led), "--plan", str(plan)]).stdout
    assert "未计入的旧版或重复台账（1）：县司法局" in text and "跳过 xltool 生成的文件（8）" in text


def test_blank_ledger_is_an_error_not_a_pass(office):
    _, led = office
    (res,) = check_paths([led / "开发区.xlsx"], CheckOptions(as_of=AS_OF), jobs=1).files
    assert [(f.rule, f.severity, f.cell) for f in res.findings] == [("empty-ledger", "error", "A4")]


def test_base_date_from_the_ledger_else_today(office, tmp_path):
    _, led = office
    per_ledger = check_paths([led / "县司法局.xlsx"], CheckOptions(), jobs=1)
    fixed = check_paths([led / "县司法局.xlsx"], CheckOptions(as_of=AS_OF), jobs=1)
    assert [f.to_json() for f in per_ledger.files[0].findings] == [f.to_json() for f in fixed.files[0].findings]
    assert per_ledger.files[0].base == (AS_OF, "ledger")
    undated = unit_ledger(tmp_path / "县司法局.xlsx", "县司法局", [P[5] + ["未启动"]], reported=None)
    res = runner.invoke(app, ["check", str(undated), "--json"])
    doc = json.loads(res.stdout)
    assert doc["files"][0]["as_of_source"] == "today" and doc["files"][0]["as_of"] == dt.date.today().isoformat()
    text = runner.invoke(app, ["check", str(undated)]).stdout
    assert f"1 个文件未填填报日期，按今天 {dt.date.today().isoformat()}" in text


@pytest.mark.parametrize("text", ["2020-12-15", "2020/12/15", "2020.12.15", "2020年12月15日", "20201215",
                                  " 2020 年 12 月 15 日 "])
def test_as_of_forms(text):
    assert parse_date_arg(text) == dt.date(2020, 12, 15)


@pytest.mark.parametrize("text, says", [("03/04/2021", "歧义"), ("2020-12", "缺少日"), ("2020-02-30", "日历"),
                                        ("9999-12-31", "年份"), ("明天", "不是有效日期")])
def test_as_of_refused(text, says):
    with pytest.raises(UsageError, match=says):
        parse_date_arg(text, "基准日期")
    res = runner.invoke(app, ["rollup", ".", "--as-of", text])
    assert res.exit_code == 2 and says in res.stderr


def test_flags_mean_what_they_say(office, tmp_path):
    plan, led = office
    res = runner.invoke(app, ["rollup", str(led), "--roster", str(plan)])
    assert res.exit_code == 2 and "是任务表" in res.stderr and "--plan" in res.stderr
    res = runner.invoke(app, ["template", "new", "division", "-o", str(tmp_path / "t.xlsx"), "--roster", str(plan)])
    assert res.exit_code == 2 and not (tmp_path / "t.xlsx").exists()
    res = runner.invoke(app, ["check", str(led), "--plan", str(led / "县政府办.xlsx")])
    assert "看起来是一份台账" in res.stderr
    for args in (["check", str(led), "--report", str(tmp_path / "r.csv")],
                 ["rollup", str(led), "-o", str(tmp_path / "s.xls")],
                 ["fill", str(led / "县政府办.xlsx"), "-o", str(tmp_path / "f.xls")]):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and ".xlsx" in res.stderr, args
    assert list(tmp_path.iterdir()) == []


def test_an_output_naming_an_input_is_refused(office, tmp_path):
    plan, led = office
    before = plan.read_bytes()
    for args in (["check", str(led), "--plan", str(plan), "--report", str(plan), "--force"],
                 ["rollup", str(led), "--plan", str(plan), "-o", str(plan), "--force"]):
        assert runner.invoke(app, args).exit_code == 2
    assert plan.read_bytes() == before


def test_annotate_says_what_was_written_and_skipped(office, tmp_path):
    _, led = office
    out = tmp_path / "标注"
    res = runner.invoke(app, ["check", str(led), "--annotate", str(out)])
    assert "标注副本（" in res.stderr and "已写出 4 个" in res.stderr and res.exit_code == 2
    res = runner.invoke(app, ["check", str(led / "县政府办.xlsx"), "--annotate", str(out)])
    assert "未写出" in res.stderr and "已存在" in res.stderr and res.exit_code == 2


def encrypt(src, dst, password):
    with open(src, "rb") as fh, open(dst, "wb") as out:
        OOXMLFile(fh).encrypt(password, out)


def decrypted(path, password):
    with open(path, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        office.load_key(password=password)
        buf = io.BytesIO()
        office.decrypt(buf)
    buf.seek(0)
    return load_workbook(buf)


def test_copies_of_an_encrypted_ledger_stay_encrypted(office, tmp_path):
    _, led = office
    src = tmp_path / "in" / "县司法局.xlsx"
    src.parent.mkdir()
    encrypt(led / "县司法局.xlsx", src, "1234")
    res = runner.invoke(app, ["check", str(src), "--password", "1234", "--annotate", str(tmp_path / "a")])
    assert "沿用原文件的打开密码" in res.stderr
    wb = decrypted(tmp_path / "a" / "县司法局.xlsx", "1234")
    assert "检查结果" in wb.sheetnames
    res = runner.invoke(app, ["fill", str(src), "--password", "1234", "-o", str(tmp_path / "f.xlsx")])
    assert res.exit_code == 0 and "沿用原文件的打开密码" in res.stderr
    assert decrypted(tmp_path / "f.xlsx", "1234")["台账"]["C4"].value is not None
    res = runner.invoke(app, ["fill", str(src), "--password", "1234", "-o", str(tmp_path / "g.xlsx"),
                              "--decrypt-copies"])
    assert res.exit_code == 0 and load_workbook(tmp_path / "g.xlsx")["台账"]["C4"].value is not None
    # our encrypted copy, read back with the password, is still recognised as ours
    again = check_paths([tmp_path / "a"], CheckOptions(as_of=AS_OF, password="1234"), jobs=1)
    assert again.files == [] and len(again.skipped) == 1


def test_rollup_isolates_every_file(office, monkeypatch):
    plan, led = office
    import xltool.reader as reader

    real = reader.read_ledger

    def flaky(path, *a, **k):
        if str(path).endswith("县卫健委.xlsx"):
            raise RuntimeError("a bug of ours")
        return real(path, *a, **k)

    monkeypatch.setattr(reader, "read_ledger", flaky)
    res = rollup([led], AS_OF, plan=Plan.from_ledger(read_ledger(plan)))
    assert sorted(u.unit for u in res.units) == ["县司法局", "县政府办"]
    assert {(u.unit, "RuntimeError" in u.reason) for u in res.unreadable} == {("县卫健委", True), ("县财政局", False)}
    assert "县卫健委" not in res.missing


def test_summary_workbook_explains_reporting_and_score(office, tmp_path):
    plan, led = office
    out = tmp_path / "汇总.xlsx"
    res = runner.invoke(app, ["rollup", str(led), "--plan", str(plan), "-o", str(out)])
    assert res.exit_code == 2, res.output
    wb = load_workbook(out)
    assert "基准日期：各台账的填报日期（2020-11-20）" in wb["排名"]["A1"].value
    rows = {(r[0], r[1]) for r in wb["报送情况"].iter_rows(min_row=2, values_only=True)}
    assert {("县商务局", "未报送"), ("县财政局", "无法读取"), ("县经济开发区管委会", "空白台账"),
            ("县开发区管委会", "任务表笔误"), ("县政府办", "已报送")} <= rows
    text = "\n".join(r[0] for r in wb["计分说明"].iter_rows(values_only=True) if r[0])
    # the worked example is the unit with the most different credits: 县政府办 (0.5, 1, 0.5)
    assert "县政府办共 3 项任务，完成分为 0.5＋1＋0.5，合计 2；得分 = 100 × 2 ÷ 3 = 66.67" in text


def test_ongoing_tasks_alone_do_not_win(tmp_path):
    """The bundled example: 县卫健委 finished 1 of its 6 tasks, all ongoing, none of the other
    five with evidence. It used to rank first; by hand it scores 100 × 1 / 6."""
    from conftest import ROOT

    ex = ROOT / "examples"
    doc, _ = rollup_json(ex / "ledgers", "--plan", ex / "plan_2020.xlsx", "--as-of", "2020-12-15")
    scores = {u["unit"]: u["score"] for u in doc["units"]}
    assert scores["县卫健委"] == 16.67 and doc["units"][0]["unit"] != "县卫健委"
    assert scores["县司法局"] == 50.0  # 1 done + 1 overdue
