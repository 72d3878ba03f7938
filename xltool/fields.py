"""The one declarative description of ledger columns.

The reader maps header cells to these fields; the template writer lays out the
same fields with the same labels. Add a header word here and both learn it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # the header text templates print
    words: tuple[str, ...]  # header words the reader accepts (whitespace removed)
    width: float = 14  # template column width (Excel character units)


FIELDS: tuple[Field, ...] = (
    Field("seq", "序号", ("序号", "编号", "序"), 6),
    Field("level1", "内容", ("内容", "类别", "考核项目", "考核类别"), 12),
    Field("level2", "一级指标", ("一级指标", "考核指标", "评价指标"), 16),
    Field("task", "工作任务", ("工作任务", "重点任务", "任务", "二级指标", "考核内容", "主要任务",
                            "任务内容", "工作内容", "重点工作", "目标任务", "主要内容", "工作事项",
                            "任务事项", "评价内容"), 36),
    Field("requirement", "具体要求", ("具体要求", "工作要求", "任务分解", "工作措施", "具体措施",
                                   "主要措施", "任务要求", "评分标准", "考核标准", "评分细则", "工作目标"), 44),
    Field("lead", "牵头单位", ("牵头单位", "牵头部门", "牵头科室", "承办单位", "主办单位", "主责单位",
                               "主责部门"), 16),
    Field("responsible", "责任单位", ("责任单位", "责任部门", "配合单位", "配合部门", "协办单位",
                                   "责任科室", "责任主体", "参与单位", "协同单位", "责任股室",
                                   "落实单位"), 22),
    Field("deadline", "时限要求", ("时限要求", "完成时间", "完成时限", "时间节点", "完成期限",
                                "时限", "时间要求", "进度安排", "完成时间节点", "时间安排"), 14),
    Field("row_points", "分值", ("分值", "标准分", "满分"), 7),
    Field("due_date", "截止日期", ("截止日期", "到期日期"), 12),
    Field("status", "完成状态", ("完成状态", "进展状态", "状态", "办理状态"), 10),
    Field("done_date", "完成日期", ("完成日期", "实际完成时间", "实际完成日期", "办结日期"), 12),
    Field("progress", "进展情况", ("进展情况", "完成情况", "工作进展", "落实情况", "推进情况",
                                "进度情况"), 30),
    Field("evidence", "佐证材料", ("佐证材料", "台账资料", "证明材料", "佐证资料", "台账材料"), 18),
    Field("self_score", "自评分", ("自评分", "自评得分"), 8),
    Field("score", "考核得分", ("考核得分", "得分", "评分"), 8),
    # Columns a table may carry that the reader knows but reads no task data from: named
    # here so that inspect does not list them as unknown.
    Field("leader", "责任领导", ("责任领导", "分管领导", "牵头领导", "责任人", "联系人"), 10),
    Field("assessor", "负责考核部门", ("负责考核部门", "考核部门", "考核单位", "评分部门", "负责考核单位"), 14),
    Field("remark", "备注", ("备注",), 12),
)
# Fields read but holding nothing a task keeps (see above).
IGNORED_FIELDS = ("leader", "assessor", "remark")

BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}

# Fields that hold the unit names.
UNIT_FIELDS = ("lead", "responsible")
# Fields a check/template adds to an official table.
PROGRESS_FIELDS = ("status", "done_date", "progress", "evidence")

# The columns of each official table shape, in order (progress columns follow).
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    "assessment": ("level1", "level2", "task", "row_points", "responsible", "requirement"),
    "division": ("seq", "task", "requirement", "lead", "responsible", "deadline"),
    "decomposition": ("seq", "task", "lead", "responsible", "deadline", "requirement"),
}
KIND_NAMES = {
    "assessment": "考核任务分解表",
    "division": "重点工作任务分工",
    "decomposition": "任务分解表",
}
# Per-kind header labels where the official table words a field differently.
KIND_LABELS: dict[str, dict[str, str]] = {
    "assessment": {"task": "二级指标", "responsible": "责任部门", "requirement": "任务分解"},
    "decomposition": {"task": "重点任务", "deadline": "完成时间", "requirement": "工作要求"},
}

_WORDS: list[tuple[str, str]] = sorted(
    ((w, f.key) for f in FIELDS for w in f.words), key=lambda p: -len(p[0])
)
# (no bracket inside: linear on a cell of ten thousand open brackets)
_BRACKETED = re.compile(r"[（(【\[][^（(【\[）)】\]]*[）)】\]]")
_SPACE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """Header text reduced for matching: NFKC, no brackets, no whitespace, no trailing colon."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _BRACKETED.sub("", t)
    t = _SPACE.sub("", t)
    return t.strip(":：*")


HEADER_CHARS = 60  # a longer cell is a sentence, not a header


def match_header(text: str) -> str | None:
    """The canonical field a header cell names, or None.

    Exact match first; else the longest header word the cell starts or ends with,
    as long as the cell is only a little longer than the word (a sentence is not a header).
    """
    if len(text) > HEADER_CHARS:
        return None
    key = header_key(text)
    if not key:
        return None
    for word, field in _WORDS:
        if key == word:
            return field
    for word, field in _WORDS:
        if len(key) <= len(word) + 4 and (key.startswith(word) or key.endswith(word)):
            return field
    return None
