"""Tiny ledgers, one quirk each, built with openpyxl."""

import pytest
from ledgers import make_ledger

from xltool.errors import UnreadableFile
from xltool.reader import read_ledger


def tasks_of(path, **kw):
    led = read_ledger(path, **kw)
    assert len(led.tables) == 1
    return led.tables[0].tasks


def test_pasted_from_word_blank_cells_inherit_within_a_task_only(tmp_path):
    p = make_ledger(tmp_path / "pasted.xlsx", [
        [1, "任务一", "县政府办", "县财政局", "2020年底前"],
        [None, "任务一的第二项", None, None, None],  # continuation: inherits units and deadline
        [2, "任务二", None, None, None],  # own 序号: starts a task, inherits nothing
    ])
    t = tasks_of(p)
    assert [(x.seq, x.lead_units, x.responsible_units, x.deadline.text) for x in t] == [
        ("1", ["县政府办"], ["县财政局"], "2020年底前"),
        ("1", ["县政府办"], ["县财政局"], "2020年底前"),
        ("2", [], [], ""),
    ]


def test_numbered_task_text_starts_a_task(tmp_path):
    p = make_ledger(tmp_path / "numbered.xlsx", [
        ["1．第一项", "县政府办", "2020年底前"],
        ["（2）第二项", None, None],
    ], header=["工作任务", "牵头单位", "时限要求"])
    t = tasks_of(p)
    assert [(x.seq, x.lead_units, x.deadline.kind) for x in t] == [("1", ["县政府办"], "date"), ("2", [], "none")]


def test_merges_are_authoritative(tmp_path):
    # lead column has a merge, so its blank cells stay blank; deadline merged over 3 rows
    p = make_ledger(tmp_path / "merged.xlsx", [
        [1, "甲", "县政府办", "县财政局", "全年"],
        [2, "乙", None, "县教育局", None],
        [3, "丙", None, "县民政局", None],
        [4, "丁", None, "县民政局", "全年"],
    ], merges=["C3:C4", "E3:E5"])
    t = tasks_of(p)
    assert [x.lead_units for x in t] == [["县政府办"], ["县政府办"], [], []]
    assert [x.deadline.text for x in t] == ["全年", "全年", "全年", "全年"]


def test_two_row_header_and_spaced_words(tmp_path):
    p = make_ledger(tmp_path / "tworow.xlsx", [
        ["序  号", "工 作 任 务", "责任单位", None, "完成时限", "完成情况", None],
        [None, None, "牵头单位", "配合单位", None, "完成状态", "完成日期"],
        [1, "任务", "县政府办", "县财政局", "2020年底前", "已完成", "2020-11-01"],
    ], header=[], title=None, merges=["A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:G2"])
    led = read_ledger(p)
    table = led.tables[0]
    assert table.header_row == 2
    assert set(table.columns) >= {"seq", "task", "lead", "responsible", "deadline", "status", "done_date"}
    (t,) = table.tasks
    assert (t.excel_row, t.lead_units, t.responsible_units, t.status) == (4, ["县政府办"], ["县财政局"], "已完成")


def test_second_header_row_with_a_single_label(tmp_path):
    p = make_ledger(tmp_path / "onelabel.xlsx", [
        ["序号", "工作任务", "牵头单位", "完成时限", "完成状态", None],
        [None, None, None, None, None, "完成日期"],
        [1, "任务", "县政府办", "2020年底前", "已完成", "2020-11-01"],
    ], header=[], title=None, merges=["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2"])
    table = read_ledger(p).tables[0]
    assert (table.columns["status"], table.columns["done_date"]) == (4, 5)
    (t,) = table.tasks
    assert (t.excel_row, t.status, t.done_on.isoformat()) == (4, "已完成", "2020-11-01")


def test_notes_above_and_signature_below_are_not_tasks(tmp_path):
    p = make_ledger(tmp_path / "notes.xlsx", [
        [1, "任务", "县政府办", "县财政局", "2020年底前"],
        ["注：本表由各单位于每月5日前报送。"],
        ["填报人：张三", None, "联系电话：12345"],
        [2, "不应读到的行", "县政府办", None, "全年"],
    ], preamble=["填报单位：县财政局", "说明：请如实填写"])
    led = read_ledger(p)
    assert led.unit == "县财政局"
    assert [x.task for x in led.tables[0].tasks] == ["任务"]


