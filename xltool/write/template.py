"""Ledger templates for the three official table shapes, generated from ``xltool.fields``.

A template has a 填报说明 sheet, the 台账 sheet (title, 填报单位 and 填报日期 cells, the
official header plus progress columns, dropdowns and validations, conditional formats that
colour overdue and due-soon rows from the 填报日期 cell, frozen panes, A4 landscape print
with the header repeated on every page) and a 单位名录 sheet that feeds the unit dropdowns.
``write_tasks`` fills the same layout with the tasks of a plan (``xltool import``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..fields import BY_KEY, KIND_COLUMNS, KIND_LABELS, KIND_NAMES
from .cells import put
from .styles import CENTER, PRINT_BORDER, PRINT_LINE, SEVERITY_FILL, print_a4, row_height

TABLE_SHEET = "台账"
ROSTER_SHEET = "单位名录"
HELP_SHEET = "填报说明"
HEADER_ROW = 4  # title, 填报单位/填报日期, notice line, header
FIRST_ROW = HEADER_ROW + 1
BLANK_ROWS = 60  # formatted empty rows in a new template
VALIDATED_ROWS = 1000  # dropdowns and formats reach this far below the header
STATUS_LIST = ("已完成", "推进中", "未启动")
DUE_SOON_DAYS = 15

HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")  # the plan's columns
PROGRESS_FILL = PatternFill("solid", fgColor="E2EFDA")  # the columns the unit fills in
SECTION_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="center")  # printed forms: text centred on the row

PROGRESS = ("status", "done_date", "progress", "evidence")


@dataclass(frozen=True)
class TemplateColumns:
    kind: str
    fields: tuple[str, ...]

    def col(self, field: str) -> int | None:
        """1-based column of a field, None if the layout lacks it."""
        return self.fields.index(field) + 1 if field in self.fields else None

    def letter(self, field: str) -> str | None:
        c = self.col(field)
        return get_column_letter(c) if c else None

    def label(self, field: str) -> str:
        return KIND_LABELS.get(self.kind, {}).get(field, BY_KEY[field].label)


def layout_for(kind: str) -> TemplateColumns:
    if kind not in KIND_COLUMNS:
        raise KeyError(kind)
    extra = ("self_score", "due_date") if kind == "assessment" else ("due_date",)
    return TemplateColumns(kind, KIND_COLUMNS[kind] + PROGRESS + extra)


HELP = {
    "common": [
        ("本表用途", "政务公开重点工作任务落实台账。各单位按行填写进展，报送牵头部门汇总检查。"),
        ("填报单位", "在第 2 行选择本单位名称（名称来自“单位名录”工作表，请勿自行改写）。"),
        ("填报日期", "填写报送当天的日期（如 2020-12-15）。“截止日期”早于填报日期且未完成的任务整行自动标红，"
                  "15 天内到期的标黄。"),
        ("截止日期", "逾期标色只看“截止日期”列。时限写成日期（如 2020-12-31）时，截止日期自动等于它；"
                  "时限是文字（如“6月底前”“印发1个月内”）时，请在截止日期列填写具体日期，否则这一行不会标色。"
                  "用 xltool import 从通知生成的台账已按时限算好截止日期。"),
        ("单位名录", "“单位名录”工作表中是示例单位（取自印发的任务分工），请换成本地区的单位名称；"
                  "第 2 行的填报单位和单位列的下拉选项都来自这里。"),
        ("完成状态", "只能选择：已完成、推进中、未启动。"),
        ("完成日期", "已完成的任务必须填写完成日期，格式为 2020-12-15；不得晚于填报日期。"),
        ("佐证材料", "已完成的任务必须写明佐证材料（文件名、网址或台账编号）。"),
        ("单位名称", "牵头单位、责任单位按任务分工原文填写，多个单位用顿号“、”分隔；不要改写、简写。"),
        ("合并单元格", "同一任务的多行可以合并单元格；合并后的内容视为对每一行都适用。"),
        ("检查", "填好后可在 Excel 中点“政务公开台账”选项卡的“检查台账”，或由汇总部门用 xltool check 检查。"),
    ],
    "assessment": [
        ("自评分", "按本行分值自评，不得超过分值；一级指标分值合计应为 100 分（加减分项目另计）。"),
        ("考核时限", "有完成时限的考核任务，在“截止日期”列填写日期，逾期未完成的整行标红。"),
    ],
    "division": [
        ("时限要求", "照抄任务分工原文，如“2020年底前”“6月底前/全年”“持续推进”“印发1个月内”。"
                  "“截止日期”列为按时限要求算出的日期，用于逾期标色。"),
    ],
    "decomposition": [
        ("完成时间", "照抄任务分解表原文，如“2018年7月底前”。“截止日期”列为算出的日期，用于逾期标色。"),
    ],
}


def _help_sheet(wb: Workbook, kind: str) -> None:
    ws = wb.create_sheet(HELP_SHEET, 0)
    ws["A1"] = f"{KIND_NAMES[kind]}台账 填报说明"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:B1")
    rows = HELP["common"] + HELP.get(kind, [])
    for i, (k, v) in enumerate(rows, start=3):
        ws.cell(i, 1, k).font = Font(bold=True)
        ws.cell(i, 1).alignment = CENTER
        ws.cell(i, 2, v).alignment = WRAP
        for c in (1, 2):
            ws.cell(i, c).border = PRINT_BORDER
        ws.row_dimensions[i].height = 18 * (1 + len(v) // 42)  # about 42 CJK characters a line
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 90
    ws.sheet_properties.tabColor = "70AD47"
    print_a4(ws)


def _roster_sheet(wb: Workbook, names: list[str], groups: dict[str, list[str]] | None = None,
                  aliases: dict[str, str] | None = None) -> None:
    ws = wb.create_sheet(ROSTER_SHEET)
    for c, h in enumerate(("单位名称", "别名", "所属分组"), start=1):
        cell = ws.cell(1, c, h)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = PRINT_BORDER
    member_of: dict[str, list[str]] = {}
    for g, members in (groups or {}).items():
        for m in members:
            member_of.setdefault(m, []).append(g)
    alias_of: dict[str, list[str]] = {}
    for a, canonical in (aliases or {}).items():
        alias_of.setdefault(canonical, []).append(a)
    for r, name in enumerate(names, start=2):
        put(ws, r, 1, name)
        if alias_of.get(name):
            put(ws, r, 2, "、".join(alias_of[name]))
        if member_of.get(name):
            put(ws, r, 3, "、".join(member_of[name]))
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 24
    ws.freeze_panes = "A2"
    print_a4(ws, title_rows=1)
    ws.page_setup.fitToHeight = 1  # a list of units: one page


def _table_sheet(wb: Workbook, lay: TemplateColumns, title: str, notice: str | None) -> object:
    ws = wb.create_sheet(TABLE_SHEET, 1)
    n = len(lay.fields)
    last = get_column_letter(n)
    put(ws, 1, 1, title)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = CENTER
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    ws["A2"] = "填报单位："
    ws["B2"].border = Border(bottom=PRINT_LINE)
    date_label_col = max(3, n - 2)
    ws.cell(2, date_label_col, "填报日期：")
    date_cell = ws.cell(2, date_label_col + 1)
    date_cell.number_format = "yyyy-mm-dd"
    date_cell.border = Border(bottom=PRINT_LINE)
    if notice:
        put(ws, 3, 1, notice)
        ws.merge_cells(f"A3:{last}3")
    for c, f in enumerate(lay.fields, start=1):
        cell = ws.cell(HEADER_ROW, c, lay.label(f))
        cell.font = Font(bold=True)
        cell.fill = PROGRESS_FILL if f in PROGRESS + ("self_score", "due_date") else HEAD_FILL
        cell.border = PRINT_BORDER
        cell.alignment = CENTER
        ws.column_dimensions[get_column_letter(c)].width = BY_KEY[f].width
    ws.row_dimensions[HEADER_ROW].height = 30
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    # print: A4 landscape, fit to one page wide, title and header repeated on every page
    print_a4(ws, landscape=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return ws


def date_cell_ref(lay: TemplateColumns) -> str:
    """The absolute reference of the 填报日期 input cell."""
    n = len(lay.fields)
    return f"${get_column_letter(max(3, n - 2) + 1)}$2"


def _validations(ws, lay: TemplateColumns, last_row: int) -> None:
    first = FIRST_ROW

    def rng(field: str) -> str | None:
        letter = lay.letter(field)
        return f"{letter}{first}:{letter}{last_row}" if letter else None

    status = DataValidation(type="list", formula1='"' + ",".join(STATUS_LIST) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="完成状态", error="请从下拉列表选择：已完成、推进中、未启动",
                            promptTitle="完成状态", prompt="已完成 / 推进中 / 未启动", showInputMessage=True)
    status.add(rng("status"))
    done = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)",
                          allow_blank=True, showErrorMessage=True, errorTitle="完成日期",
                          error="请填写日期，如 2020-12-15", promptTitle="完成日期", prompt="格式：2020-12-15",
                          showInputMessage=True)
    done.add(rng("done_date"))
    roster_ref = f"'{ROSTER_SHEET}'!$A$2:$A$500"
    unit = DataValidation(type="list", formula1=f"={roster_ref}", allow_blank=True, showErrorMessage=True,
                          errorStyle="information", errorTitle="单位名称",
                          error="该名称不在单位名录中；多个单位用顿号分隔时可忽略此提示",
                          promptTitle="单位名称", prompt="从单位名录选择，或按原文填写多个单位（顿号分隔）",
                          showInputMessage=True)
    for f in ("lead", "responsible"):
        if rng(f):
            unit.add(rng(f))
    me = DataValidation(type="list", formula1=f"={roster_ref}", allow_blank=True, showErrorMessage=True,
                        errorTitle="填报单位", error="请从单位名录中选择本单位")
    me.add("B2")
    report_date = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                                 formula2="DATE(2100,12,31)", allow_blank=True, showErrorMessage=True,
                                 error="请填写日期，如 2020-12-15")
    report_date.add(date_cell_ref(lay).replace("$", ""))
    for dv in (status, done, unit, me, report_date):
        ws.add_data_validation(dv)
    if lay.kind == "assessment":
        pts, own = lay.letter("row_points"), lay.letter("self_score")
        score = DataValidation(type="decimal", operator="between", formula1="0", formula2=f"${pts}{first}",
                               allow_blank=True, showErrorMessage=True, errorTitle="自评分",
                               error="自评分应在 0 到本行分值之间")
        score.add(f"{own}{first}:{own}{last_row}")
        ws.add_data_validation(score)


def overdue_formulas(lay: TemplateColumns, row: int = FIRST_ROW) -> tuple[str, str] | None:
    """(overdue, due soon) conditional-format formulas for a row, None for assessment tables."""
    due, status = lay.letter("due_date"), lay.letter("status")
    if not due:
        return None
    d = date_cell_ref(lay)
    base = f'ISNUMBER(${due}{row}),ISNUMBER({d}),${status}{row}<>"已完成"'
    return (f"AND({base},${due}{row}<{d})",
            f"AND({base},${due}{row}>={d},${due}{row}<={d}+{DUE_SOON_DAYS})")


def _conditional(ws, lay: TemplateColumns, last_row: int) -> None:
    f = overdue_formulas(lay)
    if not f:
        return
    rng = f"A{FIRST_ROW}:{get_column_letter(len(lay.fields))}{last_row}"
    ws.conditional_formatting.add(rng, FormulaRule(formula=[f[0]], fill=SEVERITY_FILL["error"], stopIfTrue=True))
    ws.conditional_formatting.add(rng, FormulaRule(formula=[f[1]], fill=SEVERITY_FILL["warning"], stopIfTrue=True))


def _format_rows(ws, lay: TemplateColumns, first: int, last: int) -> None:
    due = lay.col("due_date")
    done = lay.col("done_date")
    widths = {c: BY_KEY[f].width for c, f in enumerate(lay.fields, start=1)}
    heights: dict[int, list] = {}
    for rng in ws.merged_cells.ranges:  # a merged cell's text spreads over its rows
        if rng.min_row >= first and rng.max_row > rng.min_row:
            v = ws.cell(rng.min_row, rng.min_col).value
            if isinstance(v, str):
                span = rng.max_row - rng.min_row + 1
                heights.setdefault(rng.min_row, []).append((v, widths.get(rng.min_col, 14) * span))
    merged_down = {(r, rng.min_col) for rng in ws.merged_cells.ranges if rng.max_row > rng.min_row
                   for r in range(rng.min_row, rng.max_row + 1)}
    across = {(rng.min_row, rng.min_col): sum(widths.get(c, 14) for c in range(rng.min_col, rng.max_col + 1))
              for rng in ws.merged_cells.ranges if rng.max_row == rng.min_row and rng.max_col > rng.min_col}
    for r in range(first, last + 1):
        texts = []
        for c in range(1, len(lay.fields) + 1):
            cell = ws.cell(r, c)
            if cell.__class__.__name__ == "MergedCell":
                continue
            cell.border = PRINT_BORDER
            cell.alignment = WRAP
            if c in (due, done):
                cell.number_format = "yyyy-mm-dd"
            if isinstance(cell.value, str) and (r, c) not in merged_down:
                texts.append((cell.value, across.get((r, c), widths[c])))
        if texts:
            ws.row_dimensions[r].height = row_height(texts)


def new_workbook(kind: str, title: str | None = None, roster=None, notice: str | None = None,
                 report_date: dt.date | None = None) -> tuple[Workbook, TemplateColumns]:
    lay = layout_for(kind)
    wb = Workbook()
    wb.remove(wb.active)
    _help_sheet(wb, kind)
    ws = _table_sheet(wb, lay, title or f"{KIND_NAMES[kind]}落实台账", notice)
    names = list(roster.names) if roster else []
    _roster_sheet(wb, names, roster.groups if roster else None, roster.aliases if roster else None)
    if report_date:
        ws[date_cell_ref(lay).replace("$", "")] = report_date
    _validations(ws, lay, FIRST_ROW + VALIDATED_ROWS - 1)
    _conditional(ws, lay, FIRST_ROW + VALIDATED_ROWS - 1)
    wb.active = 1
    return wb, lay


def build_template(kind: str, roster=None) -> Workbook:
    """A new, empty ledger of one official shape."""
    wb, lay = new_workbook(kind, roster=roster)
    ws = wb[TABLE_SHEET]
    _format_rows(ws, lay, FIRST_ROW, FIRST_ROW + BLANK_ROWS - 1)
    _due_dates(ws, lay, FIRST_ROW, FIRST_ROW + BLANK_ROWS - 1)
    return wb


def _due_dates(ws, lay: TemplateColumns, first: int, last: int) -> None:
    """截止日期 follows 时限要求 wherever the clerk types it as a date (a text deadline needs
    a date typed in 截止日期: the 填报说明 says so)."""
    from .cells import formula

    due, deadline = lay.col("due_date"), lay.letter("deadline")
    if not due or not deadline:
        return
    for r in range(first, last + 1):
        formula(ws, r, due, f'=IF(ISNUMBER({deadline}{r}),{deadline}{r},"")')


# Sample units for the bundled templates' 单位名录, from the official notices they mirror
# (seed 000 for the assessment table, seed 004 for the other two); a clerk replaces them.
SAMPLE_UNITS = {
    "assessment": ["办公室", "督查科", "法规科", "市容科"],
    "division": ["县政府办", "县经济开发区管委会", "县卫健委", "县财政局", "县发改委", "县人社局", "县市监局",
                 "县生态环境分局", "县住建局", "县司法局", "县商务局", "县数据资源管理局（政务服务局）"],
}
SAMPLE_UNITS["decomposition"] = SAMPLE_UNITS["division"]


def _points_text(level1: str | None, points) -> str | None:
    if not level1:
        return None
    return f"{level1}（{points:g}）" if isinstance(points, (int, float)) else level1


def _task_values(t, src_cols) -> tuple[dict, set]:
    """The cell values of one task row in template fields, and the fields this row owns
    (the others continue the cell above: they are written as vertical merges)."""
    task_from_req = "task" not in src_cols
    units_own = bool({"lead", "responsible"} & t.own)
    values = {
        "seq": t.seq,
        "task": t.task,
        "requirement": t.requirement,
        "lead": "、".join(t.lead_units) or None,
        "responsible": ("、".join(t.responsible_units) + ("等有关部门" if t.others else "")) or None,
        "deadline": t.deadline.text or None,
        "due_date": t.deadline.due,
        "level1": _points_text(t.level1, t.points),
        "level2": t.level2,
        "row_points": t.row_points,
        "status": t.status,
        "done_date": t.done_date,
        "progress": t.progress,
        "evidence": t.evidence,
        "self_score": t.self_score,
    }
    if t.lead_units and not t.responsible_units and t.others:
        values["lead"] += "等有关部门"
        values["responsible"] = None
    own = {f for f in ("level1", "level2", "deadline", "row_points", "status", "done_date", "progress",
                       "evidence", "self_score") if f in t.own}
    if "deadline" in t.own:
        own.add("due_date")
    if t.starts_task or "seq" in t.own:
        own.add("seq")
    if "task" in t.own or (task_from_req and "requirement" in t.own):
        own.add("task")
    if "requirement" in t.own and not task_from_req:
        own.add("requirement")
    if units_own:
        own.update(("lead", "responsible"))
    return values, own


def write_tasks(wb: Workbook, lay: TemplateColumns, tables) -> int:
    """Fill the 台账 sheet with the tasks of ``tables``: a section row wherever the section
    changes, and a field that a row does not own (it continues the cell above in the source)
    merged into the cell above, so the ledger reads back exactly as the source did.
    Returns the last row written."""
    ws = wb[TABLE_SHEET]
    ncol = len(lay.fields)
    r = FIRST_ROW
    section = subsection = None
    run_start: dict[str, int] = {}  # field -> row of the cell the current run merges into
    run_value: dict[str, object] = {}

    def merge_run(f: str, end: int) -> None:
        run_value.pop(f, None)
        start = run_start.pop(f, None)
        if start is not None and end > start:
            c = lay.col(f)
            ws.merge_cells(start_row=start, start_column=c, end_row=end, end_column=c)

    for table in tables:
        for t in table.tasks:
            if (t.section, t.subsection) != (section, subsection):
                for f in list(run_start):
                    merge_run(f, r - 1)
                for text in ((t.section,) if t.section != section else ()) + (t.subsection,):
                    if text:
                        put(ws, r, 1, text).font = SECTION_FONT
                        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
                        r += 1
                section, subsection = t.section, t.subsection
            values, own = _task_values(t, table.columns)
            for f in lay.fields:
                v = values.get(f)
                if f not in own and f in run_start and v not in (None, "") and run_value.get(f) == v:
                    continue  # continues the cell above
                merge_run(f, r - 1)
                if v not in (None, ""):
                    put(ws, r, lay.col(f), v)
                    run_start[f], run_value[f] = r, v
            r += 1
    for f in list(run_start):
        merge_run(f, r - 1)
    _format_rows(ws, lay, FIRST_ROW, max(r - 1, FIRST_ROW))
    return r - 1


def ledger_from_tables(tables, kind: str | None = None, title: str | None = None, notice: str | None = None,
                       roster=None) -> Workbook:
    """A template-shaped ledger holding the tasks of ``tables`` (all of one kind)."""
    kind = kind or tables[0].kind
    if roster is None:
        from ..units import Roster

        roster = Roster.from_names([u for t in tables for k in t.tasks for u in k.units])
    wb, lay = new_workbook(kind, title=title, roster=roster, notice=notice)
    write_tasks(wb, lay, tables)
    return wb


def template_path(kind: str):
    """The bundled template of a kind (``workbook_templates/<kind>.xlsx``)."""
    from ..resources import folder

    return folder("workbook_templates") / f"{kind}.xlsx"


def build_all(folder) -> list:
    """(Re)build the bundled templates; run ``python -m xltool.write.template``."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    from ..units import Roster

    for kind in KIND_COLUMNS:
        p = folder / f"{kind}.xlsx"
        wb = build_template(kind, roster=Roster.from_names(SAMPLE_UNITS[kind], source="示例"))
        wb.properties.creator = "xltool"
        wb.save(p)
        out.append(p)
    return out


if __name__ == "__main__":
    import sys

    for p in build_all(sys.argv[1] if len(sys.argv) > 1 else template_path("x").parent):
        print(p)
