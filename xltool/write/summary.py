"""``rollup -o summary.xlsx``: ranking with a native bar chart, per-indicator sheet for
assessment tables, overdue list linked to the source cells, units that sent nothing."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from .atomic import save_workbook
from .cells import put
from .report import SOURCE_TIP, link_target
from .styles import SEVERITY_FILL, WRAP, body_row, fill_with, fit_rows, header_row, link, location, print_a4


def _body_rows(ws, start: int, rows) -> int:
    """Bordered rows from row ``start``; returns the row after the last."""
    for r, row in enumerate(rows, start=start):
        body_row(ws, r, row)
    return start + len(rows)


def write_summary(result, out: Path, replace: bool = True) -> None:
    """The roll-up as a workbook: 排名, 指标得分 (assessment tables only), 逾期清单, 报送情况, 计分说明."""
    out = Path(out)
    wb = Workbook()
    footer = f"基准日期：{result.base_dates()}"
    _ranking_sheet(wb.active, result, footer)
    assessment = [r for r in result.rows if r.table.kind == "assessment"]
    if assessment:
        _indicator_sheet(wb.create_sheet("指标得分"), assessment, footer)
    if result.changes is not None:
        _changes_sheet(wb.create_sheet("变化"), result, footer)
    _overdue_sheet(wb.create_sheet("逾期清单"), result, out.parent, footer)
    _reporting_sheet(wb.create_sheet("报送情况"), result, footer)
    _scoring_sheet(wb.create_sheet("计分说明"), result, footer)
    save_workbook(wb, out, mark="汇总", replace=replace)


_RANKING = [("名次", 6), ("单位", 24), ("任务数", 8), ("牵头任务", 9), ("已完成", 8), ("推进中", 8), ("未启动", 8),
            ("逾期", 7), ("即将到期", 9), ("逾期完成", 9), ("完成率", 9), ("按时完成率", 11), ("得分", 8),
            ("满分", 8), ("得分率", 9)]


def _ranking_row(place: int, u) -> list:
    rate = (u.score / u.max_score) if u.score is not None and u.max_score else None
    return [place, u.unit, u.tasks, u.lead_tasks, u.completed, u.in_progress, u.not_started, u.overdue,
            u.due_soon, u.completed_late, u.completion_rate, u.on_time_rate,
            None if u.score is None else round(u.score, 2),
            None if u.max_score is None else round(u.max_score, 2),
            None if rate is None else round(rate, 4)]


def _ranking_sheet(ws, result, footer: str) -> None:
    """Units in rank order with their figures, and a bar chart of their score rates."""
    ws.title = "排名"
    put(ws, 1, 1, f"政务公开任务落实情况汇总（基准日期：{result.base_dates()}）")
    ws["A1"].font = Font(bold=True, size=14)
    header_row(ws, 2, [c for c, _ in _RANKING], [w for _, w in _RANKING])
    end = _body_rows(ws, 3, [_ranking_row(i, u) for i, u in enumerate(result.units, start=1)])
    for r in range(3, end):
        for c in (11, 12, 15):
            ws.cell(r, c).number_format = "0.0%"
        for c in (13, 14):
            ws.cell(r, c).number_format = "0.00"  # (66 and 66.79 alike)
    ws.freeze_panes = "C3"
    print_a4(ws, landscape=True, title_rows=2, footer=footer)
    ws.auto_filter.ref = f"A2:O{max(end - 1, 2)}"
    if end > 3:
        ws.add_chart(_score_chart(ws, end), f"B{end + 2}")


def _score_chart(ws, end: int) -> BarChart:
    """Horizontal bars of 得分率 (column O), first place on top."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "各单位得分率"
    chart.y_axis.title = "得分率"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 1
    chart.add_data(Reference(ws, min_col=15, min_row=2, max_row=end - 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=3, max_row=end - 1))
    chart.x_axis.scaling.orientation = "maxMin"
    chart.legend = None
    chart.height = max(7.5, 0.6 * (end - 3) + 3)
    chart.width = 18
    return chart


