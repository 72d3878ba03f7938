"""Rules that compare a ledger with the plan (``--plan``)."""

from __future__ import annotations

from ..plan import differences
from . import Hit, rule


@rule("plan-changed", "XL501", "warning", needs_plan=True)
def plan_changed(task, table, ctx):
    """与任务表不一致

    检查内容：指定 --plan 时，台账中某行对应的任务表任务，其任务内容、单位或时限被改动。
    为什么：台账应与印发的任务表一致；擅自改动任务、单位或时限会让考核失去依据。
    错误写法：任务表写“2020年底前”，台账改成“2021年6月底前”。
    正确写法：任务、单位、时限照任务表填写，进展情况写在进展列。
    配置项：rules.disable 加入 plan-changed 可关闭；rules.severity.plan-changed 调整级别。
    """
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
    """任务表中没有此任务

    检查内容：指定 --plan 时，台账中某行找不到对应的任务表任务（按序号和任务内容匹配，忽略空白）。
    为什么：任务表以外的行不计入考核，也可能是把任务内容改得面目全非。
    错误写法：台账中多出一行任务表里没有的“其他工作”。
    正确写法：只填写任务表中的任务；本单位的其他工作另行报送。
    配置项：rules.disable 加入 not-in-plan 可关闭；rules.severity.not-in-plan 调整级别。
    """
    if ctx.plan is not None and ctx.plan.match(task) is None:
        return Hit("task", "任务表中找不到此任务（序号或任务内容不同）", value=task.task[:60])


@rule("seq-changed", "XL503", "warning", needs_plan=True)
def seq_changed(task, table, ctx):
    """序号与任务表不同

    检查内容：指定 --plan 时，台账中某行对应的任务表任务（按任务内容匹配）的序号与台账填写的序号不同。
    为什么：汇总和催办按序号对应任务；序号写错，会把这项任务的进展记到别的任务上。
    错误写法：任务表第20项任务，台账中序号填成“19”。
    正确写法：序号照任务表填写；任务表的序号有误时，请印发单位更正任务表。
    配置项：rules.disable 加入 seq-changed 可关闭；rules.severity.seq-changed 调整级别。
    """
    if ctx.plan is None or not task.seq:
        return None
    p = ctx.plan.match(task)
    if p is None or not p.seq or p.seq == task.seq:
        return None
    return Hit("seq" if table.has("seq") else "task",
               f"序号“{task.seq}”与任务表中该任务的序号“{p.seq}”不同（任务表第{p.excel_row}行）",
               value=task.seq, suggestion=p.seq)
