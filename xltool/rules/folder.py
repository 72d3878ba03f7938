"""Rules that only a batch of ledgers can decide (the batch runner applies them)."""

from __future__ import annotations

from ..submissions import Submission, duplicate_message
from . import Hit, rule


@rule("duplicate-submission", "XL601", "warning", scope="batch")
def duplicate_submission(me: Submission, group: list[Submission]):
    """重复报送

    检查内容：同一填报单位（按“填报单位”单元格，否则按文件名中的单位名称）在一批文件中有两份或以上台账，如旧版文件夹里的上月版本。汇总只采用填报日期最新（其次文件修改时间最新）的一份，其余列为“未计入”，绝不重复计数。
    为什么：同一单位的两份台账若都计入，任务数和得分会翻倍。
    错误写法：文件夹里同时有“县教育局台账.xlsx”和“县教育局台账（修改版）.xlsx”。
    正确写法：每个单位只保留最新的一份台账，旧版移出文件夹。
    配置项：rules.disable 加入 duplicate-submission 可关闭提示（汇总仍只采用一份）。
    """
    return Hit(None, duplicate_message(me, group), value=me.unit)
