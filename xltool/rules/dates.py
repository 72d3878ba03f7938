"""Rules about deadlines and dates."""

from __future__ import annotations

from ..deadlines import next_due
from . import Hit, rule
from .structure import is_excel_error


def _where(task) -> str:
    """The field a deadline finding marks: the deadline cell, or the task text it was read from."""
    return "task" if task.deadline.from_text else "deadline"


def _one(text: str) -> str:
    """The text on one line, without spaces."""
    return "".join((text or "").split())


@rule("bad-deadline", "XL201", "error", needs=("deadline",))
def bad_deadline(task, table, ctx):
    """时限无法识别

    检查内容：时限要求不是可识别的写法（如“2020年底前”“6月底前/全年”“持续推进”“印发1个月内”“10个工作日内”），无法计算截止日期。
    为什么：算不出截止日期，这项任务就无法判断是否逾期，也不会出现在催办清单里。
    错误写法：“尽快”“按上级要求”“2020年13月底前”“99999个月内”。
    正确写法：写成“2020年底前”“6月底前”“第三季度末”“持续推进”“印发1个月内”等规范写法。
    配置项：rules.disable 加入 bad-deadline 可关闭；rules.severity.bad-deadline 调整级别。
    """
    if task.deadline.kind == "unknown" and not is_excel_error(task.deadline.text):
        return Hit("deadline", f"时限“{_one(task.deadline.text)}”无法识别为日期", value=task.deadline.text)


@rule("overdue", "XL202", "error")
def overdue(task, table, ctx):
    """逾期未完成

    检查内容：截止日期早于基准日期（--as-of），而完成状态不是“已完成”。持续性任务（持续推进、长期坚持、常态化）、周期性任务（每月10日前、每季度末）和无时限任务不会逾期。
    为什么：逾期任务是督办和考核扣分的依据，需要逐项催办。
    错误写法：时限“6月底前”，基准日期 2020-07-15，完成状态仍为“推进中”。
    正确写法：按期完成并把完成状态改为“已完成”、填写完成日期；确实无法按期完成的，按程序说明原因。
    配置项：rules.disable 加入 overdue 可关闭；rules.severity.overdue 调整级别；基准日期用 --as-of 指定。
    """
    due = task.deadline.due
    if due and due < ctx.as_of and not ctx.done(task):
        days = (ctx.as_of - due).days
        return Hit(_where(task), f"已逾期 {days} 天：时限“{_one(task.deadline.text)}”截止 {due}，"
                              f"完成状态为“{task.status or '未填写'}”", value=task.deadline.text)


@rule("due-soon", "XL203", "info")
def due_soon(task, table, ctx):
    """即将到期

    检查内容：截止日期在基准日期起若干天内（默认 15 天），且尚未完成；周期性任务（每月10日前、每季度末）按下一个到期日提醒。
    为什么：提前提醒，避免任务逾期。
    错误写法：时限“6月底前”，基准日期 2020-06-20，完成状态“推进中”。
    正确写法：抓紧推进，完成后及时更新完成状态和完成日期。
    配置项：check.due_soon_days 设定提前提醒的天数；rules.disable 加入 due-soon 可关闭。
    """
    due = next_due(task.deadline, ctx.as_of)  # (a recurring task: its next period end)
    if due and ctx.as_of <= due <= ctx.due_soon_until and not ctx.done(task):
        return Hit(_where(task), f"{(due - ctx.as_of).days} 天后到期（{due}）", value=task.deadline.text)


@rule("completed-late", "XL204", "warning", needs=("done_date",))
def completed_late(task, table, ctx):
    """逾期完成

    检查内容：完成日期晚于按时限要求算出的截止日期。任务虽已完成，但没有按期完成，汇总时计入逾期完成。
    为什么：按期完成率是考核指标之一，逾期完成与按时完成计分不同（见计分说明）。
    错误写法：时限“6月底前”，完成日期 2020-07-10。
    正确写法：按期完成；如完成日期填错，改为实际完成日期。
    配置项：rules.disable 加入 completed-late 可关闭；scoring.late_credit 设定逾期完成的得分。
    """
    done = task.done_on
    due = task.deadline.due
    if done and due and done > due:
        return Hit("done_date", f"完成日期 {done} 晚于截止日期 {due}（晚 {(done - due).days} 天）", value=str(done))


@rule("date-in-future", "XL205", "error", needs=("done_date",))
def date_in_future(task, table, ctx):
    """完成日期在未来

    检查内容：完成日期晚于基准日期（--as-of），不可能已经完成，多为日期填写错误。
    为什么：未来的完成日期让逾期判断和按期完成率失真。
    错误写法：基准日期 2020-07-01，完成日期写成 2020-10-01（本想写 2020-01-10）。
    正确写法：填写实际完成的日期。
    配置项：rules.disable 加入 date-in-future 可关闭；rules.severity.date-in-future 调整级别。
    """
    done = task.done_on
    if done and done > ctx.as_of:
        return Hit("done_date", f"完成日期 {done} 晚于基准日期 {ctx.as_of}", value=str(done))
