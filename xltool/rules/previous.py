"""Rules that compare a ledger with the same unit's ledger of the previous round
(``--previous``)."""

from __future__ import annotations

from ..textnorm import squash
from . import Hit, rule


@rule("stale-progress", "XL701", "info", needs=("progress",))
def stale_progress(task, table, ctx):
    """进展未更新

    检查内容：指定 --previous 时，未完成任务的进展情况与本单位上一轮报送的台账一字不差（忽略空白）。
    为什么：每轮报送应写明本期新进展；照抄上一轮，协调单位无从了解任务是否在推进。
    错误写法：连续两个月都写“正在按计划推进”。
    正确写法：写明本期做了什么、下一步安排，例如“10月完成初稿，11月征求意见”。
    配置项：rules.disable 加入 stale-progress 可关闭；rules.severity.stale-progress 调整级别。
    """
    if ctx.previous is None or not task.progress or ctx.done(task):
        return None
    p = ctx.previous.match(task)
    if p is None or squash(p.progress or "") != squash(task.progress):
        return None
    return Hit("progress", f"进展情况与{ctx.previous_where(p)}完全相同，本轮未更新", value=task.progress[:60])


@rule("status-regressed", "XL702", "warning", needs=("status",))
def status_regressed(task, table, ctx):
    """完成状态倒退

    检查内容：指定 --previous 时，上一轮已报“已完成”的任务，本轮的完成状态不再是已完成。
    为什么：已完成的任务又变为推进中，要么上一轮报早了，要么本轮填错了，都需要核实。
    错误写法：上一轮“已完成”，本轮“推进中”。
    正确写法：确已完成的保持“已完成”；上一轮报错的，在进展情况中说明原因。
    配置项：rules.disable 加入 status-regressed 可关闭；rules.severity.status-regressed 调整级别。
    """
    if ctx.previous is None or ctx.done(task):
        return None
    p = ctx.previous.match(task)
    if p is None or ctx.config.status_class(p.status) != "done":
        return None
    return Hit("status", f"{ctx.previous_where(p)}为“{p.status}”，本轮为“{task.status or '空'}”",
               value=task.status)


@rule("done-date-moved", "XL703", "info", needs=("done_date",))
def done_date_moved(task, table, ctx):
    """完成日期变动

    检查内容：指定 --previous 时，任务的完成日期与本单位上一轮台账填写的不同。
    为什么：已报的完成日期一般不应再变；改动可能影响是否逾期的判断。
    错误写法：上一轮报“2020-06-30”完成，本轮改为“2020-08-15”。
    正确写法：完成日期照实填写，确需更正的在进展情况中说明。
    配置项：rules.disable 加入 done-date-moved 可关闭；rules.severity.done-date-moved 调整级别。
    """
    if ctx.previous is None or task.done_on is None:
        return None
    p = ctx.previous.match(task)
    if p is None or p.done_on is None or p.done_on == task.done_on:
        return None
    return Hit("done_date", f"完成日期由{ctx.previous_where(p)}的 {p.done_on.isoformat()} 改为 "
                            f"{task.done_on.isoformat()}", value=task.done_on.isoformat())


@rule("task-dropped", "XL704", "warning", scope="file")
def task_dropped(ledger, ctx):
    """任务缺失

    检查内容：指定 --previous 时，本单位上一轮台账中的任务，在本轮台账中找不到（按序号和任务内容匹配）。
    为什么：报送时删掉了仍须落实的任务，汇总时这项任务就不再被统计。
    错误写法：把已完成或不好推进的任务行删掉再报送。
    正确写法：保留全部任务行，已完成的标“已完成”，进展写明情况。
    配置项：rules.disable 加入 task-dropped 可关闭；rules.severity.task-dropped 调整级别。
    """
    if ctx.previous is None or not ledger.tables:
        return
    from ..plan import Plan

    now = Plan.from_ledger(ledger)
    first = ledger.tables[0]
    for p in ctx.previous.tasks:
        if now.match(p) is None:
            yield Hit(None, f"{ctx.previous_where(p)}的任务“{squash(p.task)[:40]}”本轮台账中没有",
                      value=p.seq, sheet=first.sheet)