def test_section_rows_and_repeated_header_after_page_break(tmp_path):
    h = ["序号", "工作任务", "牵头单位", "责任单位", "时限要求"]
    p = make_ledger(tmp_path / "sections.xlsx", [
        ["一、第一部分"], ["（一）小节"],
        [1, "甲", "县政府办", None, "全年"],
        h,  # header repeated after a page break
        ["一、第一部分"],
        [2, "乙", "县政府办", None, "全年"],
        ["二、第二部分"],
        [3, "丙", "县政府办", None, "全年"],
    ], header=h)
    t = tasks_of(p)
    assert [(x.seq, x.section, x.subsection) for x in t] == [
        ("1", "一、第一部分", "（一）小节"), ("2", "一、第一部分", None), ("3", "二、第二部分", None)]


def test_two_tables_in_one_sheet(tmp_path):
    p = make_ledger(tmp_path / "two.xlsx", [
        [1, "甲", "县政府办", "全年"],
        [None],
        ["考核内容", "责任部门", "分值"],
        ["乙", "办公室", 5],
    ], header=["序号", "重点任务", "牵头单位", "完成时间"])
    led = read_ledger(p)
    assert [(t.kind, [x.task for x in t.tasks]) for t in led.tables] == [
        ("decomposition", ["甲"]), ("assessment", ["乙"])]


def test_year_from_title_and_overrides(tmp_path):
    p = make_ledger(tmp_path / "year.xlsx", [[1, "甲", "县政府办", None, "8月底前"]],
                    title="寿光市 2019 年政务公开重点工作任务分工")
    assert str(tasks_of(p)[0].deadline.due) == "2019-08-31"
    assert str(tasks_of(p, year=2021)[0].deadline.due) == "2021-08-31"


def test_hidden_sheet_is_read_and_marked(tmp_path):
    p = make_ledger(tmp_path / "hidden.xlsx", [[1, "甲", "县政府办", None, "全年"]],
                    extra_sheets={"隐藏": [["序号", "工作任务", "牵头单位"], [1, "乙", "县财政局"]]})
    from openpyxl import load_workbook
    wb = load_workbook(p)
    wb["隐藏"].sheet_state = "hidden"
    wb.save(p)
    led = read_ledger(p)
    assert [(t.sheet, t.hidden) for t in led.tables] == [("台账", False), ("隐藏", True)]


def test_sheet_without_table(tmp_path):
    p = make_ledger(tmp_path / "plain.xlsx", [["a", "b"]], header=["姓名", "电话"])
    assert read_ledger(p).tables == []


@pytest.mark.parametrize("content,reason", [
    (b"", "文件为空"),
    (b"hello,world\n1,2\n", "文本"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
    (b"PK\x03\x04garbage-not-a-zip", "损坏"),
])
def test_unreadable_files_raise_one_chinese_reason(tmp_path, content, reason):
    p = tmp_path / "bad.xlsx"
    p.write_bytes(content)
    with pytest.raises(UnreadableFile) as e:
        read_ledger(p)
    assert reason in str(e.value) and str(p) in str(e.value)


def test_a_missing_file_and_a_folder_are_named_as_such(tmp_path):
    (tmp_path / "夹.xlsx").mkdir()
    for name, reason in (("无此文件.xlsx", "文件不存在"), ("夹.xlsx", "这是文件夹，不是文件")):
        with pytest.raises(UnreadableFile) as e:
            read_ledger(tmp_path / name)
        assert e.value.reason == reason


def test_a_workbook_named_xlsx_reads_the_same_from_memory_as_from_its_path(tmp_path, seed_path):
    # open_book hands calamine the bytes the guard read; the file read by name must agree
    from xltool.grid import DEFAULT_LIMITS, read_book
    from xltool.grid.calamine_reader import read_grids

    p = seed_path("001")
    by_path = read_grids(str(p), str(p), DEFAULT_LIMITS)
    got = read_book(p).sheets
    assert [(g.name, g.rows, sorted(g.merges), g.hidden) for g in got] == \
        [(g.name, g.rows, sorted(g.merges), g.hidden) for g in by_path]


def test_truncated_zip(tmp_path, seed_path):
    data = seed_path("001").read_bytes()
    p = tmp_path / "truncated.xlsx"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableFile, match="损坏"):
        read_ledger(p)