def _indicator_sheet(ws, assessment: list, footer: str) -> None:
    """Every row of the assessment tables with its points and score."""
    header_row(ws, 1, ["文件", "一级指标", "分值", "二级指标", "考核内容", "责任单位", "完成状态", "本行分值", "本行得分"],
               [28, 14, 7, 18, 40, 20, 9, 9, 9])
    body = [[r.file, r.task.level1, r.task.points, r.task.level2, r.task.task, "、".join(r.units),
             r.task.status, None if r.points is None else round(r.points, 2),
             None if r.score is None else round(r.score, 2)] for r in assessment]
    _body_rows(ws, 2, body)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:I{len(body) + 1}"
    fit_rows(ws, 2)
    print_a4(ws, landscape=True, title_rows=1, footer=footer)


def _overdue_sheet(ws, result, base: Path, footer: str) -> None:
    """Every overdue row, linked to its cell in the ledger (a path relative to ``base``)."""
    header_row(ws, 1, ["文件", "工作表", "单元格", "单位", "任务", "时限", "截止日期", "完成状态"],
               [30, 12, 9, 20, 50, 14, 12, 10])
    r = 2
    for row in (x for x in result.rows if x.overdue):
        t = row.task
        cell_ref = t.cell("deadline") or t.cell("task")
        body_row(ws, r, [row.file, row.sheet, cell_ref, "、".join(row.units), t.task, t.deadline.text,
                         t.deadline.due, t.status or "未填写"], wrap=True)
        ws.cell(r, 7).number_format = "yyyy-mm-dd"
        target = link_target(row.path, base)
        if target is not None:
            link(ws.cell(r, 3), location(row.sheet, cell_ref), target, SOURCE_TIP)
        fill_with(ws.cell(r, 8), SEVERITY_FILL["error"])
        r += 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{max(r - 1, 1)}"
    fit_rows(ws, 2)
    print_a4(ws, landscape=True, title_rows=1, footer=footer)


_CHANGES = [("单位", 24), ("本轮已完成", 11), ("上一轮已完成", 13), ("新完成", 9), ("本轮逾期", 10), ("上一轮逾期", 11),
            ("逾期增减", 10), ("进展未更新", 11), ("说明", 24)]


def _changes_sheet(ws, result, footer: str) -> None:
    """Each unit's completed and overdue tasks against the previous round (--previous)."""
    put(ws, 1, 1, f"与上一轮相比（本轮基准日期：{result.base_dates()}；上一轮：{result.previous_bases}）")
    ws["A1"].font = Font(bold=True, size=12)
    header_row(ws, 2, [c for c, _ in _CHANGES], [w for _, w in _CHANGES])
    rows = [[c.unit, c.completed, c.completed_before, c.newly_completed, c.overdue, c.overdue_before,
             c.overdue_change, c.stale, None if c.completed_before is not None else "上一轮未报送"]
            for c in result.changes]
    _body_rows(ws, 3, rows)
    for r, c in enumerate(result.changes, start=3):
        if c.overdue_change:
            fill_with(ws.cell(r, 7), SEVERITY_FILL["error" if c.overdue_change > 0 else "info"])
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:I{max(len(rows) + 2, 2)}"
    print_a4(ws, landscape=True, title_rows=2, footer=footer)


def _reporting_sheet(ws, result, footer: str) -> None:
    """Who reported, who did not, and every file that was not counted, with the reason."""
    header_row(ws, 1, ["单位", "情况", "文件", "说明"], [24, 16, 44, 50])
    rows = [[f["unit"] or "（未识别单位）", "已报送", f["file"], f"{f['tasks']} 行任务，基准日期 {f['as_of']}"]
            for f in result.files]
    rows += [[u, "未报送", None, "名录中的单位，文件夹中没有它的台账"] for u in result.missing]
    rows += [[u.unit or "（未识别单位）", "无法读取", u.file, u.reason] for u in result.unreadable]
    rows += [[e["unit"] or "（未识别单位）", "空白台账", e["file"], "有表头但没有任务行，未计入"] for e in result.empty]
    rows += [[a.unit, "未计入（旧版或重复）", a.file, f"同一单位采用较新的 {a.kept}"] for a in result.set_aside]
    rows += [[None, "已跳过", f, reason] for f, reason in result.skipped]
    rows += [[typo, "任务表笔误", None, f"按“{meant}”统计"] for typo, meant in result.plan_typos.items()]
    _body_rows(ws, 2, rows)
    for r in range(2, len(rows) + 2):
        for c in range(1, 5):
            ws.cell(r, c).alignment = WRAP
        if ws.cell(r, 2).value in ("未报送", "无法读取", "空白台账"):
            fill_with(ws.cell(r, 2), SEVERITY_FILL["error"])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{max(len(rows) + 1, 1)}"
    fit_rows(ws, 2)
    print_a4(ws, landscape=True, title_rows=1, footer=footer)


