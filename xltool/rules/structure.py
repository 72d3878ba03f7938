"""Rules about the table itself: header, required cells, 序号, points."""

from __future__ import annotations

from ..model import cell_ref
from ..table import row_fields
from . import Hit, rule

AUX_SHEETS = ("填报说明", "单位名录", "配置", "检查结果", "说明", "汇总")


@rule("header-missing", "XL001", "error", scope="file")
def header_missing(ledger, ctx):
    """找不到表头：工作簿（或某个工作表）中没有同时含任务列（工作任务、重点任务、具体要求、二级指标等）和单位列（牵头单位、责任单位、责任部门）的表头行，因此无法读取任务。"""
    with_tables = {t.sheet for t in ledger.tables}
    partial = []
    for g in ledger.book.sheets:
        if g.name in with_tables or g.hidden or any(a in g.name for a in AUX_SHEETS):
            continue
        for r in range(min(g.height, 60)):
            words = {f for f, _ in row_fields(g, r, {}, least=2).values()}
            if len(words) >= 2:
                missing = []
                if not words & {"task", "requirement"}:
                    missing.append("任务列")
                if not words & {"lead", "responsible"}:
                    missing.append("单位列")
                partial.append(Hit(None, f"第{r + 1}行像是表头，但缺少{'和'.join(missing)}，无法读取任务",
                                   sheet=g.name, cell=cell_ref(r, 0), row=r + 1))
                break
    yield from partial
    if not ledger.tables and not partial:
        first = next((g.name for g in ledger.book.sheets if not g.hidden), None)
        yield Hit(None, "未找到任务表：没有同时含任务列和单位列（牵头单位/责任单位）的表头行", sheet=first)


_LABEL = {"task": "任务", "unit": "责任单位（牵头或责任）", "deadline": "时限"}


@rule("missing-field", "XL002", "error")
def missing_field(task, table, ctx):
    """必填项为空：在合并单元格和“同上”空白都已还原之后，任务、单位（牵头单位或责任单位至少一项）或时限单元格仍为空。只检查表中存在的列。"""
    if task.task and (task.lead_units or task.responsible_units) and task.deadline.kind != "none":
        return None  # most rows: nothing is missing
    hits = []
    if not task.task:
        hits.append(Hit("task" if table.has("task") else "requirement", "任务内容为空"))
    if not (task.lead_units or task.responsible_units) and (table.has("lead") or table.has("responsible")):
        hits.append(Hit("lead" if table.has("lead") else "responsible", "牵头单位和责任单位都为空"))
    if task.deadline.kind == "none" and table.has("deadline"):
        hits.append(Hit("deadline", "时限要求为空"))
    return hits


@rule("duplicate-seq", "XL003", "warning", scope="table")
def duplicate_seq(table, ctx):
    """序号重复：同一张表中某个序号在上方已经用过（每次重复都报告，第一次出现不报告）。合并单元格、承接上行的序号，以及紧接上一行的相同序号（取消合并后逐行填写的同一任务）不算重复。"""
    seen: dict[str, int] = {}
    prev_row, prev_seq = None, None
    for t in table.tasks:
        if "seq" not in t.own or not t.seq:
            continue
        # the same 序号 on the very next row is an unmerged (filled) task, not a repeat
        follows = prev_seq == t.seq and prev_row == t.excel_row - 1
        prev_row, prev_seq = t.excel_row, t.seq
        if follows:
            continue
        if t.seq in seen:
            yield Hit(None, f"序号 {t.seq} 与第{seen[t.seq]}行重复", value=t.seq,
                      cell=t.cell("seq"), row=t.excel_row)
        else:
            seen[t.seq] = t.excel_row


@rule("points-total", "XL004", "error", scope="table")
def points_total(table, ctx):
    """分值合计不等于100：考核任务分解表中各一级指标（如“组织领导（10）”）的分值之和不是 100。分页后重复出现的同一指标只计一次；加减分项目不计入。"""
    if table.kind != "assessment":
        return
    points: dict[str, float] = {}
    for t in table.tasks:
        if t.level1 and t.points is not None and t.level1 not in points:
            points[t.level1] = t.points
    if not points:
        return
    total = sum(points.values())
    if abs(total - 100) > 1e-6:
        parts = "＋".join(f"{k}{v:g}" for k, v in points.items())
        col = table.columns.get("level1", 0)
        yield Hit(None, f"一级指标分值合计 {total:g} 分，不等于 100 分（{parts}）", value=f"{total:g}",
                  cell=cell_ref(table.header_row - 1, col), row=table.header_row)



EXCEL_ERRORS = ("#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA")


def is_excel_error(text: str | None) -> bool:
    return bool(text) and text.lstrip()[:1] == "#" and text.strip().upper() in EXCEL_ERRORS


@rule("formula-error", "XL005", "error")
def formula_error(task, table, ctx):
    """公式错误值：单元格显示 #REF!、#DIV/0!、#VALUE! 等公式错误（常见于删除或移动了被引用的单元格），实际内容已丢失，需重新填写。"""
    if "#" not in "".join(task.texts.values()):  # one scan in C: almost no row has a "#"
        return None
    return [Hit(fld, f"单元格是公式错误值 {text.strip()}，原内容已丢失，请重新填写", value=text.strip())
            for fld, text in task.texts.items() if text[:1] == "#" and is_excel_error(text)]  # texts are stripped


@rule("empty-ledger", "XL006", "error", scope="file")
def empty_ledger(ledger, ctx):
    """空白台账：找到了任务表的表头，但表下没有任何任务行（常见于把空白模板原样报回）。空白台账不计入汇总，单位列入“空白台账”而不是“已报送”。"""
    if ledger.tables and not any(t.tasks for t in ledger.tables):
        first = ledger.tables[0]
        col = min(first.columns.values(), default=0)
        yield Hit(None, f"表头（第{first.header_row}行）下没有任务行：这是一份空白台账", sheet=first.sheet,
                  cell=cell_ref(first.data_row - 1, col), row=first.data_row)


@rule("bad-merge", "XL007", "error", scope="file")
def bad_merge(ledger, ctx):
    """合并单元格异常：一个合并单元格跨越两行两列以上、覆盖了工作表已用区域的四分之一以上（如把表头和整张表合并成一格），正常台账没有这种合并。它会让表中所有单元格都显示同一个值、把任务行“藏”起来，因此按未合并读取，请取消这个合并。"""
    for g in ledger.book.sheets:
        for m in g.bad_merges:
            yield Hit(None, f"合并单元格 {m.ref} 覆盖了 {m.r1 - m.r0 + 1} 行 × {m.c1 - m.c0 + 1} 列，"
                            "会把表中内容遮住，已按未合并读取；请取消这个合并", value=m.ref,
                      sheet=g.name, cell=cell_ref(m.r0, m.c0), row=m.r0 + 1)
