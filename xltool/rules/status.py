"""Rules about the progress columns: status, completion date, evidence."""

from __future__ import annotations

from ..textnorm import cell_text
from . import Hit, rule


@rule("bad-status", "XL301", "error", needs=("status",))
def bad_status(task, table, ctx):
    """完成状态不规范

    检查内容：完成状态只能填“已完成”“推进中/进行中”“未启动/未开始”，其他写法无法统计。
    为什么：完成率、逾期和得分都按完成状态计算，不规范的写法无法归类。
    错误写法：“基本完成”“已落实”“OK”“正在办理”。
    正确写法：从下拉列表中选择“已完成”“推进中”或“未启动”。
    配置项：status.done、status.in_progress、status.not_started 可增加本地区的说法；rules.disable 加入 bad-status 可关闭。
    """
    if task.status and ctx.config.status_class(task.status) is None:
        allowed = "、".join(w for ws in ctx.config.status.values() for w in ws)
        return Hit("status", f"完成状态“{task.status}”不在规定范围内（{allowed}）", value=task.status,
                  suggestion=_nearest(task.status, ctx))


def _nearest(text: str, ctx) -> str | None:
    for words in ctx.config.status.values():
        for w in words:
            if w in text or text in w:
                return w
    if any(k in text for k in ("完成", "办结", "完毕")) and "未" not in text:
        return ctx.config.status["done"][0]
    return None


@rule("done-no-date", "XL302", "warning", needs=("done_date",))
def done_no_date(task, table, ctx):
    """已完成未填完成日期

    检查内容：完成状态为“已完成”，但完成日期为空。只在表中有完成日期列时检查。
    为什么：没有完成日期就无法判断是否按期完成。
    错误写法：完成状态“已完成”，完成日期一栏空着。
    正确写法：填写实际完成的日期，如 2020-06-28。
    配置项：rules.disable 加入 done-no-date 可关闭；rules.severity.done-no-date 调整级别。
    """
    # (the table has the column: needs=; the blank test first, it is the cheaper)
    if (task.done_date is None or not cell_text(task.done_date)) and ctx.done(task):
        return Hit("done_date", "已完成但未填写完成日期")


@rule("done-no-evidence", "XL303", "warning", needs=("evidence",))
def done_no_evidence(task, table, ctx):
    """已完成无佐证材料

    检查内容：完成状态为“已完成”，但佐证材料为空。只在表中有佐证材料列时检查。
    为什么：考核以台账资料为据，没有佐证材料的“已完成”难以认定。
    错误写法：完成状态“已完成”，佐证材料一栏空着。
    正确写法：写明佐证材料的名称或链接，如“县政府门户网站 2020-06-28 发布的通知”。
    配置项：rules.disable 加入 done-no-evidence 可关闭；rules.severity.done-no-evidence 调整级别。
    """
    if not task.evidence and ctx.done(task):  # (the table has the column: needs=)
        return Hit("evidence", "已完成但未填写佐证材料")