def _scoring_sheet(ws, result, footer: str) -> None:
    """How 得分 is computed, with the weights this roll-up used and one unit worked through."""
    s = result.scoring
    f = s["status_factor"]
    ws.column_dimensions["A"].width = 80  # (portrait A4 holds about 90)
    lines = [
        ("计分说明", True),
        (f"基准日期：{result.base_dates()}", False),
        ("一、每行任务按完成情况得到 0～1 的“完成分”：", True),
        (f"　已完成且未超期：{f['done']:g}；已完成但完成日期晚于截止日期：{s['late_credit']:g}", False),
        ("　已超过截止日期仍未完成（逾期）：0", False),
        (f"　尚未到期：推进中（进行中）{f['in_progress']:g}，未启动（未开始）或未填写 {f['not_started']:g}", False),
        ("　持续推进、长期坚持等持续性任务（没有截止日期，不会逾期）："
         + ("须有本期工作的佐证材料（表中没有“佐证材料”列时看“进展情况”），有则按推进中计分，没有则为 0"
            if s["ongoing_needs_evidence"] else "按完成状态计分"), False),
        ("二、重点工作任务分工表、任务分解表：得分 = 100 × 各行完成分之和 ÷ 任务数（满分 100）。", True),
        ("三、考核任务分解表：每行分值取“分值”列，没有时把一级指标的分值（如“组织领导（10）”）平均分到该指标的各行；"
         "每行得分取“考核得分”，没有时取“自评分”，再没有时为 完成分 × 分值；加分项、减分项直接加减；满分为各行分值之和。", True),
        ("四、排名按得分率（得分 ÷ 满分）从高到低，相同时完成率高者在前、逾期少者在前。", True),
        ("五、权重可在配置文件 xltool.toml 的 [scoring] 中修改：status_factor（完成状态系数）、late_credit（超期完成得分）、"
         "ongoing_needs_evidence（持续性任务是否须有佐证）。", True),
        ("为什么这样计分：考核任务分解表（如海安市城管局 2019 年考核任务分解）按指标分值计分、以台账资料为据；"
         "持续性任务全年都在“推进中”，若不看佐证，一个单位只完成 1 项、其余都是持续性任务也能排第一。", False),
    ]
    example = _worked_example(result)
    if example:
        lines.append(("算例：" + example, False))
    for r, (text, bold) in enumerate(lines, start=1):
        cell = put(ws, r, 1, text)
        cell.alignment = WRAP
        if bold or r == 1:
            cell.font = Font(bold=True, size=14 if r == 1 else 11)
    fit_rows(ws, 1)
    print_a4(ws, footer=footer)


def _worked_example(result) -> str | None:
    """One division/decomposition unit's score, task by task: the unit whose tasks show the
    most different credits (the best illustration), the higher ranked on a tie."""
    def credits_of(unit) -> list[float]:
        return [r.credit for r in result.rows if unit.unit in r.units and not r.bonus and r.table.kind != "assessment"]

    units = [u for u in result.units if u.credited]
    if not units:
        return None
    unit = max(units, key=lambda u: len(set(credits_of(u))))
    credits = credits_of(unit)
    terms = "＋".join(f"{c:g}" for c in credits)
    return (f"{unit.unit}共 {len(credits)} 项任务，完成分为 {terms}，合计 {sum(credits):g}；"
            f"得分 = 100 × {sum(credits):g} ÷ {len(credits)} = {100 * sum(credits) / len(credits):.2f}")
