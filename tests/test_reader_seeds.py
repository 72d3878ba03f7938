"""The seed fixtures read row by row as the official notices say."""

from collections import Counter
from pathlib import Path

import pytest
from conftest import seed

from xltool.reader import read_ledger

EXPECTED = Path(__file__).parent / "expected"


def golden(name: str) -> list[dict]:
    lines = (EXPECTED / f"{seed(name).stem}.tsv").read_text(encoding="utf-8").splitlines()
    cols = lines[0].split("\t")
    return [dict(zip(cols, ln.split("\t"), strict=True)) for ln in lines[1:]]


def actual(name: str) -> list[dict]:
    out = []
    for table in read_ledger(seed(name)).tables:
        for t in table.tasks:
            out.append({
                "excel_row": str(t.excel_row), "seq": t.seq or "", "section": t.section or "",
                "subsection": t.subsection or "", "task": t.task, "lead": "、".join(t.lead_units),
                "responsible": "、".join(t.responsible_units), "others": "1" if t.others else "",
                "deadline_kind": t.deadline.kind, "due": t.deadline.due.isoformat() if t.deadline.due else "",
                "level1": t.level1 or "", "points": "" if t.points is None else str(t.points),
                "level2": t.level2 or "",
            })
    return out


@pytest.mark.parametrize("name,rows,kind", [("000", 53, "assessment"), ("001", 34, "decomposition"),
                                            ("002", 62, "division"), ("003", 19, "decomposition"),
                                            ("004", 48, "division")])
def test_seed_rows_match_golden(name, rows, kind):
    led = read_ledger(seed(name))
    assert [t.kind for t in led.tables] == [kind]
    got, want = actual(name), golden(name)
    assert len(got) == rows == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w, f"row {w['excel_row']}"


def test_000_points_add_up_with_repeated_block_counted_once():
    tasks = read_ledger(seed("000")).tables[0].tasks
    blocks = {}
    for t in tasks:
        blocks.setdefault(t.level1, t.points)
    assert blocks == {"组织领导": 10, "制度建设": 25, "平台建设": 11, "政府信息公开": 21, "政策解读": 14,
                      "政务舆情监测": 10, "公众参与": 9, "加减分项目": None}
    assert sum(p for p in blocks.values() if p) == 100
    # 制度建设（25）stands twice in the sheet (after a page break) and is one indicator
    assert Counter(t.level1 for t in tasks)["制度建设"] == 13


def test_001_quirks_kept():
    tasks = read_ledger(seed("001")).tables[0].tasks
    own_seqs = [t.seq for t in tasks if "seq" in t.own]
    assert own_seqs.count("14") == 2  # 序号 14 twice in the notice
    assert "食品药品监管局局" in tasks[3].responsible_units  # typo kept, never fixed
    # a continuation row with its own unit and deadline (task 4, 其他市各相关部门)
    t = next(t for t in tasks if t.responsible_units == ["其他市各相关部门"])
    assert (t.seq, t.lead_units, t.deadline.due.isoformat()) == ("4", ["市政府办"], "2018-12-31")


def test_002_empty_deadlines_and_role_phrases():
    table = read_ledger(seed("002")).tables[0]
    assert (table.year, str(table.issued)) == (2019, "2019-07-09")
    empty = sorted({t.seq for t in table.tasks if t.deadline.kind == "none"}, key=int)
    assert empty == ["1", "2", "3", "4", "26", "27"]
    last = table.tasks[-1]
    assert (last.seq, last.deadline.kind, str(last.deadline.due)) == ("41", "relative", "2019-08-09")


def test_004_sections_in_own_columns_and_repeated_block():
    tasks = read_ledger(seed("004")).tables[0].tasks
    assert [t.seq for t in tasks] == [str(i) for i in range(1, 49)]
    t31 = tasks[30]
    assert t31.section.startswith("七、") and t31.subsection == "（三）加强政府网站与政务新媒体建设。"
    assert tasks[0].deadline.text == "2020年\n底前" and str(tasks[0].deadline.due) == "2020-12-31"
    assert {t.section for t in tasks if t.section.startswith("七、")} == {tasks[28].section}
