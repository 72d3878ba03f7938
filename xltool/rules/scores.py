"""Rules about scores in assessment tables."""

from __future__ import annotations

from ..textnorm import cell_text
from . import Hit, rule


def row_max(task) -> float | None:
    """The most a row can score: its 分值 cell, else its level-1 indicator's points."""
    return task.row_points if task.row_points is not None else task.points


@rule("score-out-of-range", "XL401", "error", needs=("self_score", "score"))
def score_out_of_range(task, table, ctx):
    """得分超出范围

    检查内容：自评分或考核得分小于 0、大于该行分值（分值列，或一级指标的分值），或不是数字。加减分项目不检查上限。
    为什么：超出分值的得分会让总分超过满分，排名失真。
    错误写法：分值 5 分的指标，自评分填 8；或填“满分”“合格”。
    正确写法：填写 0 到该行分值之间的数字。
    配置项：rules.disable 加入 score-out-of-range 可关闭；rules.severity.score-out-of-range 调整级别。
    """
    top = row_max(task)
    for fld, label in (("self_score", "自评分"), ("score", "考核得分")):
        raw = getattr(task, fld)
        text = cell_text(raw)
        if not text:
            continue
        try:
            v = float(raw) if isinstance(raw, (int, float)) else float(text.rstrip("分"))
        except ValueError:
            yield Hit(fld, f"{label}“{text}”不是数字", value=text)
            continue
        if v < 0:
            yield Hit(fld, f"{label} {v:g} 小于 0", value=text)
        elif top is not None and v > top + 1e-9:
            yield Hit(fld, f"{label} {v:g} 超过该行分值 {top:g}", value=text)
