"""Build the demo set in examples/: the 2020 plan of seed 004 (泗县) and the progress
ledgers five units sent back, with the mistakes real ledgers have.

Run: python examples/make_examples.py   (regenerates; the outputs are committed)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from xltool.reader import read_ledger  # noqa: E402

PLAN_SRC = ROOT / "tests" / "fixtures" / "seeds" / "seed_004_division.xlsx"
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER = ["序号", "具体要求", "责任单位", "时限要求", "完成状态", "完成日期", "进展情况", "佐证材料"]

# unit -> {seq: (status, done date, progress, evidence)}; unlisted rows stay 推进中
PROGRESS = {
    "县政府办": {26: ("已完成", dt.date(2020, 11, 20), "专题已上线", "专题截图.pdf"),
                29: ("已完成", dt.date(2021, 1, 5), "平台建成", "验收报告.pdf"),  # completed late
                33: ("已完成", None, "公报数据库已建", None),  # no date, no evidence
                45: ("基本完成", None, "考核方案已报批", None)},  # not a status word
    "县司法局": {6: ("已完成", dt.date(2020, 12, 10), "已集中公开", "文件目录.xlsx")},
    "县卫健委": {17: ("已完成", dt.date(2020, 10, 30), "按日发布", "发布记录.docx"),
                19: ("进行中", None, "持续办理", None)},
    "县财政局": {9: ("已完成", dt.date(2020, 12, 1), "解读材料已发布", "链接清单.docx"),
                10: ("推进中", None, "资金直达信息按月公开", None)},
    "县发改委": {24: ("未启动", None, None, None)},  # overdue at year end
}
TYPO = {"县财政局": ("县财政局", "县财政局局")}  # one ledger types the unit name twice over


def write_ledger(path: Path, unit: str, tasks, title: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:H1")
    ws["A2"] = f"填报单位：{unit}"
    ws["F2"] = "填报日期：2020年12月15日"
    for c, h in enumerate(HEADER, start=1):
        cell = ws.cell(3, c, h)
        cell.font = Font(bold=True)
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
    progress = PROGRESS.get(unit, {})
    for r, t in enumerate(tasks, start=4):
        units = "、".join(t.responsible_units) + ("等有关部门" if t.others else "")
        if unit in TYPO:
            units = units.replace(*TYPO[unit])
        status, done, prog, ev = progress.get(int(t.seq), ("推进中", None, "按计划推进", None))
        values = [int(t.seq), t.task, units, t.deadline.text, status, done, prog, ev]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c, v)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for col, w in zip("ABCDEFGH", (6, 60, 30, 12, 10, 12, 24, 16), strict=True):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A4"
    wb.save(path)


def main() -> None:
    plan = read_ledger(PLAN_SRC)
    table = plan.tables[0]
    # the plan as issued: the seed table itself
    wb = load_workbook(PLAN_SRC)
    wb.save(HERE / "plan_2020.xlsx")
    out = HERE / "ledgers"
    out.mkdir(exist_ok=True)
    for unit in PROGRESS:
        tasks = [t for t in table.tasks if unit in t.units]
        write_ledger(out / f"{unit}.xlsx", unit, tasks, "2020年政务公开重点工作任务分工落实台账")
        print(f"{unit}: {len(tasks)} tasks")


if __name__ == "__main__":
    main()
