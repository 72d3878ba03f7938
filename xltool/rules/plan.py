"""Rules that compare a ledger with the plan (``--plan``)."""

from __future__ import annotations

from ..plan import differences
from . import Hit, rule


@rule("plan-changed", "XL501", "warning", needs_plan=True)
def plan_changed(task, table, ctx):
    """与任务表不一致：指定 --plan 时，台账中某行对应的任务表任务，其任务内容、单位或时限被改动。"""
    if ctx.plan is None:
        return
    p = ctx.plan.match(task)
    if p is None:
        return
    for fld, msg in differences(task, p):
        if not table.has(fld):
            fld = "responsible" if fld == "lead" and table.has("responsible") else fld
        yield Hit(fld if table.has(fld) else "task", f"{msg}（对应任务表第{p.excel_row}行）",
                  value=None, suggestion=None)


@rule("not-in-plan", "XL502", "warning", needs_plan=True)
def not_in_plan(task, table, ctx):
    """任务表中没有此任务：指定 --plan 时，台账中某行找不到对应的任务表任务（按序号和任务内容匹配，忽略空白）。"""
    if ctx.plan is not None and ctx.plan.match(task) is None:
        return Hit("task", "任务表中找不到此任务（序号或任务内容不同）", value=task.task[:60])