def test_every_column_lands_in_its_own_task_field(tmp_path):
    import datetime as dt

    header = ["内容", "一级指标", "序号", "工作任务", "具体要求", "牵头单位", "责任单位", "时限要求", "分值",
              "完成状态", "完成日期", "进展情况", "佐证材料", "自评分", "考核得分"]
    row = ["组织领导（10）", "机构建设", 3, "任务正文", "要求正文", "县政府办", "县财政局", "2020年9月底前", 4,
           "已完成", dt.datetime(2020, 9, 1), "进展正文", "佐证正文", 3.5, 3]
    t = tasks_of(make_ledger(tmp_path / "all.xlsx", [row], header=header))[0]
    got = {k: getattr(t, k) for k in ("excel_row", "seq", "task", "requirement", "lead_units", "responsible_units",
                                      "others", "level1", "points", "level2", "row_points", "status", "done_date",
                                      "progress", "evidence", "self_score", "score", "starts_task", "done_on")}
    assert got == {"excel_row": 3, "seq": "3", "task": "任务正文", "requirement": "要求正文",
                   "lead_units": ["县政府办"], "responsible_units": ["县财政局"], "others": False,
                   "level1": "组织领导", "points": 10, "level2": "机构建设", "row_points": 4, "status": "已完成",
                   "done_date": dt.date(2020, 9, 1), "progress": "进展正文", "evidence": "佐证正文",
                   "self_score": 3.5, "score": 3, "starts_task": True, "done_on": dt.date(2020, 9, 1)}
    assert t.deadline.text == "2020年9月底前" and t.deadline.due == dt.date(2020, 9, 30)
    assert t.own == {"seq", "task", "requirement", "lead", "responsible", "deadline", "row_points", "status",
                     "done_date", "progress", "evidence", "self_score", "score", "level1", "level2"}
    assert t.texts["deadline"] == "2020年9月底前" and t.cell("evidence") == "M3"


def test_header_scan_takes_any_cell_value_a_grid_may_hold():
    # the scan looks a whole row up at once; a value that is no dict key (a live-Excel
    # adapter could hand one over) must not stop it, and a long text never names a field
    import datetime as dt

    from xltool.model import Grid
    from xltool.table import find_layouts

    grid = Grid("表", [["序号", "工作任务", "牵头单位", "时限要求"],
                       [1.0, ["不可哈希"], "县政府办", dt.datetime(2020, 6, 30)],
                       [2.0, "工作任务" + " " * 30, "县财政局", None]])
    (lay,) = find_layouts(grid)
    assert lay.columns == {"seq": 0, "task": 1, "lead": 2, "deadline": 3}
    assert (lay.data_start, lay.data_end) == (1, 3)


def test_header_rows_are_found_among_numbers_nan_and_long_texts():
    # a sheet of numbers, NaN (never equal to itself), dates and long texts: none names a
    # field, whatever was looked up before; the header row still does
    import datetime as dt

    from xltool import table
    from xltool.model import Grid

    rows = [["序号", "工作任务", "牵头单位"]] + [[float("nan"), float(i), "任" * 30] for i in range(300)]
    rows.append([dt.date(2020, 1, 1), " 牵头单位 ", "工作任务"])
    grid = Grid("表", rows)
    assert all(table.row_fields(grid, r, {}) == {} for r in range(1, len(rows) - 1))
    assert [f for f, _ in table.row_fields(grid, 0, {}, least=2).values()] == ["seq", "task", "lead"]
    assert [f for f, _ in table.row_fields(grid, len(rows) - 1, {}).values()] == ["lead", "task"]
