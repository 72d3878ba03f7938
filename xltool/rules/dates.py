"""Rules about deadlines and dates."""

from __future__ import annotations

from . import Hit, rule
from .structure import is_excel_error


def _one(text: str) -> str:
    """The text on one line, without spaces."""
    return "".join((text or "").split())


@rule("bad-deadline", "XL201", "error", needs=("deadline",))
def bad_deadline(task, table, ctx):
    """时限无法识别：时限要求不是可识别的写法（如“2020年底前”“6月底前/全年”“持续推进”“印发1个月内”“10个工作日内”），无法计算截止日期。"""
    if task.deadline.kind == "unknown" and not is_excel_error(task.deadline.text):
        return Hit("deadline", f"时限“{_one(task.deadline.text)}”无法识别为日期", value=task.deadline.text)


@rule("overdue", "XL202", "error")
def overdue(task, table, ctx):
    """逾期未完成：截止日期早于基准日期（--as-of），而完成状态不是“已完成”。持续性任务（持续推进、长期坚持、常态化）和无时限任务不会逾期。"""
    due = task.deadline.due
    if due and due < ctx.as_of and not ctx.done(task):
        days = (ctx.as_of - due).days
        return Hit("deadline", f"已逾期 {days} 天：时限“{_one(task.deadline.text)}”截止 {due}，"
                              f"完成状态为“{task.status or '未填写'}”", value=task.deadline.text)


@rule("due-soon", "XL203", "info")
def due_soon(task, table, ctx):
    """即将到期：截止日期在基准日期起若干天内（默认 15 天，配置项 check.due_soon_days），且尚未完成。"""
    due = task.deadline.due
    if due and ctx.as_of <= due <= ctx.due_soon_until and not ctx.done(task):
        return Hit("deadline", f"{(due - ctx.as_of).days} 天后到期（{due}）", value=task.deadline.text)


@rule("completed-late", "XL204", "warning", needs=("done_date",))
def completed_late(task, table, ctx):
    """逾期完成：完成日期晚于按时限要求算出的截止日期。任务虽已完成，但没有按期完成，汇总时计入逾期完成。"""
    done = task.done_on
    due = task.deadline.due
    if done and due and done > due:
        return Hit("done_date", f"完成日期 {done} 晚于截止日期 {due}（晚 {(done - due).days} 天）", value=str(done))


@rule("date-in-future", "XL205", "error", needs=("done_date",))
def date_in_future(task, table, ctx):
    """完成日期在未来：完成日期晚于基准日期（--as-of），不可能已经完成，多为日期填写错误。"""
    done = task.done_on
    if done and done > ctx.as_of:
        return Hit("done_date", f"完成日期 {done} 晚于基准日期 {ctx.as_of}", value=str(done))
