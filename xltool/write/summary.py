"""``rollup -o summary.xlsx``: ranking with a native bar chart, per-indicator sheet for
assessment tables, overdue list linked to the source cells, units that sent nothing."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from .atomic import save_workbook
from .report import SOURCE_TIP, link_target
from .styles import SEVERITY_FILL, body_row, header_row, link, location, print_a4


def _rows(ws, start: int, rows) -> int:
    """Bordered rows from row ``start``; returns the row after the last."""
    for r, row in enumerate(rows, start=start):
        body_row(ws, r, row)
    return start + len(rows)


def write_summary(result, out: Path) -> None:
    out = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "排名"
    ws["A1"] = f"政务公开任务落实情况汇总（基准日期 {result.as_of}）"
    ws["A1"].font = Font(bold=True, size=14)
    cols = ["名次", "单位", "任务数", "牵头任务", "已完成", "推进中", "未启动", "逾期", "即将到期", "逾期完成",
            "完成率", "按时完成率", "得分", "满分", "得分率"]
    header_row(ws, 2, cols, [6, 24, 8, 9, 8, 8, 8, 7, 9, 9, 9, 11, 8, 8, 9])
    body = []
    for i, u in enumerate(result.units, start=1):
        rate = (u.score / u.max_score) if u.score is not None and u.max_score else None
        body.append([i, u.unit, u.tasks, u.lead_tasks, u.completed, u.in_progress, u.not_started, u.overdue,
                     u.due_soon, u.completed_late, u.completion_rate, u.on_time_rate,
                     None if u.score is None else round(u.score, 2),
                     None if u.max_score is None else round(u.max_score, 2),
                     None if rate is None else round(rate, 4)])
    end = _rows(ws, 3, body)
    for r in range(3, end):
        for c in (11, 12, 15):
            ws.cell(r, c).number_format = "0.0%"
    ws.freeze_panes = "C3"
    print_a4(ws, landscape=True)
    ws.auto_filter.ref = f"A2:O{max(end - 1, 2)}"
    if body:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "各单位得分率"
        chart.y_axis.title = "得分率"
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        data = Reference(ws, min_col=15, min_row=2, max_row=end - 1)
        cats = Reference(ws, min_col=2, min_row=3, max_row=end - 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.x_axis.scaling.orientation = "maxMin"  # first place on top
        chart.legend = None
        chart.height = max(7.5, 0.6 * len(body) + 3)
        chart.width = 18
        ws.add_chart(chart, f"B{end + 2}")

    assessment = [r for r in result.rows if r.table.kind == "assessment"]
    if assessment:
        si = wb.create_sheet("指标得分")
        header_row(si, 1, ["文件", "一级指标", "分值", "二级指标", "考核内容", "责任单位", "完成状态", "本行分值", "本行得分"],
                   [28, 14, 7, 18, 40, 20, 9, 9, 9])
        body = [[r.file, r.task.level1, r.task.points, r.task.level2, r.task.task, "、".join(r.units),
                 r.task.status, None if r.points is None else round(r.points, 2),
                 None if r.score is None else round(r.score, 2)] for r in assessment]
        _rows(si, 2, body)
        si.freeze_panes = "A2"
        si.auto_filter.ref = f"A1:I{len(body) + 1}"

    so = wb.create_sheet("逾期清单")
    header_row(so, 1, ["文件", "工作表", "单元格", "单位", "任务", "时限", "截止日期", "完成状态"],
               [30, 12, 9, 20, 50, 14, 12, 10])
    r = 2
    for row in (x for x in result.rows if x.overdue):
        t = row.task
        cell_ref = t.cell("deadline") or t.cell("task")
        body_row(so, r, [row.file, row.sheet, cell_ref, "、".join(row.units), t.task, t.deadline.text,
                         t.deadline.due, t.status or "未填写"], wrap=True)
        so.cell(r, 7).number_format = "yyyy-mm-dd"
        link(so.cell(r, 3), location(row.sheet, cell_ref), link_target(row.path, out.parent), SOURCE_TIP)
        so.cell(r, 8).fill = SEVERITY_FILL["error"]
        r += 1
    so.freeze_panes = "A2"
    so.auto_filter.ref = f"A1:H{max(r - 1, 1)}"

    sm = wb.create_sheet("未报送")
    header_row(sm, 1, ["未报送台账的单位"], [30])
    _rows(sm, 2, [[u] for u in result.missing])
    if result.errors:
        se = wb.create_sheet("无法读取")
        header_row(se, 1, ["文件", "原因"], [40, 60])
        _rows(se, 2, [[f, e] for f, e in result.errors])
    save_workbook(wb, out, mark="汇总")
